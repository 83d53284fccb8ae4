/**
 * Label propagation over the superpoint graph (Zhou et al. 2004 style, with a prior): each
 * superpoint's class distribution becomes a weighted mix of its classifier prior, its neighbours'
 * current distributions (by edge affinity) and, where the user labelled some of its points, their
 * classes with a heavy weight. Iterated a fixed number of times (Jacobi), O(edges * classes) each.
 */
export interface SmoothingInput {
  count: number;
  classCount: number;
  offsets: Int32Array;
  neighbours: Int32Array;
  affinity: Float32Array;
  /** Classifier probabilities, count * classCount. */
  prior: Float32Array;
  /** User label distribution per superpoint (count * classCount) and its weight (0 = none). */
  clamp: Float32Array;
  clampWeight: Float32Array;
}

export interface SmoothingOptions {
  /** Weight of the classifier prior against the sum of neighbour affinities. Default 1. */
  priorWeight?: number;
  iterations?: number;
}

export function smoothLabels(input: SmoothingInput, options: SmoothingOptions = {}): Float32Array {
  const { count, classCount: K, offsets, neighbours, affinity, prior, clamp, clampWeight } = input;
  const alpha = options.priorWeight ?? 1;
  const iterations = options.iterations ?? 12;
  let cur = Float32Array.from(prior);
  for (let s = 0; s < count; s++) {
    const cw = clampWeight[s]!;
    if (cw > 0) for (let c = 0; c < K; c++) cur[s * K + c] = clamp[s * K + c]!;
  }
  let next = new Float32Array(count * K);
  for (let it = 0; it < iterations; it++) {
    for (let s = 0; s < count; s++) {
      const o = s * K;
      const cw = clampWeight[s]!;
      let total = alpha + cw;
      for (let c = 0; c < K; c++) next[o + c] = alpha * prior[o + c]! + cw * clamp[o + c]!;
      for (let i = offsets[s]!; i < offsets[s + 1]!; i++) {
        const a = affinity[i]!;
        if (a <= 0) continue;
        const t = neighbours[i]! * K;
        total += a;
        for (let c = 0; c < K; c++) next[o + c]! += a * cur[t + c]!;
      }
      const inv = 1 / total;
      for (let c = 0; c < K; c++) next[o + c]! *= inv;
    }
    const tmp = cur;
    cur = next;
    next = tmp;
  }
  return cur;
}
