import type { ClickTiming, SemanticAnnotator } from './annotator';
import { errorComponents, groupedErrorComponents, type VoxelIndex } from './protocol/components';
import { innermostPoint } from './protocol/innermost';
import { confusion, scoreConfusion } from './protocol/metrics';
import type { SemanticTruth } from './truth';

export interface SemanticStep {
  /** 1-based click number. */
  click: number;
  point: number;
  /** Class index given to the click (truth at the point) and its raw truth value. */
  cls: number;
  value: number;
  /** Error points in the component clicked, and the click's depth inside it (voxels). */
  component: number;
  depth: number;
  /** After the click, over scored classes. */
  miou: number;
  oa: number;
  /** Per class index; NaN where the class is not scored. */
  iou: number[];
  /** After the click, over every non-ignored class (rare ones too, which are never clicked). */
  miouAll: number;
  oaAll: number;
  ms: ClickTiming;
}

export interface SemanticRun {
  annotator: string;
  steps: SemanticStep[];
  /** True when the run stopped early because every scored point was right. */
  perfect: boolean;
}

export interface SemanticContext {
  positions: Float32Array;
  index: VoxelIndex;
  truth: SemanticTruth;
}

/** Scores a labelling (class index or NO_LABEL per point) against the truth, scored classes and all classes. */
export function scoreLabels(
  truth: SemanticTruth,
  labels: Uint16Array,
): { miou: number; oa: number; iou: number[]; miouAll: number; oaAll: number } {
  const K = truth.values.length;
  const scored = scoreConfusion(confusion(truth.classOf, labels, K), K, truth.scored);
  const all = scoreConfusion(confusion(truth.anyClassOf, labels, K), K);
  const isScored = new Set(truth.scored);
  return { miou: scored.miou, oa: scored.oa, iou: scored.iou.map((v, c) => (isScored.has(c) ? v : NaN)), miouAll: all.miou, oaAll: all.oa };
}

/**
 * The semantic protocol: after each click, the scored points whose current label differs from the
 * truth are grouped into voxel-connected components of one true class (groupByTruth, default; off:
 * components across classes); the simulated user clicks the innermost point of the largest one with
 * the true class there. Stops after `clicks` clicks or when nothing is wrong.
 */
export async function runSemantic(
  ctx: SemanticContext,
  annotator: SemanticAnnotator,
  clicks: number,
  onStep?: (s: SemanticStep) => void,
  options: { groupByTruth?: boolean } = {},
): Promise<SemanticRun> {
  const { truth, index, positions } = ctx;
  const n = truth.classOf.length;
  const steps: SemanticStep[] = [];
  const mask = new Uint8Array(n);
  let labels = annotator.labels();
  for (let k = 1; k <= clicks; k++) {
    let errors = 0;
    for (let p = 0; p < n; p++) {
      const t = truth.classOf[p]!;
      mask[p] = t >= 0 && labels[p] !== t ? 1 : 0;
      errors += mask[p]!;
    }
    if (errors === 0) return { annotator: annotator.name, steps, perfect: true };
    const comp = (options.groupByTruth === false ? errorComponents(index, mask) : groupedErrorComponents(index, mask, truth.classOf))[0]!;
    const inner = innermostPoint(index, comp, positions);
    const cls = truth.classOf[inner.point]!;
    const ms = await annotator.click(inner.point, cls);
    labels = annotator.labels();
    const s = scoreLabels(truth, labels);
    const step: SemanticStep = {
      click: k,
      point: inner.point,
      cls,
      value: truth.values[cls]!,
      component: comp.points.length,
      depth: inner.depth,
      ...s,
      ms,
    };
    steps.push(step);
    onStep?.(step);
  }
  let wrong = 0;
  for (let p = 0; p < n; p++) if (truth.classOf[p]! >= 0 && labels[p] !== truth.classOf[p]) wrong++;
  return { annotator: annotator.name, steps, perfect: wrong === 0 };
}
