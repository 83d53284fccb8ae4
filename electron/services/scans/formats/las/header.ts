import { BadInputError } from '../../../errors';
import { pointFormat, type PointFormat } from './point-format';

/** Smallest public header each minor version defines (1.0-1.2: 227, 1.3 adds the waveform start, 1.4 the 64-bit counts and EVLRs). */
export const HEADER_SIZE_BY_MINOR = [227, 227, 227, 235, 375] as const;
/** Enough bytes to parse any supported header. */
export const MAX_HEADER_SIZE = 375;
/** VLRs + padding between header and points we are willing to read up front. */
export const MAX_PREAMBLE_BYTES = 64 * 1024 * 1024;

export type Vec3 = [number, number, number];

export interface LasHeader {
  versionMajor: number;
  versionMinor: number;
  fileSourceId: number;
  globalEncoding: number;
  systemIdentifier: string;
  generatingSoftware: string;
  creationDay: number;
  creationYear: number;
  headerSize: number;
  offsetToPointData: number;
  vlrCount: number;
  /** The byte as stored: bits 6-7 flag LASzip compression. */
  pointFormatByte: number;
  pointFormat: PointFormat;
  compressed: boolean;
  recordLength: number;
  /** Authoritative count (64-bit field for 1.4 when set, else the legacy 32-bit one). */
  pointCount: number;
  legacyPointCount: number;
  pointsByReturn: number[];
  scale: Vec3;
  offset: Vec3;
  min: Vec3;
  max: Vec3;
  waveformDataStart: number;
  evlrStart: number;
  evlrCount: number;
}

const text = (b: Uint8Array, start: number, length: number): string => {
  const s = b.subarray(start, start + length);
  const end = s.indexOf(0);
  return new TextDecoder('latin1').decode(end >= 0 ? s.subarray(0, end) : s).trim();
};

function safeU64(dv: DataView, at: number, file: string, what: string): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadInputError(file, `${what} ${v} is beyond what any file can hold`, { byte: at });
  return Number(v);
}

/**
 * Parses and validates the public header block. `bytes` holds the first bytes of the file (up to
 * MAX_HEADER_SIZE); `fileSize` lets every offset and count be checked before anything is read or
 * allocated from it.
 */
export function parseLasHeader(bytes: Uint8Array, file: string, fileSize: number): LasHeader {
  if (bytes.length < 4 || bytes[0] !== 0x4c || bytes[1] !== 0x41 || bytes[2] !== 0x53 || bytes[3] !== 0x46)
    throw new BadInputError(file, "not a LAS file: expected the 'LASF' signature", { byte: 0 });
  if (bytes.length < 227)
    throw new BadInputError(file, `file ends after ${fileSize} bytes; a LAS header needs at least 227`, { byte: fileSize });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const versionMajor = bytes[24]!;
  const versionMinor = bytes[25]!;
  if (versionMajor !== 1 || versionMinor > 4)
    throw new BadInputError(file, `unsupported LAS version ${versionMajor}.${versionMinor} (expected 1.0 to 1.4)`, { byte: 24 });
  const headerSize = dv.getUint16(94, true);
  const minHeader = HEADER_SIZE_BY_MINOR[versionMinor]!;
  if (headerSize < minHeader)
    throw new BadInputError(file, `header size ${headerSize} is smaller than the ${minHeader} bytes LAS 1.${versionMinor} requires`, {
      byte: 94,
    });
  if (headerSize > fileSize)
    throw new BadInputError(file, `header size ${headerSize} runs past the end of the file (${fileSize} bytes)`, { byte: 94 });
  if (bytes.length < minHeader)
    throw new BadInputError(file, `file ends after ${fileSize} bytes; a LAS 1.${versionMinor} header needs ${minHeader}`, {
      byte: fileSize,
    });

  const offsetToPointData = dv.getUint32(96, true);
  if (offsetToPointData < headerSize)
    throw new BadInputError(file, `offset to point data ${offsetToPointData} lies inside the ${headerSize}-byte header`, { byte: 96 });
  if (offsetToPointData > fileSize)
    throw new BadInputError(file, `offset to point data ${offsetToPointData} is past the end of the file (${fileSize} bytes)`, {
      byte: 96,
    });
  if (offsetToPointData - headerSize > MAX_PREAMBLE_BYTES)
    throw new BadInputError(
      file,
      `offset to point data ${offsetToPointData} leaves ${offsetToPointData - headerSize} bytes of VLRs, more than the ${MAX_PREAMBLE_BYTES} supported`,
      { byte: 96 },
    );
  const vlrCount = dv.getUint32(100, true);
  // A VLR header alone is 54 bytes, so the count is bounded by the space before the points.
  if (vlrCount * 54 > offsetToPointData - headerSize)
    throw new BadInputError(
      file,
      `header claims ${vlrCount} VLRs but only ${offsetToPointData - headerSize} bytes lie between header and points`,
      { byte: 100 },
    );

  const pointFormatByte = bytes[104]!;
  const compressed = (pointFormatByte & 0xc0) !== 0;
  const format = pointFormat(pointFormatByte & 0x3f);
  if (!format)
    throw new BadInputError(file, `unsupported point data record format ${pointFormatByte & 0x3f} (expected 0 to 10)`, { byte: 104 });
  const recordLength = dv.getUint16(105, true);
  if (recordLength < format.baseLength)
    throw new BadInputError(
      file,
      `point record length ${recordLength} is smaller than the ${format.baseLength} bytes point format ${format.id} needs`,
      { byte: 105 },
    );

  const legacyPointCount = dv.getUint32(107, true);
  const legacyByReturn = [0, 1, 2, 3, 4].map((i) => dv.getUint32(111 + 4 * i, true));
  const vec = (at: number): Vec3 => [dv.getFloat64(at, true), dv.getFloat64(at + 8, true), dv.getFloat64(at + 16, true)];
  const scale = vec(131);
  const offset = vec(155);
  for (let k = 0; k < 3; k++) {
    if (!Number.isFinite(scale[k]!) || scale[k] === 0)
      throw new BadInputError(file, `${'xyz'[k]} scale factor is ${scale[k]} (expected a finite non-zero number)`, { byte: 131 + 8 * k });
    if (!Number.isFinite(offset[k]!))
      throw new BadInputError(file, `${'xyz'[k]} offset is ${offset[k]} (expected a finite number)`, { byte: 155 + 8 * k });
  }
  // Stored as max x, min x, max y, min y, max z, min z.
  const max: Vec3 = [dv.getFloat64(179, true), dv.getFloat64(195, true), dv.getFloat64(211, true)];
  const min: Vec3 = [dv.getFloat64(187, true), dv.getFloat64(203, true), dv.getFloat64(219, true)];

  let waveformDataStart = 0;
  let evlrStart = 0;
  let evlrCount = 0;
  let pointCount = legacyPointCount;
  let pointsByReturn = legacyByReturn;
  let countAt = 107;
  if (versionMinor >= 3) waveformDataStart = safeU64(dv, 227, file, 'waveform data start');
  if (versionMinor >= 4) {
    evlrStart = safeU64(dv, 235, file, 'EVLR start');
    evlrCount = dv.getUint32(243, true);
    const count64 = safeU64(dv, 247, file, 'point count');
    if (count64 !== 0 || legacyPointCount === 0) {
      pointCount = count64;
      countAt = 247;
    }
    pointsByReturn = Array.from({ length: 15 }, (_, i) => safeU64(dv, 255 + 8 * i, file, 'points by return'));
  }

  if (!compressed) {
    // Checked before anything is allocated: uncompressed records must fit in the file.
    const room = Math.floor((fileSize - offsetToPointData) / recordLength);
    if (pointCount > room)
      throw new BadInputError(
        file,
        `header claims ${pointCount} points of ${recordLength} bytes but the file holds room for only ${room} after byte ${offsetToPointData}`,
        { byte: countAt },
      );
  }

  return {
    versionMajor,
    versionMinor,
    fileSourceId: dv.getUint16(4, true),
    globalEncoding: dv.getUint16(6, true),
    systemIdentifier: text(bytes, 26, 32),
    generatingSoftware: text(bytes, 58, 32),
    creationDay: dv.getUint16(90, true),
    creationYear: dv.getUint16(92, true),
    headerSize,
    offsetToPointData,
    vlrCount,
    pointFormatByte,
    pointFormat: format,
    compressed,
    recordLength,
    pointCount,
    legacyPointCount,
    pointsByReturn,
    scale,
    offset,
    min,
    max,
    waveformDataStart,
    evlrStart,
    evlrCount,
  };
}
