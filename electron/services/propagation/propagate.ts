import { predictForest, trainForest, type ForestOptions } from './classifier/extraTrees';
import type { PreparedScan } from './prepare';
import { heightBin, heightExplainsMixing, heightLikelihood, pointPosterior } from './heightLikelihood';
import { predictPoint, trainPointForest, type PointClassifierOptions } from './pointClassifier';
import { smoothLabels, type SmoothingOptions } from './smoothing';

/** 0 in a label array means "unlabelled" (LAS class 0, "never classified"). */
export const UNLABELED = 0;

export interface PropagationInput {
  prepared: PreparedScan;
  /** The user layer: class per point, 0 = unlabelled. */
  userLabels: Uint16Array;
  /** 1 = locked (never predicted), or null. */
  locked: Uint8Array | null;
  forest?: ForestOptions;
  smoothing?: SmoothingOptions;
  /**
   * Correct each point's superpoint class by its own height above ground (heightLikelihood.ts).
   * Default false: measured with the simulated annotator (50 clicks) it raised nebraska-3dep
   * mIoU@20/@50 by +0.008/+0.016 and the demo's @20 by +0.017, but lowered ign append-bug (whose
   * terrain model is wrong: tiles at other heights) by -0.014/-0.009, and the held-out check
   * (heightExplainsMixing) did not tell that scan apart.
   */
  pointHeight?: boolean;
  /**
   * The per-point classifier (pointClassifier.ts): each open point's class is its superpoint's
   * smoothed distribution times a forest's over the point's own features, so classes mixed point by
   * point inside a superpoint are told apart. Off by default (undefined or false): with the
   * simulated annotator (50 clicks) it raised the demo scene's mIoU@20 (0.850 -> 0.946) but left
   * pdal sample_c and nebraska within +0.003, where previews label 94-100 % of the points by click
   * 20 and nothing is left to fill, and lowered IGN append-bug's @50 (0.400 -> 0.381); see
   * docs/propagation.md.
   */
  pointClassifier?: (PointClassifierOptions & PointFusionOptions) | false;
  /**
   * 1 where a user label came from an accepted preview rather than an explicit click or stroke: with
   * pointClassifier.reviseAbove set, the point classifier may propose another class for it
   * (result.revised). Hard labels (0 here) and locked points are never revised.
   */
  soft?: Uint8Array | null;
}

export interface PointFusionOptions {
  /** Exponent on the point forest's distribution against the superpoint's. Default 1. */
  pointWeight?: number;
  /** Added to both distributions before the product, so neither can veto a class alone. Default 0.02. */
  floor?: number;
  /**
   * A soft label is revised when the point forest gives another class at least this. Default: no
   * revisions (every threshold tried, 0.6-0.9, lowered sample_c or nebraska mIoU@50).
   */
  reviseAbove?: number;
  /**
   * ...and the point's superpoint (its labels, smoothed) gives that class at least this share: a
   * revision must be a class already present around the point, not the forest's guess alone. Default 0.1.
   */
  reviseMinShare?: number;
}

export interface PropagationResult {
  /** The "predicted" layer: class per point, 0 where the user labelled or locked the point or nothing is known. */
  classes: Uint16Array;
  /** 0..255 per point (255 = certain), 0 wherever classes is 0. */
  confidence: Uint8Array;
  /** Per superpoint: predicted class and confidence in [0, 1] (suggestions and acceptance read these). */
  segmentClass: Uint16Array;
  segmentConfidence: Float32Array;
  /** Class codes the model knows (the user's), ascending. */
  classCodes: number[];
  trainingRows: number;
  /** Labelled points the per-point forest trained on (0 when it did not run). */
  pointTrainingRows: number;
  /**
   * Per point: a class the point classifier proposes instead of a soft (preview) label, 0 elsewhere;
   * null without `soft` or pointClassifier.reviseAbove. Never set on hard user labels or locked points.
   */
  revised: Uint16Array | null;
}

/**
 * One propagation after an edit: train a forest on the superpoints the user has labelled (their
 * feature means, weighted by how much of each is labelled, classes balanced), predict every
 * superpoint, smooth over the superpoint graph with the user's labels clamped, and write the
 * predicted layer. Optionally each point's class is its superpoint's distribution times a
 * per-point forest's (pointClassifier) or, without it, times the likelihood of its height above
 * ground under each class (pointHeight). User-labelled and locked points are never given a
 * prediction; soft (preview) labels may get a proposed revision in `revised`, never in `classes`.
 */
export function propagate(input: PropagationInput): PropagationResult {
  const { prepared, userLabels, locked } = input;
  const sp = prepared.superpoints;
  const n = prepared.pointCount;
  if (userLabels.length !== n) throw new Error(`userLabels has ${userLabels.length} entries for ${n} points`);
  if (locked && locked.length !== n) throw new Error(`locked has ${locked.length} entries for ${n} points`);

  // Class codes in use and each superpoint's labelled histogram.
  const seen = new Uint8Array(65536);
  for (let p = 0; p < n; p++) seen[userLabels[p]!] = 1;
  const classCodes: number[] = [];
  for (let c = 1; c < 65536; c++) if (seen[c]) classCodes.push(c);
  const K = classCodes.length;
  const segmentClass = new Uint16Array(sp.count);
  const segmentConfidence = new Float32Array(sp.count);
  const empty = { classes: new Uint16Array(n), confidence: new Uint8Array(n), segmentClass, segmentConfidence, classCodes, trainingRows: 0, pointTrainingRows: 0, revised: null };
  if (K === 0) return empty;
  const indexOf = new Int32Array(65536).fill(-1);
  classCodes.forEach((c, i) => (indexOf[c] = i));
  const labelled = new Float32Array(sp.count * K);
  for (let p = 0; p < n; p++) {
    const l = userLabels[p]!;
    if (l !== UNLABELED) labelled[sp.of[p]! * K + indexOf[l]!]! += 1;
  }

  // Training rows: every superpoint with labelled points, labelled with its majority class,
  // weighted by the labelled fraction; classes balanced so a clicked pole counts as much as the ground.
  const rowsSeg: number[] = [];
  const rowsY: number[] = [];
  const rowsW: number[] = [];
  const clamp = new Float32Array(sp.count * K);
  const clampWeight = new Float32Array(sp.count);
  for (let s = 0; s < sp.count; s++) {
    let total = 0;
    let best = -1;
    for (let c = 0; c < K; c++) {
      const v = labelled[s * K + c]!;
      total += v;
      if (best < 0 || v > labelled[s * K + best]!) best = c;
    }
    if (total === 0) continue;
    const fraction = total / sp.size[s]!;
    for (let c = 0; c < K; c++) clamp[s * K + c] = labelled[s * K + c]! / total;
    // A fully labelled superpoint outweighs any neighbourhood; a grazed one (a few boundary points) barely counts.
    clampWeight[s] = 50 * fraction;
    if (fraction < 0.2) continue;
    rowsSeg.push(s);
    rowsY.push(best);
    rowsW.push(fraction * (labelled[s * K + best]! / total));
  }
  const rows = rowsSeg.length;
  let prior: Float32Array;
  if (K === 1 || rows === 0) {
    prior = new Float32Array(sp.count * K).fill(1 / K);
  } else {
    const classWeight = new Float64Array(K);
    for (let r = 0; r < rows; r++) classWeight[rowsY[r]!]! += rowsW[r]!;
    const dim = prepared.segments.dim;
    const x = new Float32Array(rows * dim);
    const y = new Int32Array(rows);
    const w = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      x.set(prepared.segments.values.subarray(rowsSeg[r]! * dim, (rowsSeg[r]! + 1) * dim), r * dim);
      y[r] = rowsY[r]!;
      w[r] = rowsW[r]! / classWeight[rowsY[r]!]!;
    }
    const forest = trainForest(x, dim, y, w, K, input.forest);
    prior = predictForest(forest, prepared.segments.values, sp.count);
  }

  const smoothed = smoothLabels(
    { count: sp.count, classCount: K, offsets: sp.offsets, neighbours: sp.neighbours, affinity: prepared.affinity, prior, clamp, clampWeight },
    input.smoothing,
  );
  for (let s = 0; s < sp.count; s++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (smoothed[s * K + c]! > smoothed[s * K + best]!) best = c;
    segmentClass[s] = classCodes[best]!;
    // With one known class there is nothing to tell apart: say so with a middling confidence.
    segmentConfidence[s] = K === 1 ? 0.5 : smoothed[s * K + best]!;
  }

  const classes = new Uint16Array(n);
  const confidence = new Uint8Array(n);
  const heights = prepared.heightAboveGround;
  const useHeight = input.pointHeight === true && heights.length === n && heightExplainsMixing(heights, userLabels, indexOf, K, sp.of, sp.count);
  const lik = useHeight ? heightLikelihood(heights, userLabels, indexOf, K) : null;
  const pointOptions = input.pointClassifier || null;
  const pf = pointOptions && prepared.pointRows ? trainPointForest(prepared.pointRows, userLabels, indexOf, K, pointOptions) : null;
  const soft = input.soft ?? null;
  if (soft && soft.length !== n) throw new Error(`soft has ${soft.length} entries for ${n} points`);
  const revised = soft && pointOptions?.reviseAbove !== undefined ? new Uint16Array(n) : null;
  const pt = new Float32Array(K);
  const floor = pointOptions?.floor ?? 0.02;
  const beta = pointOptions?.pointWeight ?? 1;
  const reviseAbove = pointOptions?.reviseAbove ?? Infinity;
  const reviseMinShare = pointOptions?.reviseMinShare ?? 0.1;
  for (let p = 0; p < n; p++) {
    if (locked && locked[p]) continue;
    const s = sp.of[p]!;
    if (userLabels[p] !== UNLABELED) {
      // A preview label the point forest confidently contradicts is proposed for revision.
      if (!pf || !revised || !soft?.[p]) continue;
      predictPoint(pf.forest, prepared.pointRows, p, pt);
      let best = 0;
      for (let c = 1; c < K; c++) if (pt[c]! > pt[best]!) best = c;
      if (pt[best]! >= reviseAbove && smoothed[s * K + best]! >= reviseMinShare && classCodes[best] !== userLabels[p]) revised[p] = classCodes[best]!;
      continue;
    }
    if (pf) {
      predictPoint(pf.forest, prepared.pointRows, p, pt);
      let total = 0;
      for (let c = 0; c < K; c++) {
        const q = (smoothed[s * K + c]! + floor) * (beta === 1 ? pt[c]! + floor : Math.pow(pt[c]! + floor, beta));
        pt[c] = q;
        total += q;
      }
      let best = 0;
      for (let c = 1; c < K; c++) if (pt[c]! > pt[best]!) best = c;
      classes[p] = classCodes[best]!;
      confidence[p] = Math.max(1, Math.round((pt[best]! / total) * 255));
    } else if (lik) {
      const post = pointPosterior(smoothed, s * K, lik, heightBin(heights[p]!), K);
      classes[p] = classCodes[post.best]!;
      confidence[p] = Math.max(1, Math.round(post.p * 255));
    } else {
      classes[p] = segmentClass[s]!;
      confidence[p] = Math.max(1, Math.round(segmentConfidence[s]! * 255));
    }
  }
  return { classes, confidence, segmentClass, segmentConfidence, classCodes, trainingRows: rows, pointTrainingRows: pf?.trainingRows ?? 0, revised };
}
