/**
 * Eigenvector of the smallest eigenvalue of a symmetric 3x3 matrix given as
 * [xx, xy, xz, yy, yz, zz] (cyclic Jacobi, a handful of sweeps is exact to float precision).
 * out = [nx, ny, nz, planarity] with planarity = 1 - 3 * lambda_min / trace in [0, 1].
 */
export function smallestEigenvector(c: Float64Array, out: Float64Array): void {
  const a = [
    [c[0]!, c[1]!, c[2]!],
    [c[1]!, c[3]!, c[4]!],
    [c[2]!, c[4]!, c[5]!],
  ] as [number[], number[], number[]];
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ] as [number[], number[], number[]];
  for (let sweep = 0; sweep < 8; sweep++) {
    const off = Math.abs(a[0][1]!) + Math.abs(a[0][2]!) + Math.abs(a[1][2]!);
    if (off < 1e-15) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p][q]!;
      if (Math.abs(apq) < 1e-18) continue;
      const theta = (a[q][q]! - a[p][p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cs = 1 / Math.sqrt(t * t + 1);
      const sn = t * cs;
      for (let k = 0; k < 3; k++) {
        const akp = a[k]![p]!;
        const akq = a[k]![q]!;
        a[k]![p] = cs * akp - sn * akq;
        a[k]![q] = sn * akp + cs * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p][k]!;
        const aqk = a[q][k]!;
        a[p][k] = cs * apk - sn * aqk;
        a[q][k] = sn * apk + cs * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k]![p]!;
        const vkq = v[k]![q]!;
        v[k]![p] = cs * vkp - sn * vkq;
        v[k]![q] = sn * vkp + cs * vkq;
      }
    }
  }
  let m = 0;
  if (a[1][1]! < a[m]![m]!) m = 1;
  if (a[2][2]! < a[m]![m]!) m = 2;
  const trace = a[0][0]! + a[1][1]! + a[2][2]!;
  out[0] = v[0][m]!;
  out[1] = v[1][m]!;
  out[2] = v[2][m]!;
  out[3] = trace > 0 ? Math.max(0, Math.min(1, 1 - (3 * a[m]![m]!) / trace)) : 0;
}
