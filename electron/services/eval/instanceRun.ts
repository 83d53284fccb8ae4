import type { ClickEngine } from '../segmentation/clickEngine';
import { errorComponents, type VoxelIndex } from './protocol/components';
import { innermostPoint } from './protocol/innermost';
import { extendCurve, meanIoUAt, meanNoC } from './protocol/metrics';
import type { InstanceTruth } from './truth';

export interface InstanceClick {
  point: number;
  positive: boolean;
  /** IoU of the preview after this click. */
  iou: number;
  ms: number;
}

export interface ObjectRun {
  /** Raw instance value. */
  value: number;
  points: number;
  clicks: InstanceClick[];
}

export interface InstanceOptions {
  /** Clicks per object at most (and the NoC cap). Default 20. */
  maxClicks?: number;
  /** Stop clicking an object once its IoU reaches this. Default 0.9. */
  stopIoU?: number;
}

export interface InstanceSummary {
  objects: number;
  /** Mean IoU after 1, 3, 5, 10 clicks. */
  iouAt: Record<string, number>;
  /** Mean clicks to reach 80/85/90% IoU, capped at maxClicks. */
  noc: Record<string, number>;
  msPerClick: { mean: number; p50: number; p95: number };
}

/**
 * The interactive instance protocol of 3D click-segmentation papers (InterObject3D, AGILE3D): per
 * object, the first click is the object's innermost point; then each click goes to the innermost
 * point of the largest error region of the current preview: a negative click when that region is a
 * false positive, a positive one when it is a miss; until IoU >= stopIoU or maxClicks clicks.
 * Objects are independent (each starts from an empty preview).
 */
export async function runInstances(
  ctx: { positions: Float32Array; index: VoxelIndex },
  engine: ClickEngine,
  truth: InstanceTruth,
  options: InstanceOptions = {},
  onObject?: (o: ObjectRun) => void,
): Promise<ObjectRun[]> {
  const { positions, index } = ctx;
  const n = positions.length / 3;
  const maxClicks = options.maxClicks ?? 20;
  const stop = options.stopIoU ?? 0.9;
  const obj = new Uint8Array(n);
  const pred = new Uint8Array(n);
  const err = new Uint8Array(n);
  const runs: ObjectRun[] = [];
  for (let o = 0; o < truth.values.length; o++) {
    const members = truth.members[o]!;
    for (const p of members) obj[p] = 1;
    const first = innermostPoint(index, errorComponents(index, obj)[0]!, positions).point;
    const positives = [first];
    const negatives: number[] = [];
    const clicks: InstanceClick[] = [];
    let positive = true;
    let point = first;
    for (;;) {
      const t0 = performance.now();
      const preview = await engine.preview({ positives, negatives });
      engine.cancel(preview.previewId);
      const ms = performance.now() - t0;
      pred.fill(0);
      for (const id of preview.ids) pred[id] = 1;
      let inter = 0;
      let union = 0;
      for (let p = 0; p < n; p++) {
        const a = obj[p]!;
        const b = pred[p]!;
        inter += a & b;
        union += a | b;
        err[p] = a ^ b;
      }
      const iou = union > 0 ? inter / union : 0;
      clicks.push({ point, positive, iou, ms });
      if (iou >= stop || clicks.length >= maxClicks) break;
      const next = nextClick(index, positions, err, new Set([...positives, ...negatives]));
      if (next === null) break;
      point = next;
      positive = obj[next] === 1;
      (positive ? positives : negatives).push(next);
    }
    for (const p of members) obj[p] = 0;
    const run: ObjectRun = { value: truth.values[o]!, points: members.length, clicks };
    runs.push(run);
    onObject?.(run);
  }
  return runs;
}

/** Innermost point of the largest error component whose innermost point was not clicked already. */
function nextClick(index: VoxelIndex, positions: Float32Array, err: Uint8Array, clicked: Set<number>): number | null {
  for (const comp of errorComponents(index, err)) {
    const p = innermostPoint(index, comp, positions).point;
    if (!clicked.has(p)) return p;
  }
  return null;
}

export function summarizeInstances(runs: readonly ObjectRun[], maxClicks = 20): InstanceSummary {
  const curves = runs.map((r) =>
    extendCurve(
      r.clicks.map((c) => c.iou),
      maxClicks,
    ),
  );
  const ms = runs.flatMap((r) => r.clicks.map((c) => c.ms)).sort((a, b) => a - b);
  const q = (f: number) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(f * ms.length))]! : NaN);
  return {
    objects: runs.length,
    iouAt: Object.fromEntries([1, 3, 5, 10].map((k) => [String(k), meanIoUAt(curves, k)])),
    noc: Object.fromEntries([0.8, 0.85, 0.9].map((t) => [String(Math.round(t * 100)), meanNoC(curves, t, maxClicks)])),
    msPerClick: { mean: ms.length ? ms.reduce((s, v) => s + v, 0) / ms.length : NaN, p50: q(0.5), p95: q(0.95) },
  };
}
