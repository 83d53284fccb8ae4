import { resizeCamera, type Camera, type Vec3 } from '../../../common/geometry/camera';
import { ServiceFailure } from '../../../common/result';
import { liftMask } from './lift/lift';
import { DEFAULT_REFINE, refine, type RefineOptions } from './lift/refine';
import { refineMesh } from './lift/refineMesh';
import { objectRadius } from './lift/extent';
import { borderCoverage, chooseViews, DEFAULT_PLAN, projectAnchor, type ViewPlan } from './lift/views';
import { VoteBuffer } from './lift/votes';
import { renderView } from './render/viewRenderer';
import type { RenderedView } from './render/view';
import type { ClickScene } from './scene/clickScene';
import type { Prompts, Segmenter } from './segmenters/segmenter';

/** A click stored in 3D: re-running the same anchors with another segmenter reproduces the work. */
export interface ClickAnchor {
  id: number;
  position: Vec3;
  positive: boolean;
}

export interface ClickInput {
  /** Clicked point (or face) indices. At least one positive, or a box. */
  positives: number[];
  negatives?: number[];
  /** The user's camera: the first view renders exactly what they see (a box is drawn in it). */
  camera?: Camera;
  box?: { x0: number; y0: number; x1: number; y1: number };
}

export interface StageTimings {
  render: number;
  segment: number;
  lift: number;
  fuse: number;
  refine: number;
  total: number;
}

export interface ViewReport {
  width: number;
  height: number;
  radius: number;
  /** False when the positive anchors are hidden in this view (it then casts no votes). */
  used: boolean;
  score: number;
  maskPixels: number;
  seen: number;
  inside: number;
}

export interface Preview {
  previewId: string;
  scanId: string;
  target: 'points' | 'faces';
  segmenter: string;
  anchors: ClickAnchor[];
  box: ClickInput['box'] | null;
  /** Ascending point / face ids and their confidence (0.5..1). */
  ids: Uint32Array;
  confidence: Float32Array;
  views: ViewReport[];
  /** The segmenter's mask (0/1 per pixel, row-major) of the primary view: the user's view when given, else the first object view. */
  primaryMask: { width: number; height: number; mask: Uint8Array } | null;
  timings: StageTimings;
  stats: { voted: number; grown: number; trimmed: number };
}

/** What accept hands to the project store: one undoable edit command. */
export interface ClickLabelEdit {
  kind: 'click-label';
  scanId: string;
  target: 'points' | 'faces';
  classCode: number;
  ids: Uint32Array;
  confidence: Float32Array;
  anchors: ClickAnchor[];
  box: ClickInput['box'] | null;
  segmenter: string;
}

/** The project store's side of accept (electron/services/labels applyEdit, wired by the caller). */
export type EditSink = (edit: ClickLabelEdit) => Promise<void> | void;

export interface ClickEngineOptions {
  plan?: Partial<ViewPlan>;
  refine?: Partial<Omit<RefineOptions, 'positives' | 'negatives'>>;
  /** Re-render wider (x1.8) while the first mask runs off the view, at most this many times. */
  maxWiden?: number;
  sink?: EditSink;
}

/**
 * Click -> preview -> accept/cancel. One engine per open scan; previews live until accepted or
 * cancelled. The stages: render views around the clicked point, segment each, lift masks to ids,
 * fuse the votes across views, refine on the 3D geometry.
 */
export class ClickEngine {
  private readonly votes: VoteBuffer;
  private readonly previews = new Map<string, Preview>();
  private nextId = 1;

  constructor(
    readonly scene: ClickScene,
    private segmenter: Segmenter,
    private readonly options: ClickEngineOptions = {},
  ) {
    this.votes = new VoteBuffer(scene.elementCount);
  }

  setSegmenter(segmenter: Segmenter): void {
    this.segmenter = segmenter;
  }

  get segmenterId(): string {
    return this.segmenter.id;
  }

  anchorsOf(input: ClickInput): ClickAnchor[] {
    const g = this.scene.geometry;
    const check = (id: number) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.scene.elementCount)
        throw new ServiceFailure('invalid_params', `click id ${id} is outside the scan (0..${this.scene.elementCount - 1})`);
      return id;
    };
    return [
      ...input.positives.map((id) => ({ id: check(id), position: g.position(id), positive: true })),
      ...(input.negatives ?? []).map((id) => ({ id: check(id), position: g.position(id), positive: false })),
    ];
  }

  async preview(input: ClickInput): Promise<Preview> {
    const t0 = performance.now();
    const anchors = this.anchorsOf(input);
    const positives = anchors.filter((a) => a.positive);
    if (positives.length === 0 && !input.box) throw new ServiceFailure('invalid_params', 'a click set needs a positive click or a box');
    if (input.box && !input.camera) throw new ServiceFailure('invalid_params', 'a box needs the camera it was drawn in');
    const timings: StageTimings = { render: 0, segment: 0, lift: 0, fuse: 0, refine: 0, total: 0 };
    const views: ViewReport[] = [];
    const votes = this.votes;
    votes.reset();
    const g = this.scene.geometry;
    const size = this.segmenter.viewSize;
    const plan: ViewPlan = { ...DEFAULT_PLAN, ...this.options.plan };

    const runView = async (camera: Camera, radius: number, cullCenter: Vec3 | null, userView: boolean): Promise<{ view: RenderedView; mask: Uint8Array; report: ViewReport }> => {
      let t = performance.now();
      const view = renderView(this.scene, camera, { cull: cullCenter ? { center: cullCenter, radius: radius * 1.3 } : null, pointBudget: plan.pointBudget });
      timings.render += performance.now() - t;
      t = performance.now();
      const prompts: Prompts = { points: [] };
      for (const a of anchors) {
        const pp = projectAnchor(view, a.position, a.positive, g.hag ? g.hag[g.slotOf(a.id)]! : NaN);
        if (pp) prompts.points.push(pp);
      }
      if (userView && input.box) {
        const s = camera.width / input.camera!.width;
        prompts.box = { x0: input.box.x0 * s, y0: input.box.y0 * s, x1: input.box.x1 * s, y1: input.box.y1 * s };
      }
      const used = prompts.points.some((p) => p.positive) || prompts.box !== undefined;
      timings.fuse += performance.now() - t;
      const report: ViewReport = { width: view.width, height: view.height, radius, used, score: 0, maskPixels: 0, seen: 0, inside: 0 };
      if (!used) return { view, mask: new Uint8Array(view.width * view.height), report };
      t = performance.now();
      const result = await this.segmenter.segment(view, prompts);
      timings.segment += performance.now() - t;
      report.score = result.score;
      for (let p = 0; p < result.mask.length; p++) report.maskPixels += result.mask[p]!;
      return { view, mask: result.mask, report };
    };
    let primaryMask: Preview['primaryMask'] = null;
    const keepPrimary = (view: RenderedView, mask: Uint8Array, report: ViewReport) => {
      if (!primaryMask && report.used) primaryMask = { width: view.width, height: view.height, mask };
    };
    const vote = (view: RenderedView, mask: Uint8Array, report: ViewReport) => {
      if (!report.used || report.maskPixels === 0) return;
      const t = performance.now();
      const r = liftMask(view, mask, Math.max(0.05, report.score), votes, g);
      report.seen = r.seen;
      report.inside = r.inside;
      timings.lift += performance.now() - t;
    };

    if (input.camera) {
      const cam = input.camera;
      const k = Math.max(size.width, size.height) / Math.max(cam.width, cam.height);
      const scaled = resizeCamera(cam, Math.round(cam.width * k), Math.round(cam.height * k));
      const v = await runView(scaled, plan.radius, null, true);
      keepPrimary(v.view, v.mask, v.report);
      vote(v.view, v.mask, v.report);
      views.push(v.report);
    }
    if (positives.length > 0) {
      const center = positives[0]!.position;
      const tol = this.options.refine?.groundTolerance ?? DEFAULT_REFINE.groundTolerance;
      // Frame the object: its 3D extent (+15% margin), never tighter than minRadius.
      let radius = Math.max(plan.minRadius, Math.min(plan.radius, objectRadius(g, positives[0]!.id, tol, plan.radius) * 1.15));
      let cams = chooseViews(g, positives[0]!.id, { ...plan, radius }, size.width, size.height);
      let first = await runView(cams[0]!, radius, center, false);
      // The first view decides the scale: widen while the object runs off the image.
      for (let w = 0; w < (this.options.maxWiden ?? 2) && first.report.used && borderCoverage(first.mask, first.view.width, first.view.height) > 0.02; w++) {
        radius *= 1.8;
        cams = chooseViews(g, positives[0]!.id, { ...plan, radius }, size.width, size.height);
        first = await runView(cams[0]!, radius, center, false);
      }
      keepPrimary(first.view, first.mask, first.report);
      vote(first.view, first.mask, first.report);
      views.push(first.report);
      for (let i = 1; i < cams.length; i++) {
        const v = await runView(cams[i]!, radius, center, false);
        vote(v.view, v.mask, v.report);
        views.push(v.report);
      }
    }

    const t = performance.now();
    const refineOptions: RefineOptions = {
      ...DEFAULT_REFINE,
      ...this.options.refine,
      positives: positives.map((a) => a.id),
      negatives: anchors.filter((a) => !a.positive).map((a) => a.id),
    };
    const refined = this.scene.kind === 'mesh' ? refineMesh(this.scene.mesh, g, votes, refineOptions) : refine(g, votes, refineOptions);
    const { ids, confidence } = withAnchors(refined.ids, refined.confidence, positives.map((a) => a.id));
    timings.refine = performance.now() - t;
    timings.total = performance.now() - t0;
    const previewId = `p${this.nextId++}`;
    const preview: Preview = {
      previewId,
      scanId: this.scene.scanId,
      target: this.scene.kind === 'mesh' ? 'faces' : 'points',
      segmenter: this.segmenter.id,
      anchors,
      box: input.box ?? null,
      ids,
      confidence,
      views,
      primaryMask,
      timings,
      stats: { voted: refined.voted, grown: refined.grown, trimmed: refined.trimmed },
    };
    this.previews.set(previewId, preview);
    return preview;
  }

  /** Turns a preview into an edit with a class and hands it to the store; the preview is consumed. */
  async accept(previewId: string, classCode: number): Promise<ClickLabelEdit> {
    const p = this.previews.get(previewId);
    if (!p) throw new ServiceFailure('not_found', `no preview ${previewId} (accepted or cancelled already?)`);
    if (!Number.isInteger(classCode) || classCode < 0 || classCode > 65535) throw new ServiceFailure('invalid_params', `class code ${classCode} must be an integer 0..65535`);
    const edit: ClickLabelEdit = {
      kind: 'click-label',
      scanId: p.scanId,
      target: p.target,
      classCode,
      ids: p.ids,
      confidence: p.confidence,
      anchors: p.anchors,
      box: p.box,
      segmenter: p.segmenter,
    };
    await this.options.sink?.(edit);
    this.previews.delete(previewId);
    return edit;
  }

  cancel(previewId: string): boolean {
    return this.previews.delete(previewId);
  }
}

/** The clicked elements are labelled by definition, whatever the masks said. */
function withAnchors(ids: Uint32Array, conf: Float32Array, anchors: number[]): { ids: Uint32Array; confidence: Float32Array } {
  const missing = [...new Set(anchors)].filter((a) => !binaryHas(ids, a));
  if (missing.length === 0) return { ids, confidence: conf };
  const pairs: [number, number][] = Array.from(ids, (id, i) => [id, conf[i]!]);
  for (const a of missing) pairs.push([a, 1]);
  pairs.sort((a, b) => a[0] - b[0]);
  return { ids: Uint32Array.from(pairs, (p) => p[0]), confidence: Float32Array.from(pairs, (p) => p[1]) };
}

function binaryHas(a: Uint32Array, v: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (a[m] === v) return true;
    if (a[m]! < v) lo = m + 1;
    else hi = m - 1;
  }
  return false;
}
