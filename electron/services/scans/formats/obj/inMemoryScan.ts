import type { AttributeInfo } from '../../../../../common/contracts/scans';
import type { ScanAttribute, ScanMesh } from '../../model';
import type { PointChunk, ReadOptions, ScanInfo, ScanReader } from '../types';

/**
 * Mesh formats (OBJ, glTF) must be parsed whole: faces may reference any vertex and glTF buffers are
 * addressed at random. Their readers hold the parsed scan and serve chunks as views into it.
 */

const DEFAULT_CHUNK_POINTS = 65536;

/** Float64 file coordinates -> whole-unit origin at the bounds centre + float32 offsets. */
export function toOriginOffsets(xyz: Float64Array): {
  origin: [number, number, number];
  positions: Float32Array;
  boundsMin: [number, number, number];
  boundsMax: [number, number, number];
} {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < xyz.length; i += 3)
    for (let k = 0; k < 3; k++) {
      const v = xyz[i + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  if (xyz.length === 0) return { origin: [0, 0, 0], positions: new Float32Array(0), boundsMin: [0, 0, 0], boundsMax: [0, 0, 0] };
  const origin = min.map((v, k) => Math.round((v + max[k]!) / 2)) as [number, number, number];
  const positions = new Float32Array(xyz.length);
  for (let i = 0; i < xyz.length; i += 3) for (let k = 0; k < 3; k++) positions[i + k] = xyz[i + k]! - origin[k]!;
  return { origin, positions, boundsMin: min, boundsMax: max };
}

export function attributeInfo(attributes: ScanAttribute[]): AttributeInfo[] {
  return attributes.map(({ name, type, components }) => ({ name, type, components }));
}

export interface InMemoryScan {
  info: ScanInfo;
  positions: Float32Array;
  attributes: ScanAttribute[];
  mesh: ScanMesh | null;
}

export function inMemoryReader(path: string, scan: InMemoryScan): ScanReader {
  return {
    path,
    info: scan.info,
    async *chunks(options: ReadOptions = {}): AsyncIterable<PointChunk> {
      const size = Math.max(1, options.chunkPoints ?? DEFAULT_CHUNK_POINTS);
      const total = scan.info.pointCount;
      for (let start = 0; start < total; start += size) {
        options.signal?.throwIfAborted();
        const end = Math.min(total, start + size);
        yield {
          start,
          count: end - start,
          positions: scan.positions.subarray(start * 3, end * 3),
          attributes: scan.attributes.map((a) => ({ ...a, values: a.values.subarray(start * a.components, end * a.components) })),
        };
      }
    },
    mesh: async () => scan.mesh,
    labelAttributes: () => [],
    close: async () => {},
  };
}
