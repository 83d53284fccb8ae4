import type { AttributeInfo } from '../../../../../common/contracts/scans';
import { allocateAttribute, type ScanAttribute, type TypedArray } from '../../model';
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
  attributes: ScanAttribute[];
}

/**
 * Decodes `count` records from `raw` (record-major, `layout.recordLength` bytes each). Positions are
 * float32((X_int - steps) * scale), see origin.ts for why that is exact.
 */
export function decodeRecords(raw: Uint8Array, count: number, layout: RecordLayout, steps: Vec3, scale: Vec3): DecodedRecords {
  const rl = layout.recordLength;
  if (raw.length < count * rl) throw new RangeError(`decodeRecords: ${raw.length} bytes cannot hold ${count} records of ${rl}`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const f = layout.format;
  const positions = new Float32Array(count * 3);
  const intensity = new Uint16Array(count);
  const returnNumber = new Uint8Array(count);
  const numberOfReturns = new Uint8Array(count);
  const scanDirection = new Uint8Array(count);
  const edge = new Uint8Array(count);
  const classification = new Uint8Array(count);
  const classFlags = new Uint8Array(count);
  const scannerChannel = f.extended ? new Uint8Array(count) : null;
  const scanAngle = new Int16Array(count);
  const userData = new Uint8Array(count);
  const pointSource = new Uint16Array(count);
  const [nx, ny, nz] = steps;
  const [sx, sy, sz] = scale;

  // Separate passes keep each loop branch-free and monomorphic (measurably faster than one loop with a format switch).
  for (let i = 0, o = 0, p = 0; i < count; i++, o += rl, p += 3) {
    positions[p] = (dv.getInt32(o, true) - nx) * sx;
    positions[p + 1] = (dv.getInt32(o + 4, true) - ny) * sy;
    positions[p + 2] = (dv.getInt32(o + 8, true) - nz) * sz;
    intensity[i] = dv.getUint16(o + 12, true);
    userData[i] = raw[o + 17]!;
  }
  if (scannerChannel) {
    for (let i = 0, o = 0; i < count; i++, o += rl) {
      const b14 = raw[o + 14]!;
      const b15 = raw[o + 15]!;
      returnNumber[i] = b14 & 0x0f;
      numberOfReturns[i] = b14 >> 4;
      // bits: synthetic, key-point, withheld, overlap (LAS 1.4 order).
      classFlags[i] = b15 & 0x0f;
      scannerChannel[i] = (b15 >> 4) & 0x03;
      scanDirection[i] = (b15 >> 6) & 1;
      edge[i] = b15 >> 7;
      classification[i] = raw[o + 16]!;
      scanAngle[i] = dv.getInt16(o + 18, true);
      pointSource[i] = dv.getUint16(o + 20, true);
    }
  } else {
    for (let i = 0, o = 0; i < count; i++, o += rl) {
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

  const attributes: ScanAttribute[] = [];
  const add = (name: string, type: ScanAttribute['type'], components: number, values: TypedArray) =>
    attributes.push({ name, type, components, values });
  add('intensity', 'uint16', 1, intensity);
  add('return_number', 'uint8', 1, returnNumber);
  add('number_of_returns', 'uint8', 1, numberOfReturns);
  add('scan_direction_flag', 'uint8', 1, scanDirection);
  add('edge_of_flight_line', 'uint8', 1, edge);
  add('classification', 'uint8', 1, classification);
  add('classification_flags', 'uint8', 1, classFlags);
  if (scannerChannel) add('scanner_channel', 'uint8', 1, scannerChannel);
  add('scan_angle', 'int16', 1, scanAngle);
  add('user_data', 'uint8', 1, userData);
  add('point_source_id', 'uint16', 1, pointSource);

  if (f.gpsTime !== null) {
    const gps = new Float64Array(count);
    for (let i = 0, o = f.gpsTime; i < count; i++, o += rl) gps[i] = dv.getFloat64(o, true);
    add('gps_time', 'float64', 1, gps);
  }
  if (f.rgb !== null) {
    const rgb = new Uint16Array(count * 3);
    for (let i = 0, o = f.rgb; i < count; i++, o += rl) {
      rgb[3 * i] = dv.getUint16(o, true);
      rgb[3 * i + 1] = dv.getUint16(o + 2, true);
      rgb[3 * i + 2] = dv.getUint16(o + 4, true);
    }
    add('color', 'uint16', 3, rgb);
  }
  if (f.nir !== null) {
    const nir = new Uint16Array(count);
    for (let i = 0, o = f.nir; i < count; i++, o += rl) nir[i] = dv.getUint16(o, true);
    add('nir', 'uint16', 1, nir);
  }
  for (const d of layout.extraBytes) add(d.name, extraBytesAttributeType(d), d.components, decodeExtraBytes(raw, dv, count, rl, d));
  if (layout.undescribed) {
    const { offset, size } = layout.undescribed;
    const bytes = new Uint8Array(count * size);
    for (let i = 0; i < count; i++) bytes.set(raw.subarray(i * rl + offset, i * rl + offset + size), i * size);
    add(UNDESCRIBED_EXTRA_BYTES, 'uint8', size, bytes);
  }
  return { positions, attributes };
}

function decodeExtraBytes(raw: Uint8Array, dv: DataView, count: number, rl: number, d: ExtraBytesDescriptor): TypedArray {
  const c = d.components;
  if (d.rawType === null) {
    const out = new Uint8Array(count * c);
    for (let i = 0; i < count; i++) out.set(raw.subarray(i * rl + d.recordOffset, i * rl + d.recordOffset + c), i * c);
    return out;
  }
  const size = d.byteSize / c;
  const read = elementReader(d.rawType, dv);
  const scaled = d.scale !== null || d.offset !== null;
  const type = extraBytesAttributeType(d);
  const out = allocateAttribute(type, count * c);
  for (let k = 0; k < c; k++) {
    const s = d.scale?.[k] ?? 1;
    const off = d.offset?.[k] ?? 0;
    for (let i = 0, o = d.recordOffset + k * size; i < count; i++, o += rl) {
      const v = read(o);
      out[i * c + k] = scaled ? v * s + off : v;
    }
  }
  return out;
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

