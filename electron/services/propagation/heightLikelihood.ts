/**
 * Per-point correction of the superpoint prediction by height above ground. Superpoints are coarse
 * (a hundred for 14k aerial points) and mix classes that are stacked by height: low vegetation
 * under crowns, bushes beside ground. Each point's class distribution becomes its superpoint's,
 * times the likelihood of the point's own height under each class, learnt from every
 * user-labelled point (a histogram over signed log height per class, blurred, with a floor so
 * heights no label covered stay neutral). O(points * classes); the confidence stays a probability.
 * Used only where held-out superpoints show that heights explain the labelled classes better than
 * the superpoints alone (heightExplainsMixing).
 */

/** Bins over sign(h) * log(1 + |h|) (scan units, metres): 0.1 wide from -1 (-1.7 m) to 5 (147 m). */
const BIN_MIN = -1;
const BIN_WIDTH = 0.1;
const BINS = 60;
/** Share of a uniform density mixed into each class's histogram: no height is ever ruled out. */
const FLOOR = 0.05;
/** Exponent on the likelihood: the superpoint features already include its mean height. */
const WEIGHT = 0.5;

export function heightBin(h: number): number {
  const v = Number.isNaN(h) ? 0 : Math.sign(h) * Math.log1p(Math.abs(h));
  return Math.min(BINS - 1, Math.max(0, Math.floor((v - BIN_MIN) / BIN_WIDTH)));
}

/**
 * Per class index and height bin: likelihood^WEIGHT relative to the mean over classes (K * BINS),
 * or null when there are fewer than two classes or no labelled heights.
 */
export function heightLikelihood(
  heights: Float32Array,
  userLabels: Uint16Array,
  indexOf: Int32Array,
  K: number,
  include: (p: number) => boolean = () => true,
): Float32Array | null {
  if (K < 2) return null;
  const hist = new Float64Array(K * BINS);
  const total = new Float64Array(K);
  for (let p = 0; p < heights.length; p++) {
    const l = userLabels[p]!;
    if (l === 0 || !include(p)) continue;
    const c = indexOf[l]!;
    hist[c * BINS + heightBin(heights[p]!)]! += 1;
    total[c]! += 1;
  }
  const out = new Float32Array(K * BINS);
  for (let c = 0; c < K; c++) {
    if (total[c] === 0) {
      out.fill(1, c * BINS, (c + 1) * BINS);
      continue;
    }
    for (let b = 0; b < BINS; b++) {
      // Blur over +-2 bins (weights 1 2 3 2 1): labelled heights are a sample, not the class's range.
      let s = 0;
      let w = 0;
      for (let d = -2; d <= 2; d++) {
        const bb = b + d;
        if (bb < 0 || bb >= BINS) continue;
        const k = 3 - Math.abs(d);
        s += k * hist[c * BINS + bb]!;
        w += k;
      }
      const density = s / w / total[c]!;
      out[c * BINS + b] = Math.pow((1 - FLOOR) * density + FLOOR / BINS, WEIGHT);
    }
  }
  return out;
}

/**
 * Class index and probability for one point: superpoint distribution `dist` (K entries from
 * `offset`) times the point's height likelihood, renormalized.
 */
export function pointPosterior(dist: Float32Array, offset: number, lik: Float32Array, bin: number, K: number): { best: number; p: number } {
  let sum = 0;
  let best = 0;
  let bestV = -1;
  for (let c = 0; c < K; c++) {
    const v = dist[offset + c]! * lik[c * BINS + bin]!;
    sum += v;
    if (v > bestV) {
      bestV = v;
      best = c;
    }
  }
  return { best, p: sum > 0 ? bestV / sum : 1 / K };
}

/**
 * Whether heights tell apart the classes the user labelled inside the same superpoints, checked on
 * held-out superpoints: the likelihood learnt from the labelled points of even superpoints must
 * predict the labelled points of odd ones (and the reverse) better than their superpoint's own
 * label mix does (mean log-likelihood). Where the terrain model is wrong (tiles appended at other
 * heights) or classes do not stack by height, it does not, and propagation stays per superpoint.
 */
export function heightExplainsMixing(heights: Float32Array, userLabels: Uint16Array, indexOf: Int32Array, K: number, superpointOf: Int32Array | Uint32Array, superpoints: number): boolean {
  if (K < 2) return false;
  const mix = new Float64Array(superpoints * K);
  const size = new Float64Array(superpoints);
  for (let p = 0; p < heights.length; p++) {
    const l = userLabels[p]!;
    if (l === 0) continue;
    mix[superpointOf[p]! * K + indexOf[l]!]! += 1;
    size[superpointOf[p]!]! += 1;
  }
  let gain = 0;
  let count = 0;
  for (const half of [0, 1]) {
    const lik = heightLikelihood(heights, userLabels, indexOf, K, (p) => (superpointOf[p]! & 1) === half);
    if (!lik) return false;
    for (let p = 0; p < heights.length; p++) {
      const l = userLabels[p]!;
      const s = superpointOf[p]!;
      if (l === 0 || (s & 1) === half) continue;
      const c = indexOf[l]!;
      const b = heightBin(heights[p]!);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += ((mix[s * K + k]! + 0.5) / (size[s]! + 0.5 * K)) * lik[k * BINS + b]!;
      const prior = (mix[s * K + c]! + 0.5) / (size[s]! + 0.5 * K);
      gain += Math.log((prior * lik[c * BINS + b]!) / sum) - Math.log(prior);
      count++;
    }
  }
  return count > 0 && gain / count > 0;
}
