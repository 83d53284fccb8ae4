import { prepareScan } from '../propagation/prepare';
import type { PropagationInput } from '../propagation/propagate';
import type { Scan } from '../scans/model';
import { ClickEngine } from '../segmentation/clickEngine';
import { buildClickScene } from '../segmentation/scene/clickScene';
import type { Segmenter } from '../segmentation/segmenters/segmenter';
import { NearestClickAnnotator, ScanLabelAnnotator, servicePropagator, type SemanticAnnotator } from './annotator';
import { runInstances, summarizeInstances, type ObjectRun } from './instanceRun';
import { buildVoxelIndex, voxelSizeFor, type VoxelIndex } from './protocol/components';
import { instanceReport, semanticReport, type InstanceReport, type SemanticReport } from './report';
import { runSemantic, type SemanticRun, type SemanticStep } from './semanticRun';
import { instanceTruth, semanticTruth } from './truth';

export interface EvalInput {
  scan: Scan;
  /** One value per point (see truth.ts for "no value"). */
  gt: Float64Array;
  /** How the truth was named on the command line (attribute or file). */
  gtName: string;
  segmenter: Segmenter;
  /** Voxel edge for error components; default voxelSizeFor (2.5 median NN spacings, at least 1.5 footprint spacings). */
  voxelSize?: number;
  onProgress?: (line: string) => void;
}

export interface SemanticEvalOptions {
  clicks: number;
  ignore?: number[];
  minClassShare?: number;
  propagation?: boolean;
  /** Also run the nearest-click baseline (default true). */
  baseline?: boolean;
  /** Earlier clicks of other classes as negative prompts (default true). */
  negatives?: boolean;
  /** What a preview may relabel among earlier labels of another class (see ScanLabelAnnotatorOptions). */
  overwrite?: 'all' | 'nearer';
  /** Error components of one true class each (default true). */
  groupByTruth?: boolean;
  /** Propagation's per-point classifier (PropagationInput.pointClassifier); default: propagation's own default. */
  pointClassifier?: PropagationInput['pointClassifier'];
  onStep?: (annotator: string, step: SemanticStep) => void;
}

function voxelIndexFor(input: EvalInput): VoxelIndex {
  return buildVoxelIndex(input.scan.positions, input.voxelSize ?? voxelSizeFor(input.scan.positions));
}

/** The semantic protocol on one scan: ScanLabel (click engine + propagation) and the nearest-click baseline. */
export async function evaluateSemantic(
  input: EvalInput,
  options: SemanticEvalOptions,
): Promise<{ report: SemanticReport; runs: SemanticRun[] }> {
  const { scan } = input;
  if (input.gt.length !== scan.pointCount) throw new Error(`ground truth has ${input.gt.length} values for ${scan.pointCount} points`);
  const log = input.onProgress ?? (() => {});
  const truth = semanticTruth(input.gt, { ignore: options.ignore, minClassShare: options.minClassShare });
  const index = voxelIndexFor(input);
  log(`voxel index: ${index.cellCount} voxels of ${index.size.toFixed(3)}`);
  const ctx = { positions: scan.positions, index, truth };
  const propagation = options.propagation !== false;
  const annotators: (() => Promise<SemanticAnnotator>)[] = [
    async () => {
      let t = performance.now();
      const scene = buildClickScene(scan);
      log(`click scene: ${Math.round(performance.now() - t)} ms`);
      t = performance.now();
      const prepared = propagation ? prepareScan(scan) : null;
      if (prepared) log(`propagation prepared: ${prepared.superpoints.count} superpoints, ${Math.round(performance.now() - t)} ms`);
      const engine = new ClickEngine(scene, input.segmenter);
      const propagator = prepared ? servicePropagator(prepared, options.pointClassifier === undefined ? {} : { pointClassifier: options.pointClassifier }) : null;
      return new ScanLabelAnnotator(engine, scan.positions, propagator, {
        negatives: options.negatives,
      });
    },
  ];
  if (options.baseline !== false) annotators.push(() => Promise.resolve(new NearestClickAnnotator(scan.positions)));
  const runs: SemanticRun[] = [];
  for (const make of annotators) {
    const a = await make();
    runs.push(await runSemantic(ctx, a, options.clicks, (s) => options.onStep?.(a.name, s), { groupByTruth: options.groupByTruth }));
  }
  const report = semanticReport(
    {
      file: scan.name,
      gt: input.gtName,
      points: scan.pointCount,
      voxelSize: index.size,
      clicks: options.clicks,
      ignore: options.ignore ?? [],
      minClassShare: options.minClassShare ?? 0,
      segmenter: input.segmenter.id,
      propagation,
    },
    truth,
    runs,
  );
  return { report, runs };
}

export interface InstanceEvalOptions {
  maxClicks?: number;
  stopIoU?: number;
  ignore?: number[];
  minObjectPoints?: number;
  maxObjects?: number;
  /** Cut closed canopies to the clicked crown (ClickEngineOptions.crowns). Default true. */
  crowns?: boolean;
  onObject?: (o: ObjectRun, done: number, total: number) => void;
}

/** The instance protocol (NoC / IoU@k) on one scan whose truth holds object ids. */
export async function evaluateInstances(
  input: EvalInput,
  options: InstanceEvalOptions = {},
): Promise<{ report: InstanceReport; runs: ObjectRun[] }> {
  const { scan } = input;
  if (input.gt.length !== scan.pointCount) throw new Error(`ground truth has ${input.gt.length} values for ${scan.pointCount} points`);
  const log = input.onProgress ?? (() => {});
  const minObjectPoints = options.minObjectPoints ?? 10;
  const truth = instanceTruth(input.gt, { ignore: options.ignore, minPoints: minObjectPoints, maxObjects: options.maxObjects });
  const index = voxelIndexFor(input);
  log(`voxel index: ${index.cellCount} voxels of ${index.size.toFixed(3)}; ${truth.values.length} objects`);
  const t = performance.now();
  // Objects here are instances: a tree in a closed canopy is its crown, not the canopy.
  const engine = new ClickEngine(buildClickScene(scan), input.segmenter, { crowns: options.crowns ?? true });
  log(`click scene: ${Math.round(performance.now() - t)} ms`);
  const maxClicks = options.maxClicks ?? 20;
  const stopIoU = options.stopIoU ?? 0.9;
  let done = 0;
  const runs = await runInstances({ positions: scan.positions, index }, engine, truth, { maxClicks, stopIoU }, (o) =>
    options.onObject?.(o, ++done, truth.values.length),
  );
  const report = instanceReport(
    {
      file: scan.name,
      gt: input.gtName,
      points: scan.pointCount,
      voxelSize: index.size,
      segmenter: input.segmenter.id,
      maxClicks,
      stopIoU,
      minObjectPoints,
      skippedSmall: truth.skippedSmall,
    },
    summarizeInstances(runs, maxClicks),
    runs,
  );
  return { report, runs };
}
