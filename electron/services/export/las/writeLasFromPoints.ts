import { ServiceFailure } from '../../../../common/result';
import type { PointChunk, ScanInfo } from '../../scans/formats/types';
import type { ScanAttribute } from '../../scans/model';
import { APP_VERSION } from '../../version';
import { keptInChunk } from '../binaryFields';
import { NO_LABEL, type ExportLabels } from '../labels';
import { findAttribute, sourceChunks } from '../points';
import type { BufferedWriter } from '../sink';
import type { ExportSource } from '../source';
import { CONFIDENCE_FIELD, INSTANCE_FIELD, MAX_CLASS } from './plan';
import { chooseFormat, chooseScale, isWkt, POINTS_FORMAT_LENGTH } from './pointsPlan';
import { extraFieldBytes, extraFieldDescriptors, planExtraFields, writeExtraFields, type ExtraField } from './extraFields';
import { DESCRIPTOR_BYTES, EB_TYPE, EXTRA_BYTES_RECORD_ID, EXTRA_BYTES_USER_ID, extraBytesDescriptor, vlrHeader } from './vlrBytes';
import type { LasWriteResult } from './writeLas';

const HEADER_SIZE = 375;
const INT32_MAX = 2 ** 31 - 1;
const LABEL_BYTES = 5; // instance uint32 + confidence uint8
/** Global encoding bit 4: the CRS, if any, is WKT (required for point formats 6-10). */
const GLOBAL_ENCODING_WKT = 0x10;
const WKT_USER_ID = 'LASF_Projection';
const WKT_RECORD_ID = 2112;

export interface LasFromPointsOptions {
  unlabeledCode: number;
  /** The project's CRS for the scan (falls back to the source's). */
  crs: string | null;
  signal?: AbortSignal;
  progress?: (fraction: number, message: string) => void;
}

/** Per-chunk readers of the optional source attributes, each as a LAS field value. */
interface FieldSources {
  intensity: ((i: number) => number) | null;
  returns: ((i: number) => number) | null;
  gpsTime: Float64Array | Float32Array | null;
  rgb: ((i: number, k: number) => number) | null;
  nir: ((i: number) => number) | null;
  pointSource: ((i: number) => number) | null;
  /** Byte 15 of formats 6-10: classification flags, scanner channel, scan direction, edge of flight line. */
  flags: ((i: number) => number) | null;
  userData: ((i: number) => number) | null;
}

const clamp16 = (v: number) => (v > 65535 ? 65535 : v > 0 ? Math.round(v) : 0);

/** Any stored intensity as LAS's 16 bits: bytes stretched to the full range, E57's 0..1 scaled. */
function intensityOf(a: ScanAttribute | undefined, normalised: boolean): FieldSources['intensity'] {
  if (!a || a.components !== 1) return null;
  const v = a.values;
  if (a.type === 'uint16') return (i) => v[i]!;
  if (a.type === 'uint8') return (i) => v[i]! * 257;
  if ((a.type === 'float32' || a.type === 'float64') && normalised) return (i) => clamp16(v[i]! * 65535);
  return (i) => clamp16(v[i]!);
}

/** Colour as LAS's 16-bit channels (8-bit values stretched by 257; floats in 0..1 scaled). */
function rgbOf(a: ScanAttribute | undefined): FieldSources['rgb'] {
  if (!a || a.components < 3) return null;
  const v = a.values;
  const c = a.components;
  if (a.type === 'uint16') return (i, k) => v[i * c + k]!;
  if (a.type === 'uint8') return (i, k) => v[i * c + k]! * 257;
  if (a.type === 'float32' || a.type === 'float64') return (i, k) => clamp16(v[i * c + k]! * 65535);
  return (i, k) => clamp16(v[i * c + k]!);
}

function scalarOf(a: ScanAttribute | undefined): ((i: number) => number) | null {
  if (!a || a.components !== 1) return null;
  const v = a.values;
  return (i) => v[i]!;
}

function fieldSources(chunk: PointChunk, info: ScanInfo): FieldSources {
  const attr = (name: string) => findAttribute(chunk.attributes, name);
  const rn = scalarOf(attr('return_number'));
  const nr = scalarOf(attr('number_of_returns'));
  const gps = attr('gps_time');
  return {
    intensity: intensityOf(attr('intensity'), info.format === 'e57'),
    // Return r of n in one byte (4 bits each); a source without returns is "1 of 1", as LAS requires r >= 1.
    returns: rn || nr ? (i) => ((rn ? rn(i) : 1) & 0x0f) | (((nr ? nr(i) : 1) & 0x0f) << 4) : null,
    gpsTime: gps && gps.components === 1 && (gps.type === 'float64' || gps.type === 'float32') ? (gps.values as Float64Array | Float32Array) : null,
    rgb: rgbOf(attr('color')),
    nir: scalarOf(attr('nir')),
    // E57 scans of a multi-scan file: the scan number is what point source id means for a LiDAR flight line.
    pointSource: scalarOf(attr('point_source_id') ?? attr('scan_index')),
    flags: flagsOf(attr),
    userData: scalarOf(attr('user_data')),
  };
}

function flagsOf(attr: (name: string) => ScanAttribute | undefined): FieldSources['flags'] {
  const parts = (
    [
      ['classification_flags', 0x0f, 0],
      ['scanner_channel', 0x03, 4],
      ['scan_direction_flag', 0x01, 6],
      ['edge_of_flight_line', 0x01, 7],
    ] as const
  ).flatMap(([name, mask, shift]) => {
    const v = scalarOf(attr(name));
    return v ? [{ v, mask, shift }] : [];
  });
  if (parts.length === 0) return null;
  return (i) => {
    let b = 0;
    for (const p of parts) b |= (p.v(i) & p.mask) << p.shift;
    return b;
  };
}

/**
 * LAS 1.4 from a source that is not LAS (PLY, PCD, E57, XYZ, mesh vertices, the demo): point
 * format 6, 7 with colour or 8 with NIR, the scale and offset of `chooseScale`, classification
 * from the export codes, instance and confidence as extra bytes (the same fields the LAS-source
 * path adds), then every source attribute no point format field holds as typed, named extra
 * bytes (`extraFields.ts`), the CRS as a WKT VLR when the scan has one in WKT.
 */
export async function writeLasFromPoints(src: ExportSource, labels: ExportLabels, options: LasFromPointsOptions, out: BufferedWriter): Promise<LasWriteResult> {
  const info = src.reader.info;
  if (info.pointCount !== labels.count) throw new ServiceFailure('invalid_params', `the source holds ${info.pointCount} points but the label layer ${labels.count}`);
  const unlabeled = options.unlabeledCode;
  const anyUnlabeled = labels.unlabeledCount > 0;
  if (labels.maxCode > MAX_CLASS)
    throw new ServiceFailure('invalid_params', `class code ${labels.maxCode} cannot be stored in LAS (classification is one byte, 0-${MAX_CLASS}); give the class an export code of ${MAX_CLASS} or less`);
  if (anyUnlabeled && (unlabeled < 0 || unlabeled > MAX_CLASS)) throw new ServiceFailure('invalid_params', `LAS cannot store the unlabeled code ${unlabeled} (0-${MAX_CLASS})`);

  const pdrf = chooseFormat(info);
  const base = POINTS_FORMAT_LENGTH[pdrf];
  const extras = planExtraFields(info, base + LABEL_BYTES);
  const rl = base + LABEL_BYTES + extraFieldBytes(extras);
  if (rl > 0xffff) throw new ServiceFailure('invalid_params', `the source's ${extras.length} attribute fields make ${rl}-byte point records, beyond LAS's 65535`);
  const { scale, offset, resolution } = chooseScale(info);
  const notes: string[] = [];
  const crs = options.crs ?? info.crs;
  const vlrs = [extraBytesVlr(extras)];
  if (crs && isWkt(crs)) vlrs.push(wktVlr(crs));
  else if (crs) notes.push(`CRS "${crs.slice(0, 60)}" not written: LAS 1.4 point formats 6-10 carry the CRS as WKT, and the scan has no WKT`);
  const offsetToPoints = HEADER_SIZE + vlrs.reduce((s, v) => s + v.length, 0);

  await out.write(new Uint8Array(HEADER_SIZE)); // placeholder, rewritten once bounds and counts are known
  for (const v of vlrs) await out.write(v);

  const stats = { min: [INT32_MAX, INT32_MAX, INT32_MAX], max: [-INT32_MAX - 1, -INT32_MAX - 1, -INT32_MAX - 1], byReturn: new Float64Array(16), written: 0 };
  const inv = 1 / scale;
  let batch = new Uint8Array(0);
  for await (const chunk of sourceChunks(src.reader, options.signal)) {
    const local = keptInChunk(labels, chunk);
    if (batch.length < local.length * rl) batch = new Uint8Array(local.length * rl);
    const dv = new DataView(batch.buffer, 0, local.length * rl);
    batch.fill(0, 0, local.length * rl);
    const f = fieldSources(chunk, info);
    const p = chunk.positions;
    const { codes, instances, confidence } = labels;
    for (let j = 0, at = 0; j < local.length; j++, at += rl) {
      const i = local[j]!;
      for (let k = 0; k < 3; k++) {
        const v = Math.round(p[3 * i + k]! * inv);
        if (!(v >= -INT32_MAX - 1 && v <= INT32_MAX)) throw new ServiceFailure('invalid_params', `point ${chunk.start + i} lies outside the int32 range of the LAS scale ${scale} around the scan origin`);
        dv.setInt32(at + 4 * k, v, true);
        if (v < stats.min[k]!) stats.min[k] = v;
        if (v > stats.max[k]!) stats.max[k] = v;
      }
      if (f.intensity) dv.setUint16(at + 12, f.intensity(i), true);
      const returns = f.returns ? f.returns(i) : 0x11;
      dv.setUint8(at + 14, returns);
      stats.byReturn[returns & 0x0f]!++;
      const g = chunk.start + i;
      const code = codes[g]!;
      dv.setUint8(at + 16, code === NO_LABEL ? unlabeled : code);
      if (f.flags) dv.setUint8(at + 15, f.flags(i));
      if (f.userData) dv.setUint8(at + 17, f.userData(i));
      if (f.pointSource) dv.setUint16(at + 20, f.pointSource(i) & 0xffff, true);
      if (f.gpsTime) dv.setFloat64(at + 22, f.gpsTime[i]!, true);
      if (pdrf >= 7 && f.rgb) for (let k = 0; k < 3; k++) dv.setUint16(at + 30 + 2 * k, f.rgb(i, k), true);
      if (pdrf === 8 && f.nir) dv.setUint16(at + 36, clamp16(f.nir(i)), true);
      if (code !== NO_LABEL) {
        dv.setUint32(at + base, instances[g]!, true);
        dv.setUint8(at + base + 4, confidence[g]!);
      }
    }
    writeExtraFields(extras, chunk.attributes, local, dv, rl);
    stats.written += local.length;
    if (local.length > 0) await out.write(batch.subarray(0, local.length * rl));
    options.progress?.((chunk.start + chunk.count) / Math.max(1, info.pointCount), `${stats.written} points`);
  }

  const header = buildHeader({ pdrf, rl, scale, offset, offsetToPoints, vlrCount: vlrs.length, ...stats });
  await out.patch(header, 0);
  return {
    points: stats.written,
    details: { las_version: '1.4', point_format: pdrf, record_length: rl, scale, source_resolution: resolution, ...(notes.length ? { notes: notes.join('; ') } : {}) },
  };
}

/** Descriptors in record order: the label fields first (at the same offsets whatever the source has), then the source's own fields. */
function extraBytesVlr(extras: ExtraField[]): Uint8Array {
  const sourceFields = extraFieldDescriptors(extras);
  const payload = new Uint8Array(2 * DESCRIPTOR_BYTES + sourceFields.length);
  if (payload.length > 0xffff) throw new ServiceFailure('invalid_params', `the source has ${extras.length} attribute fields, more than one extra bytes VLR can describe`);
  payload.set(extraBytesDescriptor(INSTANCE_FIELD, EB_TYPE.uint32, 0, 'ScanLabel instance id (0 = none)'), 0);
  payload.set(extraBytesDescriptor(CONFIDENCE_FIELD, EB_TYPE.uint8, 0, 'ScanLabel label confidence 0-255'), DESCRIPTOR_BYTES);
  payload.set(sourceFields, 2 * DESCRIPTOR_BYTES);
  return concat(vlrHeader(EXTRA_BYTES_USER_ID, EXTRA_BYTES_RECORD_ID, payload.length, 'Extra Bytes'), payload);
}

/** OGC coordinate system WKT record (LAS 1.4 R15 section 2.5.1): the WKT as a null-terminated string. */
function wktVlr(wkt: string): Uint8Array {
  const text = new TextEncoder().encode(wkt);
  const payload = new Uint8Array(text.length + 1);
  payload.set(text);
  return concat(vlrHeader(WKT_USER_ID, WKT_RECORD_ID, payload.length, 'OGC coordinate system WKT'), payload);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

interface HeaderFields {
  pdrf: number;
  rl: number;
  scale: number;
  offset: [number, number, number];
  offsetToPoints: number;
  vlrCount: number;
  min: number[];
  max: number[];
  byReturn: Float64Array;
  written: number;
}

/** LAS 1.4 R15 public header block (375 bytes), with the legacy 32-bit counts zero as formats 6+ require. */
function buildHeader(h: HeaderFields): Uint8Array {
  const b = new Uint8Array(HEADER_SIZE);
  const dv = new DataView(b.buffer);
  const text = (at: number, length: number, s: string) => {
    for (let i = 0; i < length; i++) b[at + i] = i < s.length ? s.charCodeAt(i) & 0x7f : 0;
  };
  text(0, 4, 'LASF');
  dv.setUint16(6, GLOBAL_ENCODING_WKT, true);
  b[24] = 1;
  b[25] = 4;
  text(26, 32, 'OTHER');
  text(58, 32, `ScanLabel ${APP_VERSION}`.slice(0, 31));
  const now = new Date();
  const dayOfYear = Math.floor((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - Date.UTC(now.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  dv.setUint16(90, dayOfYear, true);
  dv.setUint16(92, now.getUTCFullYear(), true);
  dv.setUint16(94, HEADER_SIZE, true);
  dv.setUint32(96, h.offsetToPoints, true);
  dv.setUint32(100, h.vlrCount, true);
  b[104] = h.pdrf;
  dv.setUint16(105, h.rl, true);
  for (let k = 0; k < 3; k++) {
    dv.setFloat64(131 + 8 * k, h.scale, true);
    dv.setFloat64(155 + 8 * k, h.offset[k]!, true);
    const empty = h.written === 0;
    // Stored as max x, min x, max y, min y, max z, min z.
    dv.setFloat64(179 + 16 * k, empty ? 0 : h.offset[k]! + h.max[k]! * h.scale, true);
    dv.setFloat64(187 + 16 * k, empty ? 0 : h.offset[k]! + h.min[k]! * h.scale, true);
  }
  dv.setBigUint64(247, BigInt(h.written), true);
  for (let r = 1; r <= 15; r++) dv.setBigUint64(255 + 8 * (r - 1), BigInt(h.byReturn[r]!), true);
  return b;
}
