import type { AttributeInfo } from '../../../../common/contracts/scans';
import type { LabelLayerData, ScanAttribute, ScanMesh, SourceDetails } from '../model';

/**
 * The contract every format module implements. Parsing is pure (over buffers/chunks); the module's
 * `open` does the I/O with bounded reads so a file larger than memory can be streamed chunk by chunk.
 */
export interface ScanInfo {
  format: string; // 'las' | 'laz' | 'copc' | 'ply' | 'pcd' | 'e57' | 'xyz' | 'obj' | 'gltf'
  /** Format version as the file states it: '1.4', 'binary_little_endian 1.0', '0.7'... */
  version: string;
  pointCount: number;
  faceCount: number;
  /** Bounds in file coordinates (float64), from the header when it has them, else computed. */
  boundsMin: [number, number, number];
  boundsMax: [number, number, number];
  /** Double-precision origin that chunk positions are relative to. */
  origin: [number, number, number];
  attributes: AttributeInfo[];
  crs: string | null;
  /** Human-readable extra facts for `scanlabel info` (point format, scale, compression...). */
  details: Record<string, string | number | boolean>;
  source: SourceDetails | null;
}

export interface PointChunk {
  /** Index of the first point of this chunk in file order. */
  start: number;
  count: number;
  /** xyz float32 offsets from `ScanInfo.origin`. */
  positions: Float32Array;
  attributes: ScanAttribute[];
}

export interface ReadOptions {
  /** Upper bound of points per chunk (readers may return fewer). */
  chunkPoints?: number;
  signal?: AbortSignal;
  /**
   * Columns for the whole scan (info.pointCount points, info.attributes order) that readers able to
   * decode in place (binary LAS, binary PLY) fill directly: their chunks are then views into these
   * arrays at the chunk's start, so an in-memory import neither allocates nor copies per chunk.
   * Other readers ignore it.
   */
  target?: ScanColumns;
}

/** A whole scan's per-point arrays (positions xyz float32, attributes point-major). */
export interface ScanColumns {
  positions: Float32Array;
  attributes: ScanAttribute[];
}

export interface ScanReader {
  readonly path: string;
  readonly info: ScanInfo;
  /** Points in file order, in chunks. Must be finite-memory: never materialise the whole file. */
  chunks(options?: ReadOptions): AsyncIterable<PointChunk>;
  /** Faces, uvs, textures and face attributes, for mesh formats (null for point clouds). */
  mesh(): Promise<ScanMesh | null>;
  /** Label layers found in the file (classification, label fields), derived from point or face attributes. */
  labelAttributes(): { name: string; attribute: string; target: LabelLayerData['target'] }[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** XYZ/CSV: explicit column mapping, e.g. { x: 0, y: 1, z: 2, intensity: 3 }. */
  columns?: Record<string, number>;
  delimiter?: string;
  /** Textured meshes (PLY TextureFile...): open even when a texture image is missing, with a warning in details. */
  allowMissingTextures?: boolean;
}

export interface FormatModule {
  id: string;
  /** Lower-case extensions with the dot: ['.las', '.laz']. */
  extensions: string[];
  /** True when the first bytes identify this format (magic numbers), independent of the extension. */
  sniff(head: Uint8Array, path: string): boolean;
  open(path: string, options?: OpenOptions): Promise<ScanReader>;
}
