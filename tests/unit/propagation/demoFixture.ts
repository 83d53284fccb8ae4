import { mulberry32 } from '../../../common/math/random';
import { demoPointScan } from '../../../electron/services/scans/demo/demoScene';
import type { Scan } from '../../../electron/services/scans/model';

/** The demo block at test size, with its exact per-point class and instance. */
export function demoScene(points = 100_000, seed = 1) {
  const scan = demoPointScan({ seed, points });
  const truth = scan.attributes.find((a) => a.name === 'classification')!.values as Uint16Array;
  const instance = scan.attributes.find((a) => a.name === 'instance')!.values as Uint32Array;
  return { scan, truth, instance };
}

/**
 * What one accepted click labels: the clicked object's points within `radius` of the click (a
 * whole car or pole, a patch of ground or roof), with their true class.
 */
export function clickRegion(scan: Scan, truth: Uint16Array, instance: Uint32Array, user: Uint16Array, p: number, radius = 5): void {
  const P = scan.positions;
  const r2 = radius * radius;
  for (let q = 0; q < scan.pointCount; q++) {
    if (instance[q] !== instance[p]) continue;
    const dx = P[q * 3]! - P[p * 3]!;
    const dy = P[q * 3 + 1]! - P[p * 3 + 1]!;
    const dz = P[q * 3 + 2]! - P[p * 3 + 2]!;
    if (dx * dx + dy * dy + dz * dz < r2) user[q] = truth[q]!;
  }
}

/** `perClass` clicks on random points of every class. */
export function clicksPerClass(scan: Scan, truth: Uint16Array, instance: Uint32Array, perClass: number, seed = 7): Uint16Array {
  const rand = mulberry32(seed);
  const user = new Uint16Array(scan.pointCount);
  for (const c of [...new Set(truth)].sort((a, b) => a - b))
    for (let k = 0; k < perClass; k++) {
      let p = Math.floor(rand() * scan.pointCount);
      while (truth[p] !== c) p = Math.floor(rand() * scan.pointCount);
      clickRegion(scan, truth, instance, user, p);
    }
  return user;
}

/** Share of points whose superpoint's majority true class is their own. */
export function purity(of: Int32Array, count: number, truth: Uint16Array): number {
  const hist = new Map<number, number>();
  for (let p = 0; p < of.length; p++) {
    const key = of[p]! * 65536 + truth[p]!;
    hist.set(key, (hist.get(key) ?? 0) + 1);
  }
  const best = new Float64Array(count);
  for (const [key, n] of hist) {
    const s = Math.floor(key / 65536);
    if (n > best[s]!) best[s] = n;
  }
  let sum = 0;
  for (let s = 0; s < count; s++) sum += best[s]!;
  return sum / of.length;
}
