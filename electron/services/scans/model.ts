import type { AttributeType } from '../../../common/contracts/scans';

/**
 * The canonical in-memory scan every importer produces and every service consumes.
 *
 * Positions are a float64 origin plus float32 offsets: georeferenced coordinates (UTM, state plane)
 * need ~7 significant digits before the decimal point, more than float32 holds, so the large part
 * stays in doubles and the per-point part in float32 (sub-millimetre within a few km of the origin).
 * Importers that must reproduce the file's exact coordinates (LAS export) also keep the integer
 * records and scale/offset in `source`.
 */
export type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface ScanAttribute {
  name: string;
  type: AttributeType;
  components: number;
  /** pointCount * components values, point-major. */
  values: TypedArray;
}

export interface LabelLayerData {
  name: string;
  /** 'imported' layers come from the file (LAS classification, PLY label); the user may keep or discard them. */
  kind: 'imported' | 'ground-truth' | 'user' | 'predicted';
  /** Which attribute the layer was read from, if any. */
  attribute: string | null;
  /**
   * Per point (or per face for mesh face labels). Imported layers may share their array with the
   * attribute they come from (a uint8 LAS classification stays uint8): treat them as read-only.
   */
  values: Uint8Array | Uint16Array | Uint32Array | Int32Array;
  target: 'points' | 'faces';
}

export interface ScanTexture {
  name: string;
  width: number;
  height: number;
  /** RGBA8, row 0 = top. */
  rgba: Uint8Array;
}

export interface ScanMesh {
  /** 3 vertex indices per face. */
  indices: Uint32Array;
  /**
   * Optional per-corner uv (6 floats per face) so seams need no vertex duplication. Convention: u to
   * the right, v DOWN from the top row of the texture (image order); importers of v-up formats
   * (PLY, OBJ) flip on read, glTF is already v-down.
   */
  cornerUvs: Float32Array | null;
  /** Texture index per face (-1 = none). */
  faceTexture: Int16Array | null;
  textures: ScanTexture[];
  faceAttributes: ScanAttribute[];
}

export interface Scan {
  id: string;
  name: string;
  format: string;
  sourcePath: string | null;
  origin: [number, number, number];
  /** xyz float32 offsets from origin, 3 per point. */
  positions: Float32Array;
  pointCount: number;
  attributes: ScanAttribute[];
  mesh: ScanMesh | null;
  labelLayers: LabelLayerData[];
  crs: string | null;
  /**
   * Format-specific facts an exporter needs to write the file back exactly (LAS header, VLRs,
   * scale/offset, point format; PLY property order...). Owned by the format module that wrote it.
   */
  source: SourceDetails | null;
}

export interface SourceDetails {
  format: string;
  [key: string]: unknown;
}

/** A zeroed typed array of an attribute type: the one allocator every reader uses. */
export function allocateAttribute(type: AttributeType, length: number): TypedArray {
  switch (type) {
    case 'uint8':
      return new Uint8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
  }
}

const ARRAY_TYPES = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/**
 * A typed array of an attribute type whose memory is NOT zeroed: only for readers that write every
 * element before anyone reads it (skips a memset of the whole column, which costs as much as decoding).
 */
export function allocateUnfilled(type: AttributeType, length: number): TypedArray {
  const Type = ARRAY_TYPES[type];
  // allocUnsafeSlow: a fresh ArrayBuffer of its own (never the shared pool), so offset 0 and aligned.
  return new Type(Buffer.allocUnsafeSlow(length * Type.BYTES_PER_ELEMENT).buffer, 0, length);
}

export function attribute(scan: Scan, name: string): ScanAttribute | undefined {
  return scan.attributes.find((a) => a.name === name);
}

export function computeBounds(positions: Float32Array): { min: [number, number, number]; max: [number, number, number] } {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const v = positions[i + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  if (positions.length === 0) return { min: [0, 0, 0], max: [0, 0, 0] };
  return { min, max };
}
