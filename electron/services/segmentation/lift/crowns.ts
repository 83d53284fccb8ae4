import type { SceneGeometry } from '../scene/sceneGeometry';

/**
 * Crown-aware split of a lifted selection. In a closed canopy the views and the voxel refinement see
 * one connected mass of vegetation, so a click on one tree returned the whole canopy and negative
 * clicks could not split it. When the selection is canopy-like and spans several crowns, it is
 * segmented into crowns the way lidR's segment_trees does it on a canopy height model (CHM):
 * treetops = local maxima of a median-smoothed CHM (lmf: window 3 + 0.1 h or fixed), crowns =
 * marker-controlled watershed from the tops with Dalponte & Coomes' (2016) growth limits. The
 * CHM is built around the first click (so crowns do not change from click to click) and a tree
 * is the column of points under its crown cells. The first click's crown is kept; later clicks
 * reshape it locally (claimNearest).
 * Buildings, cars and ground are left alone: they are low, flat (a smooth CHM) or a single crown.
 */

export interface CrownOptions {
  /** Vegetation below this height above ground is not canopy (lidR's hmin), in scan units. */
  minHeight: number;
  /** Treetop window diameter = windowBase + windowPerHeight x height (lidR's lmf example: 3 + 0.1 h). */
  windowBase: number;
  windowPerHeight: number;
  /** The CHM must be at least this rough: median |cell - mean of its 8 neighbours| / cell edge. Roofs are ~0. */
  minRoughness: number;
  /** Split only when the kept crowns hold at most this share of the selection's canopy points. */
  maxKeptShare: number;
  /** Share of the points around the click that must be ground returns (a CHM needs ground under it). */
  minGroundShare: number;
  /** Fewer canopy points than this: nothing to split. */
  minCanopyPoints: number;
  /** 3x3 median passes over the CHM before treetops and watershed (branch tips are not treetops). */
  smoothPasses: number;
  /** Dalponte & Coomes' growth limits: a cell joins a crown above these shares of its top's height and of the crown's mean height. */
  seedShare: number;
  crownShare: number;
  /** Crown radius limit, in treetop windows of its top. */
  maxCrownWindows: number;
  /** How far an anchor reaches (plan), in treetop windows: a click fixes the region around it, not half a crown. */
  anchorReach: number;
  /** CHM cell edge; 0 = from the canopy's point density (one point per cell). */
  cell: number;
  /** Half the side of the square of canopy segmented around the first click, in treetop windows. */
  regionWindows: number;
}

export const DEFAULT_CROWNS: CrownOptions = {
  minHeight: 2,
  windowBase: 4,
  windowPerHeight: 0,
  minRoughness: 0.25,
  maxKeptShare: 0.7,
  minGroundShare: 0.08,
  minCanopyPoints: 100,
  smoothPasses: 1,
  cell: 0,
  regionWindows: 3,
  seedShare: 0.45,
  crownShare: 0.55,
  maxCrownWindows: 2.5,
  anchorReach: 0.2,
};

/** Most CHM cells; a wider selection gets coarser cells. */
const MAX_CHM_CELLS = 4_000_000;

export interface CanopyModel {
  /** CHM cell edge and origin (lower x, y corner). */
  cell: number;
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Max height above ground per cell; -Infinity where empty. */
  chm: Float32Array;
  /** Per cell: crown index, -1 for none. */
  crown: Int32Array;
  /** Cell index of each crown's top. */
  tops: number[];
  roughness: number;
}

export interface CrownSplit {
  ids: Uint32Array;
  confidence: Float32Array;
  /** Crowns found in the selection (0 when the split did not apply) and why it did or did not. */
  crowns: number;
  reason: string;
}

/**
 * The selection (ascending original ids with their confidence) cut to the crowns of the positive
 * anchors, or returned as is (same arrays) when it is not a multi-crown canopy.
 */
export function splitCrowns(
  geometry: SceneGeometry,
  ids: Uint32Array,
  confidence: Float32Array,
  anchors: { positives: number[]; negatives: number[]; groundTolerance?: number },
  options: Partial<CrownOptions> = {},
): CrownSplit {
  const o = { ...DEFAULT_CROWNS, ...options };
  const same = (reason: string): CrownSplit => ({ ids, confidence, crowns: 0, reason });
  const hag = geometry.hag;
  if (!hag || anchors.positives.length === 0) return same('no terrain model or no positive anchor');
  // The first click says what the object is: a tree is clicked in its crown. Later positives may
  // be anywhere under a crown (its trunk, the ground below it).
  if (!(hag[geometry.slotOf(anchors.positives[0]!)]! >= o.minHeight)) return same('the first positive anchor is below canopy height');
  let canopy = 0;
  for (const id of ids) if (hag[geometry.slotOf(id)]! >= o.minHeight) canopy++;
  // Positives on the ground under the crown put refinement in ground mode: the selection is then
  // terrain, and the crowns are found around the first click instead.
  const groundSelection = canopy < o.minCanopyPoints;
  if (groundSelection && !anchors.positives.some((id) => !(hag[geometry.slotOf(id)]! >= o.minHeight)))
    return same('too few canopy points');
  // Crowns come from the canopy around the first click only, so they stay the same from click to click.
  const region = squareAround(geometry, anchors.positives[0]!, o);
  // A canopy height model needs ground returns under and between the crowns. Reference sets of
  // vegetation only (flanders-vle's woody edges: 2% of points at the fitted "ground") have none,
  // and their objects are whole hedges and edges, not crowns.
  const tol = anchors.groundTolerance ?? 0.3;
  let inRegion = 0;
  let ground = 0;
  forEachInBox(geometry, region, (s) => {
    inRegion++;
    if (!(hag[s]! >= tol)) ground++;
  });
  if (ground < o.minGroundShare * inRegion) return same(`no ground returns around the click (${ground} of ${inRegion})`);
  const model = canopyModel(geometry, region, o);
  if (model.roughness < o.minRoughness) return same(`smooth surface (roughness ${model.roughness.toFixed(2)})`);
  if (model.tops.length < 2) return same('one treetop');

  const P = geometry.positions;
  const crownOf = (id: number) => {
    const c = cellAtSlot(model, P, geometry.slotOf(id));
    return c >= 0 ? model.crown[c]! : -1;
  };
  const first = crownOf(anchors.positives[0]!);
  if (first < 0) return same('the first click is outside every crown');

  // "Much larger than one crown" is judged on the selection's canopy points.
  let keptCanopy = 0;
  for (const id of ids) if (hag[geometry.slotOf(id)]! >= o.minHeight && crownOf(id) === first) keptCanopy++;
  if (!groundSelection && anchors.negatives.length === 0 && anchors.positives.length === 1 && keptCanopy > o.maxKeptShare * canopy)
    return same('the selection is about one crown');

  // The clicked crown, reshaped by the other clicks: near an anchor (within anchorReach windows,
  // and nearer than the cell's own treetop) the anchor's sign wins. A click fixes about the error
  // region it was aimed at instead of adding or dropping whole crowns.
  const anchorCell = (id: number) => cellAtSlot(model, P, geometry.slotOf(id));
  const inside = claimNearest(
    model,
    first,
    [
      ...anchors.positives.slice(1).map((id) => ({ cell: anchorCell(id), inside: true })),
      ...anchors.negatives.map((id) => ({ cell: anchorCell(id), inside: false })),
    ],
    (o.anchorReach * (o.windowBase + o.windowPerHeight * model.chm[model.tops[first]!]!)) / model.cell,
  );

  // A tree is the column under its crown: trunk and understory too, which no view showed inside
  // the canopy. Ground below it only when a positive anchor is on that ground.
  const withGround = anchors.positives.some((id) => !(hag[geometry.slotOf(id)]! >= tol) && inside[anchorCell(id)] === 1);
  const conf = new Map<number, number>();
  for (let k = 0; k < ids.length; k++) conf.set(ids[k]!, confidence[k]!);
  const out: number[] = [];
  const order = geometry.grid.order;
  forEachInBox(geometry, region, (s) => {
    const c = cellAtSlot(model, P, s);
    if (c < 0 || inside[c] !== 1) return;
    if (!(hag[s]! >= tol) && !withGround) return;
    out.push(order[s]!);
  });
  const outIds = Uint32Array.from(out).sort();
  const outConf = Float32Array.from(outIds, (id) => conf.get(id) ?? 0.5);
  return { ids: outIds, confidence: outConf, crowns: model.tops.length, reason: 'split' };
}

/** CHM cell of a point slot, -1 outside the model. */
function cellAtSlot(m: CanopyModel, P: Float32Array, s: number): number {
  const i = Math.floor((P[s * 3]! - m.x0) / m.cell);
  const j = Math.floor((P[s * 3 + 1]! - m.y0) / m.cell);
  return i >= 0 && j >= 0 && i < m.width && j < m.height ? j * m.width + i : -1;
}

/** Priority flood: each popped cell hands its label to its unlabelled canopy neighbours (8-connected). */
function flood(chm: Float32Array, w: number, h: number, label: Int32Array, heap: CellHeap, joins?: (label: number, cell: number) => boolean): void {
  while (heap.size > 0) {
    const c = heap.pop();
    const i = c % w;
    const j = (c - i) / w;
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const ii = i + di;
        const jj = j + dj;
        if (ii < 0 || jj < 0 || ii >= w || jj >= h) continue;
        const nb = jj * w + ii;
        if (label[nb] !== -1 || chm[nb] === -Infinity) continue;
        if (joins && !joins(label[c]!, nb)) continue;
        label[nb] = label[c]!;
        heap.push(nb);
      }
  }
}

/**
 * In/out per cell from the crowns (the clicked crown in, the others out), except where an anchor
 * is within `reach` cells and nearer (in plan) than the cell's own treetop: there the nearest such
 * anchor's sign wins.
 */
function claimNearest(m: CanopyModel, first: number, anchors: { cell: number; inside: boolean }[], reach: number): Int8Array {
  const w = m.width;
  const reach2 = reach * reach;
  const label = new Int8Array(w * m.height).fill(-1);
  const at = anchors.filter((a) => a.cell >= 0).map((a) => ({ i: a.cell % w, j: Math.floor(a.cell / w), inside: a.inside }));
  for (let c = 0; c < label.length; c++) {
    const k = m.crown[c]!;
    if (k < 0) continue;
    const i = c % w;
    const j = (c - i) / w;
    const t = m.tops[k]!;
    let best = (i - (t % w)) ** 2 + (j - Math.floor(t / w)) ** 2;
    let inside = k === first;
    for (const a of at) {
      const d = (i - a.i) ** 2 + (j - a.j) ** 2;
      if (d < best && d <= reach2) {
        best = d;
        inside = a.inside;
      }
    }
    label[c] = inside ? 1 : 0;
  }
  return label;
}

/** A plan rectangle (scan units). */
export interface PlanBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A square around an anchor, a few treetop windows wide (room for its crown and the neighbours'). */
function squareAround(geometry: SceneGeometry, id: number, o: CrownOptions): PlanBox {
  const [x, y] = geometry.position(id);
  const h = geometry.hag![geometry.slotOf(id)]!;
  const r = o.regionWindows * (o.windowBase + o.windowPerHeight * h);
  return { x0: x - r, y0: y - r, x1: x + r, y1: y + r };
}

/** Calls visit(slot) for every scene point in the plan box (whole voxel cells, then filtered). */
function forEachInBox(geometry: SceneGeometry, b: PlanBox, visit: (s: number) => void): void {
  const g = geometry.grid;
  const P = geometry.positions;
  for (let c = 0; c < g.cellCount; c++) {
    const cx = g.min[0] + g.cellI[c]! * g.cellSize;
    const cy = g.min[1] + g.cellJ[c]! * g.cellSize;
    if (cx > b.x1 || cy > b.y1 || cx + g.cellSize < b.x0 || cy + g.cellSize < b.y0) continue;
    for (let s = g.cellStart[c]!; s < g.cellStart[c + 1]!; s++) {
      const x = P[s * 3]!;
      const y = P[s * 3 + 1]!;
      if (x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1) visit(s);
    }
  }
}

/** CHM over the scene's canopy points in a plan box, its roughness, treetops and watershed crowns. */
export function canopyModel(geometry: SceneGeometry, box: PlanBox, options: Partial<CrownOptions> = {}): CanopyModel {
  const o = { ...DEFAULT_CROWNS, ...options };
  const hag = geometry.hag!;
  const P = geometry.positions;
  const slots: number[] = [];
  forEachInBox(geometry, box, (s) => {
    if (hag[s]! >= o.minHeight) slots.push(s);
  });
  const n = slots.length;
  // One canopy point per cell on average over the box: fine enough to see the gaps between crowns.
  const area = Math.max((box.x1 - box.x0) * (box.y1 - box.y0), 1e-9);
  let cell = o.cell > 0 ? o.cell : Math.sqrt(area / Math.max(1, n));
  cell = Math.max(cell, Math.sqrt(area / MAX_CHM_CELLS), 1e-6);
  // Cells on a fixed lattice (multiples of the edge), as a raster CHM has them.
  const x0 = Math.floor(box.x0 / cell) * cell;
  const y0 = Math.floor(box.y0 / cell) * cell;
  const width = Math.floor((box.x1 - x0) / cell) + 1;
  const height = Math.floor((box.y1 - y0) / cell) + 1;
  const chm = new Float32Array(width * height).fill(-Infinity);
  for (const s of slots) {
    const h = hag[s]!;
    const c = Math.floor((P[s * 3 + 1]! - y0) / cell) * width + Math.floor((P[s * 3]! - x0) / cell);
    if (h > chm[c]!) chm[c] = h;
  }
  fillPits(chm, width, height);
  const roughness = chmRoughness(chm, width, height) / cell;
  for (let k = 0; k < o.smoothPasses; k++) smooth(chm, width, height);
  const tops = treetops(chm, width, height, cell, o);
  const crown = watershed(chm, width, height, tops, cell, o);
  return { cell, x0, y0, width, height, chm, crown, tops, roughness };
}

/** Empty cells with at least 5 of 8 filled neighbours take their mean (a point-sparse cell inside a crown is not a gap). */
function fillPits(chm: Float32Array, w: number, h: number): void {
  const src = chm.slice();
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const c = j * w + i;
      if (src[c] !== -Infinity) continue;
      let sum = 0;
      let k = 0;
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          const jj = j + dj;
          if ((di === 0 && dj === 0) || ii < 0 || jj < 0 || ii >= w || jj >= h) continue;
          const v = src[jj * w + ii]!;
          if (v === -Infinity) continue;
          sum += v;
          k++;
        }
      if (k >= 5) chm[c] = sum / k;
    }
}

/** 3x3 median over filled cells; empty cells stay empty (they separate crowns). */
function smooth(chm: Float32Array, w: number, h: number): void {
  const src = chm.slice();
  const v: number[] = [];
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const c = j * w + i;
      if (src[c] === -Infinity) continue;
      v.length = 0;
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          const jj = j + dj;
          if (ii < 0 || jj < 0 || ii >= w || jj >= h) continue;
          const u = src[jj * w + ii]!;
          if (u !== -Infinity) v.push(u);
        }
      v.sort((x, y) => x - y);
      chm[c] = v[v.length >> 1]!;
    }
}

/** Median |cell - mean of its 8 neighbours| over cells whose 8 neighbours are all filled: ~0 on planes, large on crowns. */
function chmRoughness(chm: Float32Array, w: number, h: number): number {
  const d: number[] = [];
  for (let j = 1; j < h - 1; j++)
    for (let i = 1; i < w - 1; i++) {
      const c = j * w + i;
      if (chm[c] === -Infinity) continue;
      let sum = 0;
      let full = true;
      for (let dj = -1; dj <= 1 && full; dj++)
        for (let di = -1; di <= 1; di++) {
          if (di === 0 && dj === 0) continue;
          const v = chm[c + dj * w + di]!;
          if (v === -Infinity) {
            full = false;
            break;
          }
          sum += v;
        }
      if (full) d.push(Math.abs(chm[c]! - sum / 8));
    }
  if (d.length === 0) return 0;
  d.sort((a, b) => a - b);
  return d[d.length >> 1]!;
}

/**
 * Local maxima of the CHM in a circular window whose diameter grows with the cell's height.
 * Equal heights are ordered by cell index so a flat top yields one treetop, not one per cell.
 */
function treetops(chm: Float32Array, w: number, h: number, cell: number, o: CrownOptions): number[] {
  const tops: number[] = [];
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const c = j * w + i;
      const v = chm[c]!;
      if (!(v >= o.minHeight)) continue;
      const r = (o.windowBase + o.windowPerHeight * v) / 2 / cell;
      const rc = Math.floor(r);
      const r2 = r * r;
      let top = true;
      for (let dj = -rc; dj <= rc && top; dj++) {
        const jj = j + dj;
        if (jj < 0 || jj >= h) continue;
        for (let di = -rc; di <= rc; di++) {
          const ii = i + di;
          if (ii < 0 || ii >= w || di * di + dj * dj > r2) continue;
          const u = chm[jj * w + ii]!;
          const c2 = jj * w + ii;
          if (u > v || (u === v && c2 > c)) {
            top = false;
            break;
          }
        }
      }
      if (top) tops.push(c);
    }
  return tops;
}

/**
 * Marker-controlled watershed on the CHM: crowns grow from their tops into neighbouring canopy
 * cells, highest cell first, so two crowns meet in the valley between them.
 */
function watershed(chm: Float32Array, w: number, h: number, tops: number[], cell: number, o: CrownOptions): Int32Array {
  const crown = new Int32Array(w * h).fill(-1);
  const heap = new CellHeap(chm);
  const sum = new Float64Array(tops.length);
  const count = new Int32Array(tops.length);
  tops.forEach((c, k) => {
    crown[c] = k;
    sum[k] = chm[c]!;
    count[k] = 1;
    heap.push(c);
  });
  const joins = (k: number, nb: number): boolean => {
    const top = tops[k]!;
    const v = chm[nb]!;
    if (v <= o.seedShare * chm[top]! || v <= (o.crownShare * sum[k]!) / count[k]!) return false;
    const r = (o.maxCrownWindows * (o.windowBase + o.windowPerHeight * chm[top]!)) / cell;
    const di = (nb % w) - (top % w);
    const dj = Math.floor(nb / w) - Math.floor(top / w);
    if (di * di + dj * dj > r * r) return false;
    sum[k]! += v;
    count[k]!++;
    return true;
  };
  flood(chm, w, h, crown, heap, joins);
  return crown;
}

/** Max-heap of cell indices keyed by CHM height (ties: lower index first, for determinism). */
class CellHeap {
  private items: number[] = [];
  constructor(private readonly key: Float32Array) {}
  get size(): number {
    return this.items.length;
  }
  private above(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka > kb || (ka === kb && a < b);
  }
  push(c: number): void {
    const a = this.items;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.above(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.above(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
