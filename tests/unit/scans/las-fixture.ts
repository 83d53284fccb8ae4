/**
 * Writes small LAS files for tests, independently of the reader: every version (1.0-1.4), every
 * point format (0-10), VLRs, EVLRs and extra bytes, so layouts that no real sample covers are
 * still checked field by field.
 */

export interface FixturePoint {
  x: number;
  y: number;
  z: number;
  intensity: number;
  returnNumber: number;
  numberOfReturns: number;
  scanDirection: number;
  edge: number;
  classification: number;
  classFlags: number;
  scannerChannel: number;
  scanAngle: number;
  userData: number;
  pointSourceId: number;
  gpsTime: number;
  rgb: [number, number, number];
  nir: number;
  /** Bytes written after the format's own fields. */
  extra: Uint8Array;
}

export interface FixtureVlr {
  userId: string;
  recordId: number;
  data: Uint8Array;
  description?: string;
}

export interface FixtureOptions {
  minor: number;
  pointFormat: number;
  /** Defaults to base length + extra bytes of the first point. */
  recordLength?: number;
  scale?: [number, number, number];
  offset?: [number, number, number];
  points: FixturePoint[];
  vlrs?: FixtureVlr[];
  evlrs?: FixtureVlr[];
  /** Bytes between the last VLR and the point data. */
  padding?: number;
}

export const BASE_LENGTH = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67];
const GPS = [null, 20, null, 20, 20, 20, 22, 22, 22, 22, 22];
const RGB = [null, null, 20, 28, null, 28, null, 30, 30, null, 30];
const NIR = [null, null, null, null, null, null, null, null, 36, null, 36];
const WAVE = [null, null, null, null, 28, 34, null, null, null, 30, 38];
const HEADER_SIZE = [227, 227, 227, 235, 375];

/** A deterministic point with every field set to something distinguishable. */
export function samplePoint(i: number, extended: boolean, extra = new Uint8Array(0)): FixturePoint {
  return {
    x: 1000 + i * 7,
    y: -2000 - i * 3,
    z: 50 + (i % 11),
    intensity: (i * 97) % 65536,
    returnNumber: extended ? (i % 15) + 1 : (i % 7) + 1,
    numberOfReturns: extended ? ((i + 3) % 15) + 1 : ((i + 3) % 7) + 1,
    scanDirection: i % 2,
    edge: (i >> 1) % 2,
    classification: extended ? (i * 37) % 256 : (i * 5) % 32,
    classFlags: extended ? i % 16 : i % 8,
    scannerChannel: extended ? i % 4 : 0,
    scanAngle: extended ? ((i * 1234) % 60000) - 30000 : ((i * 13) % 180) - 90,
    userData: (i * 11) % 256,
    pointSourceId: (i * 301) % 65536,
    gpsTime: 123456.789 + i * 0.25,
    rgb: [(i * 3) % 65536, (i * 5 + 1) % 65536, (i * 7 + 2) % 65536],
    nir: (i * 9 + 3) % 65536,
    extra,
  };
}

function putText(b: Uint8Array, at: number, s: string, max: number) {
  for (let i = 0; i < Math.min(s.length, max); i++) b[at + i] = s.charCodeAt(i);
}

export function writeLas(o: FixtureOptions): Uint8Array {
  const pf = o.pointFormat;
  const extended = pf >= 6;
  const headerSize = HEADER_SIZE[o.minor]!;
  const rl = o.recordLength ?? BASE_LENGTH[pf]! + (o.points[0]?.extra.length ?? 0);
  const scale = o.scale ?? [0.01, 0.01, 0.01];
  const offset = o.offset ?? [500000, 4000000, 0];
  const vlrs = o.vlrs ?? [];
  const evlrs = o.evlrs ?? [];
  const vlrBytes = vlrs.reduce((s, v) => s + 54 + v.data.length, 0);
  const offsetToPoints = headerSize + vlrBytes + (o.padding ?? 0);
  const pointsEnd = offsetToPoints + o.points.length * rl;
  const evlrBytes = evlrs.reduce((s, v) => s + 60 + v.data.length, 0);
  const out = new Uint8Array(pointsEnd + evlrBytes);
  const dv = new DataView(out.buffer);
  putText(out, 0, 'LASF', 4);
  dv.setUint16(6, o.minor >= 2 ? 1 : 0, true);
  out[24] = 1;
  out[25] = o.minor;
  putText(out, 26, 'fixture', 32);
  putText(out, 58, 'scanlabel tests', 32);
  dv.setUint16(90, 42, true);
  dv.setUint16(92, 2024, true);
  dv.setUint16(94, headerSize, true);
  dv.setUint32(96, offsetToPoints, true);
  dv.setUint32(100, vlrs.length, true);
  out[104] = pf;
  dv.setUint16(105, rl, true);
  const legacy = extended ? 0 : o.points.length;
  dv.setUint32(107, legacy, true);
  for (let k = 0; k < 3; k++) {
    dv.setFloat64(131 + 8 * k, scale[k]!, true);
    dv.setFloat64(155 + 8 * k, offset[k]!, true);
  }
  const ints = (k: 'x' | 'y' | 'z') => o.points.map((p) => p[k]);
  (['x', 'y', 'z'] as const).forEach((k, i) => {
    const v = ints(k);
    // A loop, not Math.max(...v): spreading hundreds of thousands of arguments overflows the stack.
    const max = v.length ? v.reduce((m, x) => (x > m ? x : m), -Infinity) : 0;
    const min = v.length ? v.reduce((m, x) => (x < m ? x : m), Infinity) : 0;
    dv.setFloat64(179 + 16 * i, offset[i]! + max * scale[i]!, true);
    dv.setFloat64(187 + 16 * i, offset[i]! + min * scale[i]!, true);
  });
  if (o.minor >= 4) {
    dv.setBigUint64(235, evlrs.length ? BigInt(pointsEnd) : 0n, true);
    dv.setUint32(243, evlrs.length, true);
    dv.setBigUint64(247, BigInt(o.points.length), true);
  }
  let p = headerSize;
  for (const v of vlrs) {
    putText(out, p + 2, v.userId, 16);
    dv.setUint16(p + 18, v.recordId, true);
    dv.setUint16(p + 20, v.data.length, true);
    putText(out, p + 22, v.description ?? '', 32);
    out.set(v.data, p + 54);
    p += 54 + v.data.length;
  }
  o.points.forEach((pt, i) => {
    const r = offsetToPoints + i * rl;
    dv.setInt32(r, pt.x, true);
    dv.setInt32(r + 4, pt.y, true);
    dv.setInt32(r + 8, pt.z, true);
    dv.setUint16(r + 12, pt.intensity, true);
    if (extended) {
      out[r + 14] = pt.returnNumber | (pt.numberOfReturns << 4);
      out[r + 15] = pt.classFlags | (pt.scannerChannel << 4) | (pt.scanDirection << 6) | (pt.edge << 7);
      out[r + 16] = pt.classification;
      out[r + 17] = pt.userData;
      dv.setInt16(r + 18, pt.scanAngle, true);
      dv.setUint16(r + 20, pt.pointSourceId, true);
    } else {
      out[r + 14] = pt.returnNumber | (pt.numberOfReturns << 3) | (pt.scanDirection << 6) | (pt.edge << 7);
      out[r + 15] = pt.classification | (pt.classFlags << 5);
      dv.setInt8(r + 16, pt.scanAngle);
      out[r + 17] = pt.userData;
      dv.setUint16(r + 18, pt.pointSourceId, true);
    }
    if (GPS[pf] !== null) dv.setFloat64(r + GPS[pf]!, pt.gpsTime, true);
    if (RGB[pf] !== null) pt.rgb.forEach((c, k) => dv.setUint16(r + RGB[pf]! + 2 * k, c, true));
    if (NIR[pf] !== null) dv.setUint16(r + NIR[pf]!, pt.nir, true);
    // Wave packet: a recognisable pattern that must not leak into any decoded field.
    if (WAVE[pf] !== null) out.fill(0xee, r + WAVE[pf]!, r + WAVE[pf]! + 29);
    out.set(pt.extra.subarray(0, rl - BASE_LENGTH[pf]!), r + BASE_LENGTH[pf]!);
  });
  let e = pointsEnd;
  for (const v of evlrs) {
    putText(out, e + 2, v.userId, 16);
    dv.setUint16(e + 18, v.recordId, true);
    dv.setBigUint64(e + 20, BigInt(v.data.length), true);
    putText(out, e + 28, v.description ?? '', 32);
    out.set(v.data, e + 60);
    e += 60 + v.data.length;
  }
  return out;
}

/** One 192-byte extra-bytes descriptor. */
export function extraBytesDescriptor(d: {
  name: string;
  dataType: number;
  options?: number;
  scale?: number;
  offset?: number;
  description?: string;
}): Uint8Array {
  const b = new Uint8Array(192);
  const dv = new DataView(b.buffer);
  b[2] = d.dataType;
  b[3] = d.options ?? 0;
  putText(b, 4, d.name, 32);
  if (d.scale !== undefined) dv.setFloat64(112, d.scale, true);
  if (d.offset !== undefined) dv.setFloat64(136, d.offset, true);
  putText(b, 160, d.description ?? '', 32);
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
