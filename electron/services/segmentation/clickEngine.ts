import { resizeCamera, type Camera, type Vec3 } from '../../../common/geometry/camera';
import { ServiceFailure } from '../../../common/result';
import { liftMask } from './lift/lift';
import { splitCrowns } from './lift/crowns';
import { DEFAULT_REFINE, refine, type RefineOptions } from './lift/refine';
import { refineMesh } from './lift/refineMesh';
import { objectRadius } from './lift/extent';
import { borderCoverage, chooseViews, DEFAULT_PLAN, type ViewPlan } from './lift/views';
import { VoteBuffer } from './lift/votes';
import { anchorHeight } from './lift/anchorSide';
import { defaultRenderThreads, sharedRenderPool, type RenderPool } from './render/renderPool';
import { renderView } from './render/viewRenderer';
import type { RenderedView } from './render/view';
import { runViewJob, type ViewJob, type ViewOutcome } from './render/viewJob';
import type { ClickScene } from './scene/clickScene';
import type { Segmenter } from './segmenters/segmenter';

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
  /** Cut a closed canopy to the clicked tree's crown for this click set (overrides ClickEngineOptions.crowns). */
  crowns?: boolean;
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
  /** Re-render wider (x1.8) while the first mask runs off the view, at most this many times (a ground click goes straight to the widest). */
  maxWiden?: number;
  sink?: EditSink;
  /**
   * Render workers for point and mesh scenes (default: one per core, at most 4; the pool is process-wide).
   * 0 renders on the calling thread. Previews are identical either way.
   */
  renderThreads?: number;
  /** Cut a closed canopy to the clicked tree's crown (lift/crowns.ts): instance labelling of trees. Default off. */
  crowns?: boolean;
}

const WIDEN = 1.8;

interface ViewResult {
  view: RenderedView;
  mask: Uint8Array;
  report: ViewReport;
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

  private readonly pool: Promise<RenderPool | null>;

  constructor(
    readonly scene: ClickScene,
    private segmenter: Segmenter,
    private readonly options: ClickEngineOptions = {},
  ) {
    this.votes = new VoteBuffer(scene.elementCount);
    // Workers start now, while the user aims the first click.
    const threads = options.renderThreads ?? defaultRenderThreads();
    this.pool = threads > 0 ? sharedRenderPool(threads) : Promise.resolve(null);
  }

  /** How views are rendered: 'N render workers' or 'in-thread (why)'. */
  async renderMode(): Promise<string> {
    const pool = await this.pool;
    if (pool) return `${pool.threads} render worker${pool.threads === 1 ? '' : 's'}`;
    return `in-thread (${(this.options.renderThreads ?? 1) === 0 ? 'renderThreads: 0' : 'render workers could not start'})`;
  }

  /** Renders (and segments) one view, on a render worker when there is a pool, else here. */
  private async runView(job: ViewJob, radius: number, pool: RenderPool | null, timings: StageTimings): Promise<ViewResult> {
    let outcome: ViewOutcome | null = null;
    if (pool) outcome = await pool.run(this.scene, job).catch(() => null); // a lost worker: render this view here
    outcome ??= runViewJob((j) => renderView(this.scene, j.camera, { cull: j.cull, pointBudget: j.pointBudget }), { ...job, builtin: null });
    timings.render += outcome.renderMs;
    timings.segment += outcome.segmentMs;
    const { view, used } = outcome;
    const report: ViewReport = { width: view.width, height: view.height, radius, used, score: 0, maskPixels: 0, seen: 0, inside: 0 };
    if (!used) return { view, mask: new Uint8Array(view.width * view.height), report };
    let result = outcome.segmented;
    if (!result) {
      const t = performance.now();
      result = await this.segmenter.segment(view, outcome.prompts);
      timings.segment += performance.now() - t;
    }
    report.score = result.score;
    for (let p = 0; p < result.mask.length; p++) report.maskPixels += result.mask[p]!;
    return { view, mask: result.mask, report };
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
    let positives = anchors.filter((a) => a.positive);
    if (positives.length === 0 && !input.box) throw new ServiceFailure('invalid_params', 'a click set needs a positive click or a box');
    if (input.box && !input.camera) throw new ServiceFailure('invalid_params', 'a box needs the camera it was drawn in');
    const timings: StageTimings = { render: 0, segment: 0, lift: 0, fuse: 0, refine: 0, total: 0 };
    const views: ViewReport[] = [];
    const votes = this.votes;
    votes.reset();
    const g = this.scene.geometry;
    const size = this.segmenter.viewSize;
    const plan: ViewPlan = { ...DEFAULT_PLAN, ...this.options.plan };
    const tol = this.options.refine?.groundTolerance ?? DEFAULT_REFINE.groundTolerance;
    const pool = await this.pool;
    // With two or more workers, views render side by side; on one thread they run one after another.
    const parallel = pool !== null && pool.threads > 1;
    let jobAnchors = anchors.map((a) => ({ position: a.position, positive: a.positive, heightAboveGround: anchorHeight(g, a.id, tol) }));
    const job = (camera: Camera, radius: number, cullCenter: Vec3 | null, box?: ViewJob['box'], pointBudget = plan.pointBudget): ViewJob => ({
      camera,
      cull: cullCenter ? { center: cullCenter, radius: radius * 1.3 } : null,
      pointBudget,
      anchors: jobAnchors,
      box,
      builtin: pool && this.segmenter.portable ? this.segmenter.portable.builtin : null,
    });
    const start = (j: ViewJob, radius: number) => {
      const p = this.runView(j, radius, pool, timings);
      p.catch(() => undefined); // awaited in view order below; a later view failing first must not count as unhandled
      return p;
    };

    let primaryMask: Preview['primaryMask'] = null;
    const keepPrimary = (v: ViewResult) => {
      if (!primaryMask && v.report.used) primaryMask = { width: v.view.width, height: v.view.height, mask: v.mask };
    };
    // Votes are cast in a fixed view order (user view, first, the others), whatever finishes first:
    // the sums, hence the preview, are the same on workers and in-thread.
    const vote = (v: ViewResult) => {
      views.push(v.report);
      if (!v.report.used || v.report.maskPixels === 0) return;
      const t = performance.now();
      const r = liftMask(v.view, v.mask, Math.max(0.05, v.report.score), votes, g);
      v.report.seen = r.seen;
      v.report.inside = r.inside;
      timings.lift += performance.now() - t;
    };

    let userView: Promise<ViewResult> | null = null;
    if (input.camera) {
      const cam = input.camera;
      const k = Math.max(size.width, size.height) / Math.max(cam.width, cam.height);
      const scaled = resizeCamera(cam, Math.round(cam.width * k), Math.round(cam.height * k));
      const s = scaled.width / cam.width;
      const box = input.box && { x0: input.box.x0 * s, y0: input.box.y0 * s, x1: input.box.x1 * s, y1: input.box.y1 * s };
      userView = start(job(scaled, plan.radius, null, box), plan.radius);
      if (!parallel) await userView;
    }
    // A box without a click: the user view's mask (seeded from the box) names the object, and its
    // most interior visible point stands in for the click in the object views and refinement.
    if (positives.length === 0 && userView) {
      const v = await userView;
      const id = v.report.used ? interiorElement(v.view, v.mask) : -1;
      if (id >= 0) {
        const seed: ClickAnchor = { id, position: g.position(id), positive: true };
        positives = [seed];
        jobAnchors = [...jobAnchors, { position: seed.position, positive: true, heightAboveGround: anchorHeight(g, id, tol) }];
      }
    }
    let objectViews: Promise<ViewResult>[] = [];
    if (positives.length > 0) {
      const center = positives[0]!.position;
      const anchorId = positives[0]!.id;
      const maxWiden = this.options.maxWiden ?? 2;
      // Ground runs off any view: a ground click goes straight to the widest views instead of
      // widening step by step. An object is framed by its 3D extent (+15%), never below minRadius.
      const groundClick = anchorHeight(g, anchorId, tol) < tol;
      let radius = groundClick ? plan.radius * WIDEN ** maxWiden : Math.max(plan.minRadius, Math.min(plan.radius, objectRadius(g, anchorId, tol, plan.radius) * 1.15));
      let cams = chooseViews(g, anchorId, { ...plan, radius }, size.width, size.height);
      const budget = groundClick ? plan.groundPointBudget : plan.pointBudget;
      // In parallel, the second view is rendered speculatively beside the first (lost only if the first widens).
      const startPair = () => [start(job(cams[0]!, radius, center, undefined, budget), radius), parallel && cams[1] ? start(job(cams[1], radius, center, undefined, budget), radius) : null] as const;
      let [first, second] = startPair();
      // The first view decides the scale: widen while the object runs off the image.
      for (let w = 0; w < (groundClick ? 0 : maxWiden); w++) {
        const f = await first;
        if (!(f.report.used && borderCoverage(f.mask, f.view.width, f.view.height) > 0.02)) break;
        radius *= WIDEN;
        cams = chooseViews(g, anchorId, { ...plan, radius }, size.width, size.height);
        [first, second] = startPair();
      }
      if (!parallel) await first;
      objectViews = [first];
      for (let i = 1; i < cams.length; i++) {
        const v = i === 1 && second ? second : start(job(cams[i]!, radius, center, undefined, budget), radius);
        if (!parallel) await v;
        objectViews.push(v);
      }
    }
    if (userView) {
      const v = await userView;
      keepPrimary(v);
      vote(v);
    }
    for (let i = 0; i < objectViews.length; i++) {
      const v = await objectViews[i]!;
      if (i === 0) keepPrimary(v);
      vote(v);
    }

    const t = performance.now();
    const refineOptions: RefineOptions = {
      ...DEFAULT_REFINE,
      ...this.options.refine,
      positives: positives.map((a) => a.id),
      negatives: anchors.filter((a) => !a.positive).map((a) => a.id),
    };
    const refined = this.scene.kind === 'mesh' ? refineMesh(this.scene.mesh, g, votes, refineOptions) : refine(g, votes, refineOptions);
    // A closed canopy lifts as one mass: keep the clicked crown (lift/crowns.ts).
    const kept = (input.crowns ?? this.options.crowns) && this.scene.kind === 'points' ? splitCrowns(g, refined.ids, refined.confidence, refineOptions) : refined;
    const { ids, confidence } = withAnchors(kept.ids, kept.confidence, positives.map((a) => a.id));
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

/**
 * The element drawn at the mask pixel farthest from the mask's border (two-pass chamfer distance),
 * or -1 for an empty mask: the point (or face) most surely inside the object.
 */
export function interiorElement(view: RenderedView, mask: Uint8Array): number {
  const W = view.width;
  const H = view.height;
  const d = new Float32Array(W * H);
  for (let p = 0; p < W * H; p++) d[p] = mask[p] && view.id[p]! >= 0 ? Infinity : 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      if (d[p] === 0) continue;
      const up = y > 0 ? d[p - W]! : 0;
      const left = x > 0 ? d[p - 1]! : 0;
      d[p] = Math.min(d[p]!, up + 1, left + 1);
    }
  let best = -1;
  let bestD = 0;
  for (let y = H - 1; y >= 0; y--)
    for (let x = W - 1; x >= 0; x--) {
      const p = y * W + x;
      if (d[p] === 0) continue;
      const down = y < H - 1 ? d[p + W]! : 0;
      const right = x < W - 1 ? d[p + 1]! : 0;
      d[p] = Math.min(d[p]!, down + 1, right + 1);
      if (d[p]! > bestD) {
        bestD = d[p]!;
        best = p;
      }
    }
  return best >= 0 ? view.id[best]! : -1;
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
