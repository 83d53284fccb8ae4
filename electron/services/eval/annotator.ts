import type { PreparedScan } from '../propagation/prepare';
import { propagate, type PropagationInput } from '../propagation/propagate';
import type { ClickEngine } from '../segmentation/clickEngine';
import { NO_LABEL } from './protocol/metrics';

export interface ClickTiming {
  /** Click -> preview (render, segment, lift, fuse, refine). */
  segment: number;
  propagate: number;
  total: number;
  /** Points the click labelled itself (the accepted preview, or 1). */
  labeled: number;
}

/**
 * Something a simulated user labels a scan with, one click at a time. Classes are the run's class
 * indices (0..K-1); labels() holds a class index or NO_LABEL per point.
 */
export interface SemanticAnnotator {
  readonly name: string;
  click(point: number, cls: number): Promise<ClickTiming>;
  labels(): Uint16Array;
}

/**
 * Label propagation as the annotator sees it: user labels in, predictions for the other points out
 * (class indices, NO_LABEL where nothing is predicted). `soft` marks user labels that came from an
 * accepted preview (1) rather than a clicked point (0): where the propagator revises one, its
 * class is in the output at that point; elsewhere a user-labelled point's output is NO_LABEL.
 */
export interface Propagator {
  update(userLabels: Uint16Array, soft?: Uint8Array): Promise<Uint16Array>;
}

/**
 * The propagation service (train on the user's labels, predict the rest, smooth over superpoints)
 * behind the Propagator seam. The service codes "unlabelled" as 0, so class index c travels as c + 1.
 */
export function servicePropagator(prepared: PreparedScan, options: Pick<PropagationInput, 'pointClassifier'> = {}): Propagator {
  const n = prepared.pointCount;
  const user = new Uint16Array(n);
  return {
    update(userLabels, soft) {
      for (let p = 0; p < n; p++) user[p] = userLabels[p] === NO_LABEL ? 0 : userLabels[p]! + 1;
      const result = propagate({ prepared, userLabels: user, locked: null, soft: soft ?? null, ...options });
      const out = new Uint16Array(n);
      const rev = result.revised;
      for (let p = 0; p < n; p++) {
        const c = rev && rev[p] !== 0 ? rev[p]! : result.classes[p]!;
        out[p] = c === 0 ? NO_LABEL : c - 1;
      }
      return Promise.resolve(out);
    },
  };
}

export interface ScanLabelAnnotatorOptions {
  /**
   * Pass the nearest earlier clicks of other classes as negative prompts (what a user does with
   * shift-click when a preview bleeds into something already labelled). Default true.
   */
  negatives?: boolean;
  /** At most this many negative prompts per click (the nearest). Default 8. */
  maxNegatives?: number;
  /**
   * What a preview may relabel among points the user labelled before with another class: 'all',
   * or 'nearer' (default): only points nearer to this click than to every earlier click of their
   * current class, the trim a careful user makes when a preview spills over earlier work.
   */
  overwrite?: 'all' | 'nearer';
}

/**
 * ScanLabel as the simulated user drives it: each click runs the click engine (views, segmenter,
 * lifting, fusion, refinement), the preview is accepted with the clicked point's class (it
 * relabels earlier user labels, except earlier clicked points of another class, which stay as the
 * user set them), then propagation predicts every point the user has not labelled.
 */
export class ScanLabelAnnotator implements SemanticAnnotator {
  readonly name = 'scanlabel';
  private readonly user: Uint16Array;
  private predicted: Uint16Array | null = null;
  private readonly clicks: { point: number; cls: number }[] = [];
  private readonly anchorClass = new Map<number, number>();

  constructor(
    private readonly engine: ClickEngine,
    private readonly positions: Float32Array,
    private readonly propagator: Propagator | null,
    private readonly options: ScanLabelAnnotatorOptions = {},
  ) {
    this.user = new Uint16Array(positions.length / 3).fill(NO_LABEL);
  }

  async click(point: number, cls: number): Promise<ClickTiming> {
    const t0 = performance.now();
    const negatives = this.options.negatives === false ? [] : this.nearestOtherClicks(point, cls, this.options.maxNegatives ?? 8);
    const preview = await this.engine.preview({ positives: [point], negatives });
    this.engine.cancel(preview.previewId);
    const t1 = performance.now();
    const nearer = this.options.overwrite !== 'all';
    let labeled = 0;
    const P = this.positions;
    const d2 = (a: number, b: number) =>
      (P[a * 3]! - P[b * 3]!) ** 2 + (P[a * 3 + 1]! - P[b * 3 + 1]!) ** 2 + (P[a * 3 + 2]! - P[b * 3 + 2]!) ** 2;
    for (const id of preview.ids) {
      const a = this.anchorClass.get(id);
      if (a !== undefined && a !== cls) continue;
      const old = this.user[id]!;
      if (nearer && old !== NO_LABEL && old !== cls) {
        // Keep the earlier label where an earlier click of that class is nearer than this one.
        const mine = d2(id, point);
        if (this.clicks.some((c) => c.cls === old && d2(id, c.point) < mine)) continue;
      }
      this.user[id] = cls;
      labeled++;
    }
    this.user[point] = cls;
    this.anchorClass.set(point, cls);
    this.clicks.push({ point, cls });
    if (this.propagator) {
      // Preview labels are soft (propagation may revise them); clicked points are the user's own word.
      const soft = new Uint8Array(this.user.length);
      for (let p = 0; p < soft.length; p++) soft[p] = this.user[p] !== NO_LABEL && !this.anchorClass.has(p) ? 1 : 0;
      this.predicted = await this.propagator.update(this.user, soft);
    }
    const t2 = performance.now();
    return { segment: t1 - t0, propagate: t2 - t1, total: t2 - t0, labeled };
  }

  labels(): Uint16Array {
    const out = this.user.slice();
    const pred = this.predicted;
    // The propagator's output is NO_LABEL on user labels it keeps and on clicked points.
    if (pred) for (let p = 0; p < out.length; p++) if (pred[p] !== NO_LABEL) out[p] = pred[p]!;
    return out;
  }

  private nearestOtherClicks(point: number, cls: number, max: number): number[] {
    const P = this.positions;
    const d2 = (q: number) =>
      (P[q * 3]! - P[point * 3]!) ** 2 + (P[q * 3 + 1]! - P[point * 3 + 1]!) ** 2 + (P[q * 3 + 2]! - P[point * 3 + 2]!) ** 2;
    // A negative whose refinement block (its voxel's 26 neighbours) reaches the positive's voxel
    // would veto the click itself: leave those out (Chebyshev distance <= 2 voxels).
    const grid = this.engine.scene.geometry.grid;
    const cp = grid.cellOfPoint[point]!;
    const near = (q: number) => {
      const cq = grid.cellOfPoint[q]!;
      return (
        Math.max(
          Math.abs(grid.cellI[cq]! - grid.cellI[cp]!),
          Math.abs(grid.cellJ[cq]! - grid.cellJ[cp]!),
          Math.abs(grid.cellK[cq]! - grid.cellK[cp]!),
        ) <= 2
      );
    };
    const others = [...new Set(this.clicks.filter((c) => c.cls !== cls && c.point !== point && !near(c.point)).map((c) => c.point))];
    return others
      .map((q) => ({ q, d: d2(q) }))
      .sort((a, b) => a.d - b.d || a.q - b.q)
      .slice(0, max)
      .map((x) => x.q);
  }
}

/**
 * The calibration baseline, the simplest labeler there is: a click labels the clicked point only,
 * and every other point takes the class of the nearest clicked point (Euclidean, ties to the
 * earlier click). Exact, updated in O(points) per click.
 */
export class NearestClickAnnotator implements SemanticAnnotator {
  readonly name = 'nearest-click';
  private readonly label: Uint16Array;
  private readonly dist: Float64Array;

  constructor(private readonly positions: Float32Array) {
    const n = positions.length / 3;
    this.label = new Uint16Array(n).fill(NO_LABEL);
    this.dist = new Float64Array(n).fill(Infinity);
  }

  click(point: number, cls: number): Promise<ClickTiming> {
    const t0 = performance.now();
    const P = this.positions;
    const x = P[point * 3]!;
    const y = P[point * 3 + 1]!;
    const z = P[point * 3 + 2]!;
    for (let p = 0; p < this.label.length; p++) {
      const d = (P[p * 3]! - x) ** 2 + (P[p * 3 + 1]! - y) ** 2 + (P[p * 3 + 2]! - z) ** 2;
      if (d < this.dist[p]!) {
        this.dist[p] = d;
        this.label[p] = cls;
      }
    }
    this.dist[point] = -1;
    this.label[point] = cls;
    const total = performance.now() - t0;
    return Promise.resolve({ segment: 0, propagate: total, total, labeled: 1 });
  }

  labels(): Uint16Array {
    return this.label.slice();
  }
}
