import type { Camera, Vec3 } from '../../../../common/geometry/camera';
import { projectAnchor } from '../lift/views';
import { segmentGeometric, type BuiltinOptions } from '../segmenters/builtin';
import type { Prompts } from '../segmenters/segmenter';
import type { RenderedView } from './view';

/** One view of a click: what to render and the prompts to place in it. Plain data, so it can be posted to a render worker. */
export interface ViewJob {
  camera: Camera;
  /** Draw only within this sphere (the click's neighbourhood); null draws everything in view. */
  cull: { center: Vec3; radius: number } | null;
  pointBudget: number;
  /** Click anchors in 3D with their height above the terrain (NaN unknown), projected where visible. */
  anchors: { position: Vec3; positive: boolean; heightAboveGround: number }[];
  /** Box prompt in this view's pixels. */
  box?: { x0: number; y0: number; x1: number; y1: number };
  /** Segment with the built-in segmenter and these options where the view is rendered; null leaves it to the caller. */
  builtin: BuiltinOptions | null;
}

export interface ViewOutcome {
  view: RenderedView;
  prompts: Prompts;
  /** False when no positive prompt (nor a box) landed in the view: it casts no votes. */
  used: boolean;
  /** The built-in segmenter's mask and score when the job asked for it (and the view is used). */
  segmented: { mask: Uint8Array; score: number } | null;
  renderMs: number;
  segmentMs: number;
}

/**
 * Render, place the prompts, and (for the built-in segmenter) segment: the same code on the
 * calling thread and in a render worker, so both give identical views and masks.
 */
export function runViewJob(render: (job: ViewJob) => RenderedView, job: ViewJob): ViewOutcome {
  let t = performance.now();
  const view = render(job);
  const renderMs = performance.now() - t;
  const prompts: Prompts = { points: [] };
  for (const a of job.anchors) {
    const pp = projectAnchor(view, a.position, a.positive, a.heightAboveGround);
    if (pp) prompts.points.push(pp);
  }
  if (job.box) prompts.box = job.box;
  const used = prompts.points.some((p) => p.positive) || prompts.box !== undefined;
  t = performance.now();
  const segmented = used && job.builtin ? segmentGeometric(view, prompts, job.builtin) : null;
  return { view, prompts, used, segmented: segmented && { mask: segmented.mask, score: segmented.score }, renderMs, segmentMs: segmented ? performance.now() - t : 0 };
}

/** The buffers an outcome owns (not the shared scene), to transfer instead of copy. */
export function outcomeTransferables(o: ViewOutcome): ArrayBuffer[] {
  const v = o.view;
  const list: ArrayBufferLike[] = [v.rgb.buffer, v.depth.buffer, v.normal.buffer, v.id.buffer, v.hag.buffer, v.spacing.buffer];
  if (v.splatted) list.push(v.splatted.ids.buffer, v.splatted.slots.buffer, v.splatted.pixel.buffer, v.splatted.depth.buffer, v.splatted.tolerance.buffer);
  if (o.segmented) list.push(o.segmented.mask.buffer);
  return [...new Set(list)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
