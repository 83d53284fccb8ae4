/**
 * Eigen-decomposition of a symmetric 3x3 matrix given as [xx, xy, xz, yy, yz, zz] by cyclic Jacobi
 * rotations (exact to float precision in a few sweeps; no allocation per call).
 * Writes values descending into `values` (3) and the matching unit vectors into `vectors`
 * (9, vector i at [3i, 3i+3)).
 */
const a = new Float64Array(9);
const v = new Float64Array(9);
const PAIRS = [0, 1, 0, 2, 1, 2] as const;

export function symmetricEigen3(c: ArrayLike<number>, values: Float64Array, vectors: Float64Array): void {
  a[0] = c[0]!; a[1] = c[1]!; a[2] = c[2]!;
  a[3] = c[1]!; a[4] = c[3]!; a[5] = c[4]!;
  a[6] = c[2]!; a[7] = c[4]!; a[8] = c[5]!;
  v.fill(0);
  v[0] = v[4] = v[8] = 1;
  const scale = Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]) + 1e-300;
  for (let sweep = 0; sweep < 10; sweep++) {
    if (Math.abs(a[1]!) + Math.abs(a[2]!) + Math.abs(a[5]!) < 1e-14 * scale) break;
    for (let t = 0; t < 6; t += 2) {
      const p = PAIRS[t]!;
      const q = PAIRS[t + 1]!;
      const apq = a[p * 3 + q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * 3 + q]! - a[p * 3 + p]!) / (2 * apq);
      const tan = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cs = 1 / Math.sqrt(tan * tan + 1);
      const sn = tan * cs;
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p]!;
        const akq = a[k * 3 + q]!;
        a[k * 3 + p] = cs * akp - sn * akq;
        a[k * 3 + q] = sn * akp + cs * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k]!;
        const aqk = a[q * 3 + k]!;
        a[p * 3 + k] = cs * apk - sn * aqk;
        a[q * 3 + k] = sn * apk + cs * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p]!;
        const vkq = v[k * 3 + q]!;
        v[k * 3 + p] = cs * vkp - sn * vkq;
        v[k * 3 + q] = sn * vkp + cs * vkq;
      }
    }
  }
  // Sort the three diagonal entries descending (a 3-element sorting network).
  let i0 = 0;
  let i1 = 1;
  let i2 = 2;
  const d = (i: number) => a[i * 4]!;
  if (d(i0) < d(i1)) [i0, i1] = [i1, i0];
  if (d(i1) < d(i2)) [i1, i2] = [i2, i1];
  if (d(i0) < d(i1)) [i0, i1] = [i1, i0];
  const order = [i0, i1, i2];
  for (let r = 0; r < 3; r++) {
    const m = order[r]!;
    values[r] = Math.max(0, d(m));
    vectors[r * 3] = v[m]!;
    vectors[r * 3 + 1] = v[3 + m]!;
    vectors[r * 3 + 2] = v[6 + m]!;
  }
}
