/**
 * Semantic mIoU of a labelling against ground truth, over the classes present in the truth
 * (unlabelled predictions count as wrong). The simulated annotator and the benchmarks score with it.
 */
export function meanIoU(predicted: ArrayLike<number>, truth: ArrayLike<number>): { miou: number; perClass: Map<number, number> } {
  const inter = new Map<number, number>();
  const union = new Map<number, number>();
  const truthCount = new Map<number, number>();
  const predCount = new Map<number, number>();
  for (let p = 0; p < truth.length; p++) {
    const t = truth[p]!;
    const q = predicted[p]!;
    truthCount.set(t, (truthCount.get(t) ?? 0) + 1);
    predCount.set(q, (predCount.get(q) ?? 0) + 1);
    if (t === q) inter.set(t, (inter.get(t) ?? 0) + 1);
  }
  const perClass = new Map<number, number>();
  let sum = 0;
  for (const [c, tc] of truthCount) {
    const i = inter.get(c) ?? 0;
    const u = tc + (predCount.get(c) ?? 0) - i;
    union.set(c, u);
    const iou = u > 0 ? i / u : 0;
    perClass.set(c, iou);
    sum += iou;
  }
  return { miou: truthCount.size ? sum / truthCount.size : 0, perClass };
}

/** The labelling a user sees: their own labels where set, else the prediction. */
export function composite(userLabels: Uint16Array, predicted: Uint16Array): Uint16Array {
  const out = new Uint16Array(userLabels.length);
  for (let p = 0; p < out.length; p++) out[p] = userLabels[p] || predicted[p]!;
  return out;
}
