import { readFileSync } from 'node:fs';
import { createLazPerf } from 'laz-perf';

/**
 * A deliberately separate LAS reader for checking exports, written from the ASPRS LAS 1.4 R15
 * specification (public header block, VLR/EVLR headers, point data record formats 0-10, extra
 * bytes descriptors). It shares no code with the importer under electron/services/scans, so an
 * exporter bug cannot hide behind the same misreading on both sides. LAZ sources are decompressed
 * with laz-perf's own whole-file reader (LASZip), not the importer's chunk decoder.
 */
export interface SpecLas {
  bytes: Uint8Array;
  versionMinor: number;
  globalEncoding: number;
  headerSize: number;
  offsetToPoints: number;
  vlrCount: number;
  pdrf: number;
  compressed: boolean;
  recordLength: number;
  legacyCount: number;
  count: number;
  scaleBytes: Uint8Array;
  offsetBytes: Uint8Array;
  scale: number[];
  offset: number[];
  max: number[];
  min: number[];
  evlrStart: number;
  evlrCount: number;
  byReturn: number[];
  vlrs: { userId: string; recordId: number; payload: Uint8Array; raw: Uint8Array }[];
  evlrs: { userId: string; recordId: number; payload: Uint8Array; raw: Uint8Array }[];
  /** count * recordLength bytes of uncompressed point records. */
  records: Uint8Array;
}

const str = (b: Uint8Array) => {
  const end = b.indexOf(0);
  return Buffer.from(end < 0 ? b : b.subarray(0, end)).toString('latin1');
};

export function readSpecLas(path: string): SpecLas {
  const bytes = new Uint8Array(readFileSync(path));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (str(bytes.subarray(0, 4)) !== 'LASF') throw new Error(`${path}: no LASF signature`);
  const versionMinor = bytes[25]!;
  const headerSize = dv.getUint16(94, true);
  const offsetToPoints = dv.getUint32(96, true);
  const vlrCount = dv.getUint32(100, true);
  const pdrfByte = bytes[104]!;
  const recordLength = dv.getUint16(105, true);
  const legacyCount = dv.getUint32(107, true);
  const f64 = (at: number) => dv.getFloat64(at, true);
  let count = legacyCount;
  let evlrStart = 0;
  let evlrCount = 0;
  let byReturn = [0, 1, 2, 3, 4].map((i) => dv.getUint32(111 + 4 * i, true));
  if (versionMinor >= 4) {
    evlrStart = Number(dv.getBigUint64(235, true));
    evlrCount = dv.getUint32(243, true);
    count = Number(dv.getBigUint64(247, true));
    byReturn = Array.from({ length: 15 }, (_, i) => Number(dv.getBigUint64(255 + 8 * i, true)));
  }
  const vlrs: SpecLas['vlrs'] = [];
  let at = headerSize;
  for (let i = 0; i < vlrCount; i++) {
    const len = dv.getUint16(at + 20, true);
    vlrs.push({ userId: str(bytes.subarray(at + 2, at + 18)), recordId: dv.getUint16(at + 18, true), payload: bytes.subarray(at + 54, at + 54 + len), raw: bytes.subarray(at, at + 54 + len) });
    at += 54 + len;
  }
  const evlrs: SpecLas['evlrs'] = [];
  at = evlrStart;
  for (let i = 0; i < evlrCount; i++) {
    const len = Number(dv.getBigUint64(at + 20, true));
    evlrs.push({ userId: str(bytes.subarray(at + 2, at + 18)), recordId: dv.getUint16(at + 18, true), payload: bytes.subarray(at + 60, at + 60 + len), raw: bytes.subarray(at, at + 60 + len) });
    at += 60 + len;
  }
  const compressed = (pdrfByte & 0xc0) !== 0;
  return {
    bytes,
    versionMinor,
    globalEncoding: dv.getUint16(6, true),
    headerSize,
    offsetToPoints,
    vlrCount,
    pdrf: pdrfByte & 0x3f,
    compressed,
    recordLength,
    legacyCount,
    count,
    scaleBytes: bytes.slice(131, 155),
    offsetBytes: bytes.slice(155, 179),
    scale: [f64(131), f64(139), f64(147)],
    offset: [f64(155), f64(163), f64(171)],
    max: [f64(179), f64(195), f64(211)],
    min: [f64(187), f64(203), f64(219)],
    evlrStart,
    evlrCount,
    byReturn,
    vlrs,
    evlrs,
    records: compressed ? new Uint8Array(0) : bytes.subarray(offsetToPoints, offsetToPoints + count * recordLength),
  };
}

interface LazModule {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
  LASZip: new () => { open(p: number, n: number): void; getPoint(p: number): void; getCount(): number; getPointLength(): number; delete(): void };
}

/** The file with its point records: read directly, or decompressed whole by laz-perf's LASZip. */
export async function readSpecLasWithRecords(path: string): Promise<SpecLas> {
  const las = readSpecLas(path);
  if (!las.compressed) return las;
  const m = (await (createLazPerf as unknown as () => Promise<LazModule>)()) as LazModule;
  const filePtr = m._malloc(las.bytes.length);
  m.HEAPU8.set(las.bytes, filePtr);
  const zip = new m.LASZip();
  zip.open(filePtr, las.bytes.length);
  const n = zip.getCount();
  const rl = zip.getPointLength();
  const pointPtr = m._malloc(rl);
  const records = new Uint8Array(n * rl);
  for (let i = 0; i < n; i++) {
    zip.getPoint(pointPtr);
    records.set(m.HEAPU8.subarray(pointPtr, pointPtr + rl), i * rl);
  }
  zip.delete();
  m._free(pointPtr);
  m._free(filePtr);
  return { ...las, records };
}

/** Record fields by the spec's layouts: legacy formats 0-5 and extended formats 6-10. */
export function specPoint(las: Pick<SpecLas, 'records' | 'recordLength' | 'pdrf'>, i: number) {
  const o = i * las.recordLength;
  const r = las.records;
  const dv = new DataView(r.buffer, r.byteOffset + o, las.recordLength);
  const extended = las.pdrf >= 6;
  return {
    x: dv.getInt32(0, true),
    y: dv.getInt32(4, true),
    z: dv.getInt32(8, true),
    intensity: dv.getUint16(12, true),
    returnNumber: extended ? r[o + 14]! & 0x0f : r[o + 14]! & 0x07,
    classification: extended ? r[o + 16]! : r[o + 15]! & 0x1f,
    gpsTime: extended ? dv.getFloat64(22, true) : las.pdrf === 1 || las.pdrf >= 3 ? dv.getFloat64(20, true) : null,
    rgb: extended
      ? las.pdrf === 7 || las.pdrf === 8 || las.pdrf === 10
        ? [dv.getUint16(30, true), dv.getUint16(32, true), dv.getUint16(34, true)]
        : null
      : las.pdrf === 2 || las.pdrf === 3
        ? [dv.getUint16(las.pdrf === 2 ? 20 : 28, true), dv.getUint16(las.pdrf === 2 ? 22 : 30, true), dv.getUint16(las.pdrf === 2 ? 24 : 32, true)]
        : las.pdrf === 5
          ? [dv.getUint16(28, true), dv.getUint16(30, true), dv.getUint16(32, true)]
          : null,
  };
}

/** Base record sizes of formats 0-10 (spec tables 7-17). */
export const SPEC_BASE_LENGTH = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67];

/** Extra bytes descriptors (LASF_Spec / 4) in order, with each field's offset in the record. */
export function specExtraBytes(las: SpecLas): { name: string; dataType: number; offset: number; size: number }[] {
  const sizes = [0, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8];
  const out: { name: string; dataType: number; offset: number; size: number }[] = [];
  let offset = SPEC_BASE_LENGTH[las.pdrf]!;
  for (const v of [...las.vlrs, ...las.evlrs]) {
    if (v.userId !== 'LASF_Spec' || v.recordId !== 4) continue;
    for (let q = 0; q + 192 <= v.payload.length; q += 192) {
      const d = v.payload.subarray(q, q + 192);
      const dataType = d[2]!;
      const size = dataType === 0 ? d[3]! : sizes[((dataType - 1) % 10) + 1]! * (Math.floor((dataType - 1) / 10) + 1);
      out.push({ name: str(d.subarray(4, 36)), dataType, offset, size });
      offset += size;
    }
  }
  return out;
}
