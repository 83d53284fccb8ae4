import { mulberry32 } from '../../../common/math/random';
import { trainForest, type Forest } from './classifier/extraTrees';
import type { QuantizedRows } from './features/quantizedRows';

/**
 * The per-point half of propagation: an extra-trees forest trained on a class-balanced sample of
 * labelled points (their own features, not their superpoint's mean), so classes that are mixed
 * point by point inside one superpoint (low vegetation among ground, wires among crowns) can be
 * told apart where the superpoint can only give one distribution. Training is bounded by the
 * sample (perClass rows per class), prediction is O(trees * depth) per point.
 */
export interface PointClassifierOptions {
  /** Labelled points sampled per class (all of a class with fewer). Default 2000. */
  perClass?: number;
  trees?: number;
  maxDepth?: number;
  seed?: number;
}

export interface PointForest {
  forest: Forest;
  trainingRows: number;
}

/** Trains on every labelled point class by class up to perClass; null with fewer than two classes. */
export function trainPointForest(
  rows: QuantizedRows,
  userLabels: Uint16Array,
  indexOf: Int32Array,
  K: number,
  options: PointClassifierOptions = {},
): PointForest | null {
  if (K < 2) return null;
  const n = userLabels.length;
  const perClass = options.perClass ?? 2000;
  const count = new Float64Array(K);
  for (let p = 0; p < n; p++) {
    const l = userLabels[p]!;
    if (l !== 0) count[indexOf[l]!]! += 1;
  }
  // Bernoulli sampling at perClass / count: deterministic for a seed, one pass, no per-class lists.
  const rate = Array.from(count, (c) => (c > 0 ? Math.min(1, perClass / c) : 0));
  const rand = mulberry32(options.seed ?? 977);
  const picked: number[] = [];
  for (let p = 0; p < n; p++) {
    const l = userLabels[p]!;
    if (l === 0) continue;
    const r = rate[indexOf[l]!]!;
    if (r >= 1 || rand() < r) picked.push(p);
  }
  const dim = rows.dim;
  const x = new Float32Array(picked.length * dim);
  const y = new Int32Array(picked.length);
  const sampled = new Float64Array(K);
  for (let i = 0; i < picked.length; i++) {
    const p = picked[i]!;
    for (let f = 0; f < dim; f++) x[i * dim + f] = rows.values[p * dim + f]!;
    y[i] = indexOf[userLabels[p]!]!;
    sampled[y[i]!]! += 1;
  }
  let classes = 0;
  for (let c = 0; c < K; c++) if (sampled[c]! > 0) classes++;
  if (classes < 2) return null;
  // Classes balanced: each class's rows weigh 1 in all, so a 90-point class counts as much as the ground.
  const w = new Float32Array(picked.length);
  for (let i = 0; i < picked.length; i++) w[i] = 1 / sampled[y[i]!]!;
  const forest = trainForest(x, dim, y, w, K, {
    trees: options.trees ?? 20,
    maxDepth: options.maxDepth ?? 14,
    seed: options.seed ?? 977,
  });
  return { forest, trainingRows: picked.length };
}

/** The forest's class distribution for point p (K values written to out). */
export function predictPoint(forest: Forest, rows: QuantizedRows, p: number, out: Float32Array): void {
  const { classCount: K, feature, threshold, child, roots, leafProb } = forest;
  const v = rows.values;
  const base = p * rows.dim;
  out.fill(0, 0, K);
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t]!;
    let f = feature[node]!;
    while (f >= 0) {
      node = v[base + f]! <= threshold[node]! ? child[node]! : child[node]! + 1;
      f = feature[node]!;
    }
    const o = child[node]!;
    for (let c = 0; c < K; c++) out[c]! += leafProb[o + c]!;
  }
  const inv = 1 / roots.length;
  for (let c = 0; c < K; c++) out[c]! *= inv;
}
