import type { AttributeType } from '../../../../common/contracts/scans';
import type { ScanInfo } from '../../scans/formats/types';
import { PUT } from '../binaryFields';
import { CONFIDENCE_FIELD, INSTANCE_FIELD } from './plan';
import { DESCRIPTOR_BYTES, extraBytesDescriptor } from './vlrBytes';

/** Extra bytes data_type (LAS 1.4 R15, Extra Bytes VLR) of each attribute element type: every one has an exact match. */
const EB_DATA_TYPE: Record<AttributeType, number> = { uint8: 1, int8: 2, uint16: 3, int16: 4, uint32: 5, int32: 6, float32: 9, float64: 10 };
const TYPE_BYTES: Record<AttributeType, number> = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8 };
/** Descriptor names are 32 bytes (null-terminated when shorter). */
const NAME_BYTES = 32;

/** One source attribute component stored as an extra bytes field. */
export interface ExtraField {
  /** Name in the descriptor (unique in the file). */
  name: string;
  attribute: string;
  component: number;
  components: number;
  type: AttributeType;
  /** Offset inside the point record. */
  offset: number;
}

/**
 * Source attributes the point format has a field for, as `writeLasFromPoints` fills them; every
 * other attribute becomes extra bytes. Intensity stored as floats or 32-bit integers is scaled or
 * clamped into LAS's 16 bits, so those source values are kept as extra bytes too.
 */
export function standardFieldAttributes(info: ScanInfo): { written: Set<string>; lossy: Set<string> } {
  const written = new Set<string>();
  const lossy = new Set<string>();
  const a = (name: string) => info.attributes.find((x) => x.name === name);
  const single = (name: string) => a(name)?.components === 1;
  for (const name of ['intensity', 'return_number', 'number_of_returns', 'nir', 'user_data', 'classification_flags', 'scanner_channel', 'scan_direction_flag', 'edge_of_flight_line'])
    if (single(name)) written.add(name);
  const gps = a('gps_time');
  if (gps?.components === 1 && (gps.type === 'float64' || gps.type === 'float32')) written.add('gps_time');
  if ((a('color')?.components ?? 0) >= 3) written.add('color');
  if (single('point_source_id')) written.add('point_source_id');
  else if (single('scan_index')) written.add('scan_index');
  for (const name of ['intensity', 'nir']) {
    const t = a(name)?.type;
    if (written.has(name) && t !== 'uint8' && t !== 'uint16') lossy.add(name);
  }
  return { written, lossy };
}

/**
 * Extra bytes fields for the source attributes no point format field holds (PLY scalar
 * properties, PCD fields, E57 and demo attributes), placed after the label fields from
 * `firstOffset`. One descriptor per component (the 2- and 3-element data types are deprecated in
 * R15): a multi-component attribute `a` is written as `a_0`, `a_1`, ... Lossily converted
 * intensity/NIR are also kept as `source_<name>`.
 */
export function planExtraFields(info: ScanInfo, firstOffset: number): ExtraField[] {
  const { written, lossy } = standardFieldAttributes(info);
  const taken = new Set<string>([INSTANCE_FIELD, CONFIDENCE_FIELD]);
  const unique = (wanted: string) => {
    const base = wanted.slice(0, NAME_BYTES);
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base.slice(0, NAME_BYTES - String(k).length - 1)}_${k}`;
    taken.add(name);
    return name;
  };
  const fields: ExtraField[] = [];
  let offset = firstOffset;
  for (const attr of info.attributes) {
    if (written.has(attr.name) && !lossy.has(attr.name)) continue;
    const base = lossy.has(attr.name) ? `source_${attr.name}` : attr.name;
    for (let k = 0; k < attr.components; k++) {
      const name = unique(attr.components === 1 ? base : `${base}_${k}`);
      fields.push({ name, attribute: attr.name, component: k, components: attr.components, type: attr.type, offset });
      offset += TYPE_BYTES[attr.type];
    }
  }
  return fields;
}

export const extraFieldBytes = (fields: readonly ExtraField[]) => fields.reduce((s, f) => s + TYPE_BYTES[f.type], 0);

/** The descriptors of `fields`, in record order, for the Extra Bytes VLR payload. */
export function extraFieldDescriptors(fields: readonly ExtraField[]): Uint8Array {
  const out = new Uint8Array(fields.length * DESCRIPTOR_BYTES);
  fields.forEach((f, i) => out.set(extraBytesDescriptor(f.name, EB_DATA_TYPE[f.type], 0, `source attribute ${f.attribute}`.slice(0, 32)), i * DESCRIPTOR_BYTES));
  return out;
}

type Column = ArrayLike<number>;

/**
 * Writes the extra fields of the chunk's points listed in `local` into records of `rl` bytes in
 * `dv`, field by field (one loop per field keeps each monomorphic).
 */
export function writeExtraFields(fields: readonly ExtraField[], attributes: readonly { name: string; values: Column }[], local: Uint32Array, dv: DataView, rl: number): void {
  for (const f of fields) {
    const values = attributes.find((a) => a.name === f.attribute)?.values;
    if (!values) continue;
    const put = PUT[f.type];
    const c = f.components;
    for (let j = 0, at = f.offset; j < local.length; j++, at += rl) put(dv, at, values[local[j]! * c + f.component]!);
  }
}
