import { VoxelGrid } from '../../segmentation/spatial/voxelGrid';

export { VoxelGrid };

export interface Bounds {
  min: [number, number, number];
  max: [number, number, number];
}

export function boundsOf(positions: Float32Array): Bounds {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 3)
    for (let k = 0; k < 3; k++) {
      const v = positions[i + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  if (positions.length === 0) return { min: [0, 0, 0], max: [1, 1, 1] };
  return { min, max };
}

/**
 * Voxel edge that puts ~`perCell` points in an occupied cell. Scanned surfaces are 2D, so occupancy
 * grows with the square of the edge: measure at a guess (on a sample) and correct twice. This keeps
 * every neighbourhood-based feature adaptive to density (aerial tiles in feet, dense mobile scans).
 */
export function cellSizeForOccupancy(positions: Float32Array, bounds: Bounds, perCell: number): number {
  const n = positions.length / 3;
  const extent = Math.max(bounds.max[0] - bounds.min[0], bounds.max[1] - bounds.min[1], bounds.max[2] - bounds.min[2], 1e-6);
  let size = extent / 64;
  const step = Math.max(1, Math.floor(n / 200_000));
  for (let iter = 0; iter < 3; iter++) {
    const seen = new Set<number>();
    let k = 0;
    for (let p = 0; p < n; p += step, k++) {
      const i = Math.floor((positions[p * 3]! - bounds.min[0]) / size);
      const j = Math.floor((positions[p * 3 + 1]! - bounds.min[1]) / size);
      const l = Math.floor((positions[p * 3 + 2]! - bounds.min[2]) / size);
      seen.add(((i * 73856093) ^ (j * 19349663) ^ (l * 83492791)) >>> 0);
    }
    // With a subsample, occupancy is measured for k points and scaled to n.
    const perCellNow = (k * step) / Math.max(1, seen.size);
    size *= Math.sqrt(perCell / Math.max(1e-3, perCellNow));
    size = Math.max(size, extent / 100_000);
  }
  return size;
}

/** A VoxelGrid at the given edge over the scan's bounds. */
export function gridAt(positions: Float32Array, bounds: Bounds, cellSize: number): VoxelGrid {
  return new VoxelGrid(positions, cellSize, bounds.min);
}
