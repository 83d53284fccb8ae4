import { nodeCube } from '../../octree/format';
import type { OctreePointSource } from './octreePointSource';
import type { ClickWindow } from './octreeWindow';

/**
 * A preview made on a coarse window (its levels stopped above the leaves to fit the point budget)
 * holds only the loaded points. This carries it to full resolution: the deeper nodes meeting the
 * kept points' bounds are read one at a time (not cached, nothing kept but the result), and each
 * of their points inside the window takes the preview's verdict of its nearest window point
 * within two window spacings: kept (with that point's confidence) or not.
 * `slots`/`conf` are the preview in window elements; returns the added scan ids and confidences.
 */
export async function expandToFullResolution(source: OctreePointSource, w: ClickWindow, slots: Uint32Array, conf: Float32Array): Promise<{ ids: Uint32Array; confidence: Float32Array }> {
  const none = { ids: new Uint32Array(0), confidence: new Float32Array(0) };
  if (w.full || slots.length === 0) return none;
  const g = w.scene.geometry;
  const grid = g.grid;
  // Confidence per window element (0 = not in the preview).
  const keptConf = new Float32Array(w.ids.length);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < slots.length; i++) {
    const e = slots[i]!;
    keptConf[e] = conf[i]!;
    const p = g.position(e);
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k]!, p[k]!);
      hi[k] = Math.max(hi[k]!, p[k]!);
    }
  }
  const reach = 2 * w.spacing;
  const reach2 = reach * reach;
  const windowLevel = w.level;
  const appended = new Set(w.appended);
  const cube = source.store.hierarchy.cube;
  const r2 = w.radius * w.radius;
  let ids = new Uint32Array(1024);
  let confidence = new Float32Array(1024);
  let n = 0;
  const P = g.positions;
  const inv = 1 / grid.cellSize;
  for (const entry of source.store.nodes) {
    if (entry.level <= windowLevel || entry.pointCount === 0) continue;
    const c = nodeCube(cube, entry.name);
    let meets = true;
    for (let k = 0; k < 3; k++) if (c.min[k]! > hi[k]! + reach || c.min[k]! + c.size < lo[k]! - reach) meets = false;
    if (!meets) continue;
    const node = await source.store.readNode(entry.name);
    const Q = node.position;
    for (let q = 0; q < node.pointCount; q++) {
      const x = Q[q * 3]!;
      const y = Q[q * 3 + 1]!;
      const z = Q[q * 3 + 2]!;
      if (x < lo[0]! - reach || x > hi[0]! + reach || y < lo[1]! - reach || y > hi[1]! + reach || z < lo[2]! - reach || z > hi[2]! + reach) continue;
      const dx0 = x - w.center[0];
      const dy0 = y - w.center[1];
      const dz0 = z - w.center[2];
      if (dx0 * dx0 + dy0 * dy0 + dz0 * dz0 > r2) continue;
      // Nearest window point in the 27 cells around (cells are wider than the window spacing).
      const ci = Math.floor((x - grid.min[0]) * inv);
      const cj = Math.floor((y - grid.min[1]) * inv);
      const ck = Math.floor((z - grid.min[2]) * inv);
      let best = -1;
      let bestD = reach2;
      for (let dk = -1; dk <= 1; dk++)
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            const cell = grid.cellAt(ci + di, cj + dj, ck + dk);
            if (cell < 0) continue;
            for (let s = grid.cellStart[cell]!; s < grid.cellStart[cell + 1]!; s++) {
              const ex = P[s * 3]! - x;
              const ey = P[s * 3 + 1]! - y;
              const ez = P[s * 3 + 2]! - z;
              const d = ex * ex + ey * ey + ez * ez;
              if (d <= bestD) {
                bestD = d;
                best = s;
              }
            }
          }
      if (best < 0 || appended.has(node.index[q]!)) continue;
      const k = keptConf[grid.order[best]!]!;
      if (k === 0) continue;
      if (n === ids.length) {
        ids = grow(ids);
        confidence = grow(confidence);
      }
      ids[n] = node.index[q]!;
      confidence[n++] = k;
    }
  }
  return sortById(ids.subarray(0, n), confidence.subarray(0, n));
}

/** Ids ascending with their confidences (distinct ids): one native sort of (id, position) packed in a float64 below 2^21 entries. */
export function sortById(ids: Uint32Array, conf: Float32Array): { ids: Uint32Array; confidence: Float32Array } {
  const n = ids.length;
  let order: ArrayLike<number>;
  if (n < 2 ** 21) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = ids[i]! * 2 ** 21 + i;
    keys.sort();
    order = Uint32Array.from(keys, (k) => k % 2 ** 21);
  } else order = Array.from(ids.keys()).sort((a, b) => ids[a]! - ids[b]!);
  return { ids: Uint32Array.from(order, (i) => ids[i]!), confidence: Float32Array.from(order, (i) => conf[i]!) };
}

/** Two ascending-id previews with no id in common, merged into one. */
export function mergeSorted(a: { ids: Uint32Array; confidence: Float32Array }, b: { ids: Uint32Array; confidence: Float32Array }): { ids: Uint32Array; confidence: Float32Array } {
  const ids = new Uint32Array(a.ids.length + b.ids.length);
  const confidence = new Float32Array(ids.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < ids.length; k++) {
    if (j >= b.ids.length || (i < a.ids.length && a.ids[i]! < b.ids[j]!)) {
      ids[k] = a.ids[i]!;
      confidence[k] = a.confidence[i++]!;
    } else {
      ids[k] = b.ids[j]!;
      confidence[k] = b.confidence[j++]!;
    }
  }
  return { ids, confidence };
}

function grow<T extends Uint32Array | Float32Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}
