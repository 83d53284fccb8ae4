import type { AttributeType } from '../../../common/contracts/scans';
import type { PointChunk } from '../scans/formats/types';
import type { ExportLabels } from './labels';
import { NO_LABEL } from './labels';
import { findAttribute, type Coordinates } from './points';

/** One per-point value of a binary record (PLY property, PCD field). */
export interface BinaryField {
  name: string;
  type: AttributeType;
  /** Value of local point i of the chunk the field was bound to. */
  value: (i: number) => number;
}

export const TYPE_BYTES: Record<AttributeType, number> = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8 };

type Put = (dv: DataView, at: number, v: number) => void;
/** Little-endian setters per attribute type (PLY/PCD binary records and LAS extra bytes). */
export const PUT: Record<AttributeType, Put> = {
  uint8: (dv, at, v) => dv.setUint8(at, v),
  int8: (dv, at, v) => dv.setInt8(at, v),
  uint16: (dv, at, v) => dv.setUint16(at, v, true),
  int16: (dv, at, v) => dv.setInt16(at, v, true),
  uint32: (dv, at, v) => dv.setUint32(at, v, true),
  int32: (dv, at, v) => dv.setInt32(at, v, true),
  float32: (dv, at, v) => dv.setFloat32(at, v, true),
  float64: (dv, at, v) => dv.setFloat64(at, v, true),
};

/** A column of field values, one per written point, in the field's type. */
export type Column = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** What a point-record field takes its value from; bound to each chunk as it streams past. */
export interface FieldSpec {
  name: string;
  type: AttributeType;
  bind: (chunk: PointChunk) => (i: number) => number;
  /**
   * Optional fast path: the values of the chunk's points listed in `local` (every point when
   * null) into `out`, in one loop per field instead of one call per value.
   */
  fill?: (chunk: PointChunk, local: Uint32Array | null, out: Column) => void;
}

/** Values of `spec` for the chunk's points in `local` (all when null) into `out`. */
export function fillColumn(spec: FieldSpec, chunk: PointChunk, local: Uint32Array | null, out: Column): void {
  if (spec.fill) return spec.fill(chunk, local, out);
  const value = spec.bind(chunk);
  const n = out.length;
  if (local) for (let j = 0; j < n; j++) out[j] = value(local[j]!);
  else for (let j = 0; j < n; j++) out[j] = value(j);
}

export const coordinateFields = (coords: Coordinates): FieldSpec[] =>
  ['x', 'y', 'z'].map((name, k) => ({
    name,
    type: coords.type,
    bind: (c) => (i) => coords.value(c.positions, i, k),
    fill: (c, local, out) => {
      const p = c.positions;
      const value = coords.value;
      const n = out.length;
      if (local) for (let j = 0; j < n; j++) out[j] = value(p, local[j]!, k);
      else for (let j = 0; j < n; j++) out[j] = value(p, j, k);
    },
  }));

/** Component `component` of a source attribute, under `name` in the output. */
export function attributeField(attrName: string, component: number, components: number, name: string, type: AttributeType): FieldSpec {
  return {
    name,
    type,
    bind: (c) => {
      const a = findAttribute(c.attributes, attrName);
      if (!a) return () => 0;
      const v = a.values;
      return (i) => v[i * components + component]!;
    },
    fill: (c, local, out) => {
      const a = findAttribute(c.attributes, attrName);
      const n = out.length;
      if (!a) return void out.fill(0);
      const v = a.values;
      // Typed array to typed array: the same conversion as a DataView write of the value.
      if (!local && components === 1) return out.set(v.subarray(0, n));
      if (local) for (let j = 0; j < n; j++) out[j] = v[local[j]! * components + component]!;
      else for (let j = 0, q = component; j < n; j++, q += components) out[j] = v[q]!;
    },
  };
}

/** label (int32, `unlabeled` where none), instance (uint32) and confidence (uint8) from the export labels. */
export function labelFields(labels: ExportLabels, unlabeled: number, names = { label: 'label', instance: 'instance', confidence: 'confidence' }): FieldSpec[] {
  // The arrays are resolved on first use, so look them up only when a value is asked for.
  return [
    { name: names.label, type: 'int32', bind: (c) => (i) => (labels.codes[c.start + i] === NO_LABEL ? unlabeled : labels.codes[c.start + i]!), fill: (c, local, out) => fillLabel(labels, unlabeled, c.start, local, out) },
    { name: names.instance, type: 'uint32', bind: (c) => (i) => labels.instances[c.start + i]!, fill: (c, local, out) => fillInstance(labels, c.start, local, out) },
    { name: names.confidence, type: 'uint8', bind: (c) => (i) => labels.confidence[c.start + i]!, fill: (c, local, out) => fillConfidence(labels, c.start, local, out) },
  ];
}

// Label columns straight from the stored layer and the export code table (no full-length export
// arrays); from the resolved arrays when predictions are merged (`layer` null).

function fillLabel(labels: ExportLabels, unlabeled: number, start: number, local: Uint32Array | null, out: Column): void {
  const n = out.length;
  const layer = labels.layer;
  for (let j = 0; j < n; j++) {
    const g = start + (local ? local[j]! : j);
    const code = layer ? layer.lut[layer.classes[g]!]! : labels.codes[g]!;
    out[j] = code === NO_LABEL ? unlabeled : code;
  }
}

function fillInstance(labels: ExportLabels, start: number, local: Uint32Array | null, out: Column): void {
  const n = out.length;
  const layer = labels.layer;
  if (!layer) {
    const instances = labels.instances;
    for (let j = 0; j < n; j++) out[j] = instances[start + (local ? local[j]! : j)]!;
    return;
  }
  const { lut, classes, instances } = layer;
  for (let j = 0; j < n; j++) {
    const g = start + (local ? local[j]! : j);
    out[j] = lut[classes[g]!] === NO_LABEL ? 0 : instances[g]!;
  }
}

function fillConfidence(labels: ExportLabels, start: number, local: Uint32Array | null, out: Column): void {
  const n = out.length;
  const layer = labels.layer;
  if (!layer) {
    const confidence = labels.confidence;
    for (let j = 0; j < n; j++) out[j] = confidence[start + (local ? local[j]! : j)]!;
    return;
  }
  const { lut, classes, confidence } = layer;
  for (let j = 0; j < n; j++) {
    const g = start + (local ? local[j]! : j);
    out[j] = lut[classes[g]!] === NO_LABEL ? 0 : confidence ? confidence[g]! : 255;
  }
}

export const recordBytes = (specs: readonly FieldSpec[]) => specs.reduce((s, f) => s + TYPE_BYTES[f.type], 0);

/**
 * Encodes the chunk's points listed in `local` (indices within the chunk) as little-endian records,
 * field by field so each inner loop stays monomorphic.
 */
export function encodeRecords(specs: readonly FieldSpec[], chunk: PointChunk, local: Uint32Array, out: Uint8Array): number {
  const stride = recordBytes(specs);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let offset = 0;
  for (const spec of specs) {
    const value = spec.bind(chunk);
    const put = PUT[spec.type];
    for (let j = 0; j < local.length; j++) put(dv, j * stride + offset, value(local[j]!));
    offset += TYPE_BYTES[spec.type];
  }
  return local.length * stride;
}

/** Local indices of the chunk's points that are written (all of them unless labeled-only). */
export function keptInChunk(labels: ExportLabels, chunk: PointChunk): Uint32Array {
  const keep = labels.keep;
  if (keep === null) {
    const all = new Uint32Array(chunk.count);
    for (let i = 0; i < chunk.count; i++) all[i] = i;
    return all;
  }
  let n = 0;
  for (let i = 0; i < chunk.count; i++) if (keep[chunk.start + i]) n++;
  const out = new Uint32Array(n);
  for (let i = 0, j = 0; i < chunk.count; i++) if (keep[chunk.start + i]) out[j++] = i;
  return out;
}
