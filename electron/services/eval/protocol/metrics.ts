/** Label value of a point nobody labelled (user or prediction). Scored as wrong. */
export const NO_LABEL = 0xffff;

/**
 * Confusion counts over scored points: row = true class index, column = predicted class index,
 * column K = unlabelled (or predicted as a class outside 0..K-1). Points whose truth is < 0 are
 * not scored (ignored values, rare classes).
 */
export function confusion(truth: Int32Array, predicted: ArrayLike<number>, classCount: number): Float64Array {
  const K = classCount;
  const m = new Float64Array(K * (K + 1));
  for (let p = 0; p < truth.length; p++) {
    const t = truth[p]!;
    if (t < 0) continue;
    const q = predicted[p]!;
    m[t * (K + 1) + (q < K ? q : K)]!++;
  }
  return m;
}

export interface SemanticScore {
  /** Mean IoU over the classes asked for that have true points. */
  miou: number;
  /** Overall accuracy over scored points. */
  oa: number;
  /** Per class index (NaN for classes with no true points). */
  iou: number[];
}

/**
 * IoU per class = TP / (TP + FP + FN) from a confusion matrix (unlabelled points are false
 * negatives of their true class); mIoU averages `classes` (default all) that have true points.
 */
export function scoreConfusion(m: Float64Array, classCount: number, classes?: readonly number[]): SemanticScore {
  const K = classCount;
  const iou: number[] = [];
  let correct = 0;
  let total = 0;
  for (let c = 0; c < K; c++) {
    let row = 0;
    let col = 0;
    for (let j = 0; j <= K; j++) row += m[c * (K + 1) + j]!;
    for (let i = 0; i < K; i++) col += m[i * (K + 1) + c]!;
    const tp = m[c * (K + 1) + c]!;
    correct += tp;
    total += row;
    iou.push(row > 0 ? tp / (row + col - tp) : NaN);
  }
  const chosen = (classes ?? iou.map((_, c) => c)).filter((c) => !Number.isNaN(iou[c]!));
  const miou = chosen.length ? chosen.reduce((s, c) => s + iou[c]!, 0) / chosen.length : 0;
  return { miou, oa: total > 0 ? correct / total : 0, iou };
}

/** Intersection over union of two point sets given as masks (1 = in the set); 0 when both are empty. */
export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let p = 0; p < a.length; p++) {
    if (a[p] && b[p]) inter++;
    if (a[p] || b[p]) union++;
  }
  return union > 0 ? inter / union : 0;
}

/**
 * IoU after clicks 1..cap from the IoUs a run recorded (curve[k - 1] = IoU after k clicks); a run
 * that stopped early (target reached) keeps its last IoU for the clicks it did not need.
 */
export function extendCurve(curve: readonly number[], cap: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < cap; k++) out.push(curve[Math.min(k, curve.length - 1)] ?? 0);
  return out;
}

/** Clicks needed to reach IoU >= threshold (first k with curve[k - 1] >= threshold), `cap` when never reached. */
export function clicksToReach(curve: readonly number[], threshold: number, cap: number): number {
  for (let k = 1; k <= Math.min(cap, curve.length); k++) if (curve[k - 1]! >= threshold) return k;
  return cap;
}

/** NoC@threshold: mean clicks to reach it over objects, each capped at `cap`. */
export function meanNoC(curves: readonly (readonly number[])[], threshold: number, cap: number): number {
  if (curves.length === 0) return NaN;
  return curves.reduce((s, c) => s + clicksToReach(c, threshold, cap), 0) / curves.length;
}

/** IoU@k: mean IoU after k clicks over objects (a curve shorter than k keeps its last value). */
export function meanIoUAt(curves: readonly (readonly number[])[], k: number): number {
  if (curves.length === 0) return NaN;
  return curves.reduce((s, c) => s + (c[Math.min(k, c.length) - 1] ?? 0), 0) / curves.length;
}
