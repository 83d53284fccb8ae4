import { mulberry32 } from '../../../../common/math/random';

/**
 * A random forest of extremely randomized trees (Geurts et al. 2006) on a row-major Float32 matrix.
 *
 * Hand-written, not an npm package: ml-random-forest (mljs) trains on number[][] through ml-matrix
 * objects with exhaustive sorted splits and was last released in 2022; per-edit training here must
 * finish in milliseconds inside a worker on typed arrays that were transferred, not copied into
 * arrays of arrays. Random thresholds (one draw per candidate feature between the node's min and
 * max) make each split O(rows) instead of O(rows log rows) and give smoother class probabilities
 * from a few dozen labelled superpoints than best-split trees, which is what propagation needs:
 * confidence that means something when the user has clicked ten times.
 */
export interface ForestOptions {
  trees?: number;
  maxDepth?: number;
  /** Minimum total sample weight in a leaf. */
  minLeafWeight?: number;
  /** Candidate features per split; default round(sqrt(dim)). */
  featuresPerSplit?: number;
  seed?: number;
}

export interface Forest {
  classCount: number;
  dim: number;
  /** Per node: split feature, or -1 for a leaf. */
  feature: Int16Array;
  threshold: Float32Array;
  /** Inner node: left child index (right = left + 1). Leaf: offset of its distribution in `leafProb`. */
  child: Int32Array;
  roots: Int32Array;
  leafProb: Float32Array;
}

interface Growth {
  feature: number[];
  threshold: number[];
  child: number[];
  leafProb: number[];
}

/**
 * @param x rows * dim features
 * @param y class index per row, 0..classCount-1
 * @param w sample weight per row (class balancing and label confidence)
 */
export function trainForest(x: Float32Array, dim: number, y: Int32Array, w: Float32Array, classCount: number, options: ForestOptions = {}): Forest {
  const rows = y.length;
  const trees = options.trees ?? 40;
  const maxDepth = options.maxDepth ?? 16;
  const minLeaf = options.minLeafWeight ?? 0;
  const k = Math.max(1, Math.min(dim, options.featuresPerSplit ?? Math.round(Math.sqrt(dim))));
  const rand = mulberry32(options.seed ?? 12345);
  const g: Growth = { feature: [], threshold: [], child: [], leafProb: [] };
  const roots = new Int32Array(trees);
  const idx = new Int32Array(rows);
  const hist = new Float64Array(classCount);
  const left = new Float64Array(classCount);
  const featureOrder = new Int32Array(dim);
  for (let f = 0; f < dim; f++) featureOrder[f] = f;

  const leaf = (node: number, lo: number, hi: number) => {
    hist.fill(0);
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const r = idx[i]!;
      hist[y[r]!]! += w[r]!;
      total += w[r]!;
    }
    g.feature[node] = -1;
    g.threshold[node] = 0;
    g.child[node] = g.leafProb.length;
    for (let c = 0; c < classCount; c++) g.leafProb.push(total > 0 ? hist[c]! / total : 1 / classCount);
  };

  const grow = (node: number, lo: number, hi: number, depth: number) => {
    hist.fill(0);
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const r = idx[i]!;
      hist[y[r]!]! += w[r]!;
      total += w[r]!;
    }
    let nonZero = 0;
    for (let c = 0; c < classCount; c++) if (hist[c]! > 0) nonZero++;
    if (nonZero <= 1 || depth >= maxDepth || hi - lo < 2 || total < 2 * minLeaf) return leaf(node, lo, hi);
    const parentGini = gini(hist, total);

    let bestF = -1;
    let bestT = 0;
    let bestGain = 1e-9;
    // Partial Fisher-Yates over features: up to k non-constant candidates.
    let tried = 0;
    for (let s = 0; s < dim && tried < k; s++) {
      const j = s + Math.floor(rand() * (dim - s));
      const f = featureOrder[j]!;
      featureOrder[j] = featureOrder[s]!;
      featureOrder[s] = f;
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = x[idx[i]! * dim + f]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (!(mx > mn)) continue;
      tried++;
      const t = mn + (mx - mn) * (0.02 + 0.96 * rand());
      left.fill(0);
      let lw = 0;
      for (let i = lo; i < hi; i++) {
        const r = idx[i]!;
        if (x[r * dim + f]! <= t) {
          left[y[r]!]! += w[r]!;
          lw += w[r]!;
        }
      }
      const rw = total - lw;
      if (lw <= minLeaf || rw <= minLeaf) continue;
      let rightGini = 1;
      let leftGini = 1;
      for (let c = 0; c < classCount; c++) {
        const l = left[c]! / lw;
        const r = (hist[c]! - left[c]!) / rw;
        leftGini -= l * l;
        rightGini -= r * r;
      }
      const gain = parentGini - (lw * leftGini + rw * rightGini) / total;
      if (gain > bestGain) {
        bestGain = gain;
        bestF = f;
        bestT = t;
      }
    }
    if (bestF < 0) return leaf(node, lo, hi);
    // Partition idx[lo, hi) by the split.
    let a = lo;
    let b = hi - 1;
    while (a <= b) {
      if (x[idx[a]! * dim + bestF]! <= bestT) a++;
      else {
        const tmp = idx[a]!;
        idx[a] = idx[b]!;
        idx[b--] = tmp;
      }
    }
    const l = g.feature.length;
    g.feature.push(0, 0);
    g.threshold.push(0, 0);
    g.child.push(0, 0);
    g.feature[node] = bestF;
    g.threshold[node] = bestT;
    g.child[node] = l;
    grow(l, lo, a, depth + 1);
    grow(l + 1, a, hi, depth + 1);
  };

  for (let t = 0; t < trees; t++) {
    for (let i = 0; i < rows; i++) idx[i] = i;
    const root = g.feature.length;
    g.feature.push(0);
    g.threshold.push(0);
    g.child.push(0);
    roots[t] = root;
    grow(root, 0, rows, 0);
  }
  return {
    classCount,
    dim,
    feature: Int16Array.from(g.feature),
    threshold: Float32Array.from(g.threshold),
    child: Int32Array.from(g.child),
    roots,
    leafProb: Float32Array.from(g.leafProb),
  };
}

function gini(hist: Float64Array, total: number): number {
  let g = 1;
  for (let c = 0; c < hist.length; c++) {
    const p = hist[c]! / total;
    g -= p * p;
  }
  return g;
}

/** Mean leaf distribution over the trees for each row: rows * classCount probabilities. */
export function predictForest(forest: Forest, x: Float32Array, rows: number): Float32Array {
  const { classCount: K, dim, feature, threshold, child, roots, leafProb } = forest;
  const out = new Float32Array(rows * K);
  const inv = 1 / roots.length;
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t]!;
      let f = feature[node]!;
      while (f >= 0) {
        node = x[base + f]! <= threshold[node]! ? child[node]! : child[node]! + 1;
        f = feature[node]!;
      }
      const o = child[node]!;
      for (let c = 0; c < K; c++) out[r * K + c]! += leafProb[o + c]! * inv;
    }
  }
  return out;
}
