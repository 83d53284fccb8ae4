import type { VoxelGrid } from '../spatial/grid';
import type { CellShape } from './eigen';

/**
 * Per-point unit normals (z >= 0) from the finest scale's neighbourhood planes. Orientation is only
 * "up" because aerial scans have no sensor position per point; |n_z| is what the features use.
 */
export function pointNormals(grid: VoxelGrid, shape: CellShape, pointCount: number): Float32Array {
  const out = new Float32Array(pointCount * 3);
  const cellOf = grid.cellOfPoint;
  for (let p = 0; p < pointCount; p++) {
    const c = cellOf[p]! * 3;
    out[p * 3] = shape.normal[c]!;
    out[p * 3 + 1] = shape.normal[c + 1]!;
    out[p * 3 + 2] = shape.normal[c + 2]!;
  }
  return out;
}
