import { project, type Camera, type Vec3 } from '../../../../common/geometry/camera';
import { ServiceFailure } from '../../../../common/result';
import { ClickEngine, type ClickEngineOptions, type ClickInput, type ClickLabelEdit, type Preview } from '../clickEngine';
import { DEFAULT_PLAN } from '../lift/views';
import { defaultRenderThreads, sharedRenderPool } from '../render/renderPool';
import type { Segmenter } from '../segmenters/segmenter';
import type { OctreePointSource } from './octreePointSource';
import { expandToFullResolution, mergeSorted } from './fullResolution';
import { DEFAULT_WINDOW_POINTS, loadClickWindow, windowElementOf, type ClickWindow } from './octreeWindow';

export interface OctreeClickOptions extends ClickEngineOptions {
  /** Radius (scan units) of the neighbourhood loaded around a click; default 1.5x the largest view radius. */
  windowRadius?: number;
  /** Most points loaded per window (default 600k); denser neighbourhoods are read at a coarser level. */
  windowPointBudget?: number;
  /**
   * Position of a scan point index, when the caller has it (the viewer sent the click from loaded
   * nodes, or the scan is in memory). Without it clicked points are looked up in the octree's nodes
   * (a pass over the node index blocks).
   */
  locate?: (id: number) => Vec3 | null;
  /**
   * When the window had to stop above the leaves, give the preview's verdict to the deeper points
   * too (nearest loaded point; read node by node). Default true; false labels loaded points only.
   */
  fullResolution?: boolean;
}

/** Points per window are local slots below 2^21, so (scan id, slot) pairs pack into one float64 sort key. */
const SLOT_BITS = 2 ** 21;

/**
 * Click -> preview -> accept on a scan read through its LOD octree (OctreePointSource): each click
 * loads the neighbourhood it needs (a ClickWindow: the points around the click at the finest level
 * within the budget), and an ordinary ClickEngine renders, segments, lifts and refines on it.
 * Previews are translated back to scan point indices. The window stays while later clicks fall
 * in its middle half, so a run of clicks on one block loads it once.
 */
export class OctreeClickEngine {
  private current: { window: ClickWindow; engine: ClickEngine } | null = null;
  private readonly previews = new Map<string, Preview>();
  private nextId = 1;
  /** Milliseconds the last preview spent loading its window (0 when it reused one). */
  lastWindowMs = 0;
  /** Milliseconds the last preview spent carrying a coarse window's result to full resolution (0 for full windows). */
  lastExpandMs = 0;

  constructor(
    readonly scanId: string,
    readonly source: OctreePointSource,
    private segmenter: Segmenter,
    private readonly options: OctreeClickOptions = {},
  ) {}

  get window(): ClickWindow | null {
    return this.current?.window ?? null;
  }

  setSegmenter(segmenter: Segmenter): void {
    this.segmenter = segmenter;
    this.current?.engine.setSegmenter(segmenter);
  }

  /** How views are rendered, as ClickEngine.renderMode says it, plus where the points come from. */
  async renderMode(): Promise<string> {
    const threads = this.options.renderThreads ?? defaultRenderThreads();
    const pool = threads > 0 ? await sharedRenderPool(threads) : null;
    const mode = pool ? `${pool.threads} render worker${pool.threads === 1 ? '' : 's'}` : `in-thread (${threads === 0 ? 'renderThreads: 0' : 'render workers could not start'})`;
    return `${mode}, octree source`;
  }

  async preview(input: ClickInput): Promise<Preview> {
    const t0 = performance.now();
    const negatives = input.negatives ?? [];
    for (const id of [...input.positives, ...negatives])
      if (!Number.isInteger(id) || id < 0 || id >= this.source.pointCount) throw new ServiceFailure('invalid_params', `click id ${id} is outside the scan (0..${this.source.pointCount - 1})`);
    if (input.positives.length === 0 && !input.box) throw new ServiceFailure('invalid_params', 'a click set needs a positive click or a box');
    if (input.box && !input.camera) throw new ServiceFailure('invalid_params', 'a box needs the camera it was drawn in');
    const ids = [...new Set([...input.positives, ...negatives])];
    const where = await this.locate(ids);
    const center = input.positives.length > 0 ? where.get(input.positives[0]!)! : await this.boxCenter(input.camera!, input.box!);
    if (!center) throw new ServiceFailure('invalid_params', 'the box holds no points of the scan');

    const radius = this.options.windowRadius ?? 1.5 * (this.options.plan?.radius ?? DEFAULT_PLAN.radius);
    let cur = this.current;
    const fits = (w: ClickWindow) => dist(w.center, center) <= w.radius / 2 && ids.every((id) => windowElementOf(w, id) >= 0);
    this.lastWindowMs = 0;
    this.lastExpandMs = 0;
    if (!cur || !fits(cur.window)) {
      const t = performance.now();
      this.current = null; // drop the old window (and its geometry) before building the next
      const anchors = ids.map((id) => ({ id, position: where.get(id)! }));
      const window = await loadClickWindow(this.source, this.scanId, center, radius, { pointBudget: this.options.windowPointBudget ?? DEFAULT_WINDOW_POINTS, anchors });
      cur = { window, engine: new ClickEngine(window.scene, this.segmenter, { ...this.options, sink: undefined }) };
      this.current = cur;
      this.lastWindowMs = performance.now() - t;
    }
    const w = cur.window;
    const local = (id: number) => windowElementOf(w, id);
    const inner = await cur.engine.preview({ ...input, positives: input.positives.map(local), negatives: negatives.map(local) });
    cur.engine.cancel(inner.previewId);

    let { ids: scanIds, confidence } = toScanIds(w.ids, inner.ids, inner.confidence);
    if (!w.full && this.options.fullResolution !== false) {
      const t = performance.now();
      const added = await expandToFullResolution(this.source, w, inner.ids, inner.confidence);
      ({ ids: scanIds, confidence } = mergeSorted({ ids: scanIds, confidence }, added));
      this.lastExpandMs = performance.now() - t;
    }
    const previewId = `o${this.nextId++}`;
    const preview: Preview = {
      ...inner,
      previewId,
      scanId: this.scanId,
      anchors: inner.anchors.map((a) => ({ ...a, id: w.ids[a.id]! })),
      ids: scanIds,
      confidence,
      timings: { ...inner.timings, total: performance.now() - t0 },
    };
    this.previews.set(previewId, preview);
    return preview;
  }

  async accept(previewId: string, classCode: number): Promise<ClickLabelEdit> {
    const p = this.previews.get(previewId);
    if (!p) throw new ServiceFailure('not_found', `no preview ${previewId} (accepted or cancelled already?)`);
    if (!Number.isInteger(classCode) || classCode < 0 || classCode > 65535) throw new ServiceFailure('invalid_params', `class code ${classCode} must be an integer 0..65535`);
    const edit: ClickLabelEdit = { kind: 'click-label', scanId: p.scanId, target: p.target, classCode, ids: p.ids, confidence: p.confidence, anchors: p.anchors, box: p.box, segmenter: p.segmenter };
    await this.options.sink?.(edit);
    this.previews.delete(previewId);
    return edit;
  }

  cancel(previewId: string): boolean {
    return this.previews.delete(previewId);
  }

  /** Positions of clicked points: from the caller when it knows them, else from the octree. */
  private async locate(ids: number[]): Promise<Map<number, Vec3>> {
    const out = new Map<number, Vec3>();
    const missing: number[] = [];
    for (const id of ids) {
      const p = this.options.locate?.(id) ?? null;
      if (p) out.set(id, p);
      else missing.push(id);
    }
    if (missing.length > 0) for (const [id, p] of await this.source.findPoints(missing)) out.set(id, p);
    for (const id of ids) if (!out.has(id)) throw new ServiceFailure('invalid_params', `point ${id} is not in the scan's octree`);
    return out;
  }

  /**
   * Where a box without a click points: the coarse levels' points projected into the camera, those
   * inside the box, the median position of the nearer half (the object the box frames, not what
   * shows behind it). Null when the box holds none.
   */
  private async boxCenter(camera: Camera, box: NonNullable<ClickInput['box']>): Promise<Vec3 | null> {
    const spacing = this.source.spacingOf(this.source.coarseLevel(200_000));
    await this.source.load(camera.eye, Infinity, spacing);
    const hits: { depth: number; p: Vec3 }[] = [];
    this.source.visitNear(
      camera.eye,
      Infinity,
      (chunk, start, end) => {
        const P = chunk.positions;
        for (let s = start; s < end; s++) {
          const p: Vec3 = [P[s * 3]!, P[s * 3 + 1]!, P[s * 3 + 2]!];
          const q = project(camera, p);
          if (q && q.u >= box.x0 && q.u <= box.x1 && q.v >= box.y0 && q.v <= box.y1) hits.push({ depth: q.depth, p });
        }
      },
      spacing,
    );
    if (hits.length === 0) return null;
    hits.sort((a, b) => a.depth - b.depth);
    const near = hits.slice(0, Math.max(1, Math.ceil(hits.length / 2)));
    const median = (k: number) => near.map((h) => h.p[k]!).sort((a, b) => a - b)[near.length >> 1]!;
    return [median(0), median(1), median(2)];
  }
}

/** Window slots -> ascending scan point indices with their confidence (one native sort of packed keys). */
function toScanIds(windowIds: Uint32Array, slots: Uint32Array, conf: Float32Array): { ids: Uint32Array; confidence: Float32Array } {
  if (slots.length >= SLOT_BITS) {
    const order = Array.from(slots.keys()).sort((a, b) => windowIds[slots[a]!]! - windowIds[slots[b]!]!);
    return { ids: Uint32Array.from(order, (i) => windowIds[slots[i]!]!), confidence: Float32Array.from(order, (i) => conf[i]!) };
  }
  const keys = new Float64Array(slots.length);
  for (let i = 0; i < slots.length; i++) keys[i] = windowIds[slots[i]!]! * SLOT_BITS + i;
  keys.sort();
  const ids = new Uint32Array(slots.length);
  const confidence = new Float32Array(slots.length);
  for (let k = 0; k < keys.length; k++) {
    const i = keys[k]! % SLOT_BITS;
    ids[k] = windowIds[slots[i]!]!;
    confidence[k] = conf[i]!;
  }
  return { ids, confidence };
}

function dist(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
