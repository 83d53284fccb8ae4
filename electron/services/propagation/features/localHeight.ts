/**
 * Per-point height relative to its plan neighbourhood: z minus the lowest and z minus the highest
 * point of the 3 x 3 plan cells around it, at a few cell sizes. The ground filter's height above
 * ground is smooth at its grid's scale; these see a 30 cm shrub beside the ground point next to it
 * and a point under a crown, which is what tells low vegetation from ground point by point.
 * O(points) per scale.
 */
export const LOCAL_HEIGHT_NAMES = (scales: readonly number[]) => scales.flatMap((s) => [`aboveLocalMin@${s}`, `belowLocalMax@${s}`]);

export function localHeightColumns(positions: Float32Array, cellSize: number, scales: readonly number[]): Float32Array[] {
  const n = positions.length / 3;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let p = 0; p < n; p++) {
    const x = positions[p * 3]!;
    const y = positions[p * 3 + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const out: Float32Array[] = [];
  for (const s of scales) {
    // At most ~4 M plan cells: a sparse tile's extent must not allocate a huge raster.
    const extent = Math.max(maxX - minX, maxY - minY, 1e-6);
    const size = Math.max(cellSize * s, extent / 2048);
    const nx = Math.floor((maxX - minX) / size) + 1;
    const ny = Math.floor((maxY - minY) / size) + 1;
    const lo = new Float32Array(nx * ny).fill(Infinity);
    const hi = new Float32Array(nx * ny).fill(-Infinity);
    const cell = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      const i = Math.floor((positions[p * 3]! - minX) / size);
      const j = Math.floor((positions[p * 3 + 1]! - minY) / size);
      const c = j * nx + i;
      cell[p] = c;
      const z = positions[p * 3 + 2]!;
      if (z < lo[c]!) lo[c] = z;
      if (z > hi[c]!) hi[c] = z;
    }
    // 3 x 3 min/max as two separable passes (rows, then columns).
    const lo3 = box3(box3(lo, nx, ny, 1, Math.min), nx, ny, nx, Math.min);
    const hi3 = box3(box3(hi, nx, ny, 1, Math.max), nx, ny, nx, Math.max);
    const above = new Float32Array(n);
    const below = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      const z = positions[p * 3 + 2]!;
      above[p] = z - lo3[cell[p]!]!;
      below[p] = hi3[cell[p]!]! - z;
    }
    out.push(above, below);
  }
  return out;
}

/** Min or max of each cell and its two neighbours along one axis (stride 1: x, stride nx: y). */
function box3(a: Float32Array, nx: number, ny: number, stride: number, op: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(a.length);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const along = stride === 1 ? i : j;
      const last = stride === 1 ? nx - 1 : ny - 1;
      let v = a[c]!;
      if (along > 0) v = op(v, a[c - stride]!);
      if (along < last) v = op(v, a[c + stride]!);
      out[c] = v;
    }
  return out;
}
