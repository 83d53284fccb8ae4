import type { AttributeInfo } from '../../../../../common/contracts/scans';
import { allocateUnfilled, type ScanAttribute, type TypedArray } from '../../model';
import { extraBytesAttributeType, type ExtraBytesDescriptor } from './extra-bytes';
import type { Vec3 } from './header';
import type { PointFormat } from './point-format';

/** Everything needed to turn raw point records into positions and attributes. */
export interface RecordLayout {
  format: PointFormat;
  recordLength: number;
  extraBytes: ExtraBytesDescriptor[];
  /** Record bytes after the described extra bytes (no descriptor covers them): kept as raw uint8. */
  undescribed: { offset: number; size: number } | null;
}

/** Name of the attribute holding record bytes no extra-bytes descriptor explains. */
export const UNDESCRIBED_EXTRA_BYTES = 'undescribed_extra_bytes';

/** Attribute names the point format itself defines (extra bytes must not reuse them). */
export const STANDARD_ATTRIBUTE_NAMES = [
  'intensity',
  'return_number',
  'number_of_returns',
  'scan_direction_flag',
  'edge_of_flight_line',
  'classification',
  'classification_flags',
  'scanner_channel',
  'scan_angle',
  'user_data',
  'point_source_id',
  'gps_time',
  'color',
  'nir',
  UNDESCRIBED_EXTRA_BYTES,
] as const;

export function makeLayout(format: PointFormat, recordLength: number, extraBytes: ExtraBytesDescriptor[]): RecordLayout {
  const described = extraBytes.reduce((end, d) => Math.max(end, d.recordOffset + d.byteSize), format.baseLength);
  return {
    format,
    recordLength,
    extraBytes,
    undescribed: described < recordLength ? { offset: described, size: recordLength - described } : null,
  };
}

/** The attributes records of this layout decode to, in output order. */
export function layoutAttributes(layout: RecordLayout): AttributeInfo[] {
  const f = layout.format;
  const a: AttributeInfo[] = [
    { name: 'intensity', type: 'uint16', components: 1 },
    { name: 'return_number', type: 'uint8', components: 1 },
    { name: 'number_of_returns', type: 'uint8', components: 1 },
    { name: 'scan_direction_flag', type: 'uint8', components: 1 },
    { name: 'edge_of_flight_line', type: 'uint8', components: 1 },
    { name: 'classification', type: 'uint8', components: 1 },
    { name: 'classification_flags', type: 'uint8', components: 1 },
  ];
  if (f.extended) a.push({ name: 'scanner_channel', type: 'uint8', components: 1 });
  a.push(
    { name: 'scan_angle', type: 'int16', components: 1 },
    { name: 'user_data', type: 'uint8', components: 1 },
    { name: 'point_source_id', type: 'uint16', components: 1 },
  );
  if (f.gpsTime !== null) a.push({ name: 'gps_time', type: 'float64', components: 1 });
  if (f.rgb !== null) a.push({ name: 'color', type: 'uint16', components: 3 });
  if (f.nir !== null) a.push({ name: 'nir', type: 'uint16', components: 1 });
  for (const d of layout.extraBytes) a.push({ name: d.name, type: extraBytesAttributeType(d), components: d.components });
  if (layout.undescribed) a.push({ name: UNDESCRIBED_EXTRA_BYTES, type: 'uint8', components: layout.undescribed.size });
  return a;
}

export interface DecodedRecords {
  positions: Float32Array;
  /** In `layoutAttributes(layout)` order. */
  attributes: ScanAttribute[];
}

/** Output arrays for `count` records, not zeroed: `decodeInto` writes every element. */
export function allocateDecoded(layout: RecordLayout, count: number): DecodedRecords {
  return {
    positions: allocateUnfilled('float32', count * 3) as Float32Array,
    attributes: layoutAttributes(layout).map((a) => ({ ...a, values: allocateUnfilled(a.type, count * a.components) })),
  };
}

/**
 * Decodes `count` records from `raw` (record-major, `layout.recordLength` bytes each) into fresh
 * arrays. Positions are float32((X_int - steps) * scale), see origin.ts for why that is exact.
 */
export function decodeRecords(raw: Uint8Array, count: number, layout: RecordLayout, steps: Vec3, scale: Vec3): DecodedRecords {
  const out = allocateDecoded(layout, count);
  decodeInto(raw, count, layout, steps, scale, out);
  return out;
}

/** Records decoded per block: each pass re-reads the block's raw bytes from cache instead of memory. */
const BLOCK_RECORDS = 4096;

/**
 * Decodes `count` records into `out`, whose arrays hold exactly `count` points in
 * `layoutAttributes(layout)` order (subarray views into a whole scan's columns are fine).
 */
export function decodeInto(raw: Uint8Array, count: number, layout: RecordLayout, steps: Vec3, scale: Vec3, out: DecodedRecords): void {
  const rl = layout.recordLength;
  if (raw.length < count * rl) throw new RangeError(`decodeRecords: ${raw.length} bytes cannot hold ${count} records of ${rl}`);
  if (out.positions.length !== count * 3) throw new RangeError(`decodeInto: positions hold ${out.positions.length / 3} points, not ${count}`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const f = layout.format;
  const col = new Map(out.attributes.map((a) => [a.name, a.values]));
  const get = <T extends TypedArray>(name: string) => col.get(name) as T;
  const core: CoreColumns = {
    positions: out.positions,
    intensity: get<Uint16Array>('intensity'),
    returnNumber: get<Uint8Array>('return_number'),
    numberOfReturns: get<Uint8Array>('number_of_returns'),
    scanDirection: get<Uint8Array>('scan_direction_flag'),
    edge: get<Uint8Array>('edge_of_flight_line'),
    classification: get<Uint8Array>('classification'),
    classFlags: get<Uint8Array>('classification_flags'),
    scannerChannel: f.extended ? get<Uint8Array>('scanner_channel') : null,
    scanAngle: get<Int16Array>('scan_angle'),
    userData: get<Uint8Array>('user_data'),
    pointSource: get<Uint16Array>('point_source_id'),
  };
  const gps = f.gpsTime !== null ? get<Float64Array>('gps_time') : null;
  const rgb = f.rgb !== null ? get<Uint16Array>('color') : null;
  const nir = f.nir !== null ? get<Uint16Array>('nir') : null;
  const extras = layout.extraBytes.map((d) => ({ d, values: get(d.name) }));
  const undescribed = layout.undescribed ? get<Uint8Array>(UNDESCRIBED_EXTRA_BYTES) : null;

  for (let from = 0; from < count; from += BLOCK_RECORDS) {
    const to = Math.min(count, from + BLOCK_RECORDS);
    // Separate passes keep each loop branch-free and monomorphic (measurably faster than one loop with a format switch).
    decodePositions(dv, rl, from, to, steps, scale, core);
    if (core.scannerChannel) decodeExtendedCore(raw, dv, rl, from, to, core, core.scannerChannel);
    else decodeLegacyCore(raw, dv, rl, from, to, core);
    if (gps) for (let i = from, o = from * rl + f.gpsTime!; i < to; i++, o += rl) gps[i] = dv.getFloat64(o, true);
    if (rgb) {
      for (let i = from, o = from * rl + f.rgb!, q = 3 * from; i < to; i++, o += rl, q += 3) {
        rgb[q] = dv.getUint16(o, true);
        rgb[q + 1] = dv.getUint16(o + 2, true);
        rgb[q + 2] = dv.getUint16(o + 4, true);
      }
    }
    if (nir) for (let i = from, o = from * rl + f.nir!; i < to; i++, o += rl) nir[i] = dv.getUint16(o, true);
    for (const e of extras) decodeExtraBytes(raw, dv, from, to, rl, e.d, e.values);
    if (undescribed) copyBytes(raw, rl, from, to, layout.undescribed!.offset, layout.undescribed!.size, undescribed);
  }
}

interface CoreColumns {
  positions: Float32Array;
  intensity: Uint16Array;
  returnNumber: Uint8Array;
  numberOfReturns: Uint8Array;
  scanDirection: Uint8Array;
  edge: Uint8Array;
  classification: Uint8Array;
  classFlags: Uint8Array;
  scannerChannel: Uint8Array | null;
  scanAngle: Int16Array;
  userData: Uint8Array;
  pointSource: Uint16Array;
}

function decodePositions(dv: DataView, rl: number, from: number, to: number, steps: Vec3, scale: Vec3, c: CoreColumns): void {
  const { positions, intensity, userData } = c;
  const [nx, ny, nz] = steps;
  const [sx, sy, sz] = scale;
  for (let i = from, o = from * rl, p = 3 * from; i < to; i++, o += rl, p += 3) {
    positions[p] = (dv.getInt32(o, true) - nx) * sx;
    positions[p + 1] = (dv.getInt32(o + 4, true) - ny) * sy;
    positions[p + 2] = (dv.getInt32(o + 8, true) - nz) * sz;
    intensity[i] = dv.getUint16(o + 12, true);
    userData[i] = dv.getUint8(o + 17);
  }
}

function decodeExtendedCore(raw: Uint8Array, dv: DataView, rl: number, from: number, to: number, c: CoreColumns, channel: Uint8Array): void {
  const { returnNumber, numberOfReturns, classFlags, scanDirection, edge, classification, scanAngle, pointSource } = c;
  for (let i = from, o = from * rl; i < to; i++, o += rl) {
    const b14 = raw[o + 14]!;
    const b15 = raw[o + 15]!;
    returnNumber[i] = b14 & 0x0f;
    numberOfReturns[i] = b14 >> 4;
    // bits: synthetic, key-point, withheld, overlap (LAS 1.4 order).
    classFlags[i] = b15 & 0x0f;
    channel[i] = (b15 >> 4) & 0x03;
    scanDirection[i] = (b15 >> 6) & 1;
    edge[i] = b15 >> 7;
    classification[i] = raw[o + 16]!;
    scanAngle[i] = dv.getInt16(o + 18, true);
    pointSource[i] = dv.getUint16(o + 20, true);
  }
}

function decodeLegacyCore(raw: Uint8Array, dv: DataView, rl: number, from: number, to: number, c: CoreColumns): void {
  const { returnNumber, numberOfReturns, classFlags, scanDirection, edge, classification, scanAngle, pointSource } = c;
  for (let i = from, o = from * rl; i < to; i++, o += rl) {
    const b14 = raw[o + 14]!;
    const b15 = raw[o + 15]!;
    returnNumber[i] = b14 & 0x07;
    numberOfReturns[i] = (b14 >> 3) & 0x07;
    scanDirection[i] = (b14 >> 6) & 1;
    edge[i] = b14 >> 7;
    classification[i] = b15 & 0x1f;
    // bits: synthetic, key-point, withheld.
    classFlags[i] = b15 >> 5;
    scanAngle[i] = dv.getInt8(o + 16);
    pointSource[i] = dv.getUint16(o + 18, true);
  }
}

/** `size` bytes at `offset` of each record in [from, to), packed into `out`. */
function copyBytes(raw: Uint8Array, rl: number, from: number, to: number, offset: number, size: number, out: Uint8Array): void {
  for (let i = from; i < to; i++) out.set(raw.subarray(i * rl + offset, i * rl + offset + size), i * size);
}

function decodeExtraBytes(raw: Uint8Array, dv: DataView, from: number, to: number, rl: number, d: ExtraBytesDescriptor, out: TypedArray): void {
  const c = d.components;
  if (d.rawType === null) return copyBytes(raw, rl, from, to, d.recordOffset, c, out as Uint8Array);
  const size = d.byteSize / c;
  const read = elementReader(d.rawType, dv);
  const scaled = d.scale !== null || d.offset !== null;
  for (let k = 0; k < c; k++) {
    const s = d.scale?.[k] ?? 1;
    const off = d.offset?.[k] ?? 0;
    for (let i = from, o = from * rl + d.recordOffset + k * size; i < to; i++, o += rl) {
      const v = read(o);
      out[i * c + k] = scaled ? v * s + off : v;
    }
  }
}

function elementReader(type: NonNullable<ExtraBytesDescriptor['rawType']>, dv: DataView): (at: number) => number {
  switch (type) {
    case 'uint8':
      return (o) => dv.getUint8(o);
    case 'int8':
      return (o) => dv.getInt8(o);
    case 'uint16':
      return (o) => dv.getUint16(o, true);
    case 'int16':
      return (o) => dv.getInt16(o, true);
    case 'uint32':
      return (o) => dv.getUint32(o, true);
    case 'int32':
      return (o) => dv.getInt32(o, true);
    // 64-bit integers become float64: exact up to 2^53, the raw type stays in the descriptor.
    case 'uint64':
      return (o) => Number(dv.getBigUint64(o, true));
    case 'int64':
      return (o) => Number(dv.getBigInt64(o, true));
    case 'float32':
      return (o) => dv.getFloat32(o, true);
    case 'float64':
      return (o) => dv.getFloat64(o, true);
  }
}

