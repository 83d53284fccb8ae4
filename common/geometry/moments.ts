/**
 * Per-cell second moments of points, 10 values per cell: [n, Σx, Σy, Σz, Σxx, Σxy, Σxz, Σyy, Σyz, Σzz]
 * in the cell's own frame. Neighbourhood covariances are sums of shifted cell moments, which both the
 * click engine (normals) and propagation (eigen-features) use.
 */
export const MOMENT_STRIDE = 10;

/** Adds `cell`'s moments to `acc` after moving them by (dx, dy, dz) into the accumulating frame: x' = x + d. */
export function addShiftedMoments(acc: Float64Array, m: ArrayLike<number>, cell: number, dx: number, dy: number, dz: number): void {
  const o = cell * MOMENT_STRIDE;
  const w = m[o]!;
  const sx = m[o + 1]!;
  const sy = m[o + 2]!;
  const sz = m[o + 3]!;
  acc[0]! += w;
  acc[1]! += sx + w * dx;
  acc[2]! += sy + w * dy;
  acc[3]! += sz + w * dz;
  acc[4]! += m[o + 4]! + 2 * dx * sx + w * dx * dx;
  acc[5]! += m[o + 5]! + dx * sy + dy * sx + w * dx * dy;
  acc[6]! += m[o + 6]! + dx * sz + dz * sx + w * dx * dz;
  acc[7]! += m[o + 7]! + 2 * dy * sy + w * dy * dy;
  acc[8]! += m[o + 8]! + dy * sz + dz * sy + w * dy * dz;
  acc[9]! += m[o + 9]! + 2 * dz * sz + w * dz * dz;
}
