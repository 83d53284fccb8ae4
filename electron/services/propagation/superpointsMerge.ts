import { MinHeap } from '../segmentation/util/minHeap';
import { VoxelGrid } from './spatial/grid';

/**
 * Clean-up passes for sparse regions (thinned strips, scattered returns): the flood leaves one
 * superpoint per fine-voxel-connected fragment there, often of 1-3 points and touching nothing,
 * which starves the classifier's means and the smoothing graph. Small superpoints are merged into
 * the most similar superpoint touching them or, failing that, lying within `radius`; superpoints
 * that still touch nothing are linked to their best neighbour within `radius` by a weak edge.
 * Neither pass crosses the ground/object boundary by merging: only by a link.
 */
export interface MergeInput {
  positions: Float32Array;
  /** The fine grid the superpoints were grown on: its 27-cell neighbourhood defines "touching". */
  grid: VoxelGrid;
  /** RGB in [0, 1] per point, or null. */
  color: Float32Array | null;
  ground: Uint8Array;
}

export interface MergeOptions {
  /** Superpoints with fewer points are merged away where a same-flag superpoint is near. */
  minSize: number;
  /**
   * The same for superpoints that touch no other (fragments of sparse regions); larger, since a
   * small superpoint that touches others is usually a small object (a pole, a car at low density)
   * whose class would be lost by merging.
   */
  minIsolatedSize: number;
  /** How far (scan units) a fragment looks for a superpoint to join or link to. */
  radius: number;
  /** Distance scale of the cost (the seed spacing): colour and ground weights are in these units. */
  spacing: number;
  colorWeight: number;
  groundWeight: number;
}

/** Per-superpoint point lists, colour and ground sums: what the cost compares. */
class Groups {
  readonly start: Int32Array;
  readonly points: Int32Array;
  readonly size: Float64Array;
  readonly colour: Float64Array;
  readonly groundSum: Float64Array;

  constructor(input: MergeInput, of: Int32Array, count: number) {
    const n = of.length;
    this.size = new Float64Array(count);
    this.colour = new Float64Array(count * 3);
    this.groundSum = new Float64Array(count);
    this.start = new Int32Array(count + 1);
    for (let p = 0; p < n; p++) {
      const s = of[p]!;
      this.size[s]!++;
      this.groundSum[s]! += input.ground[p]!;
      if (input.color) for (let k = 0; k < 3; k++) this.colour[s * 3 + k]! += input.color[p * 3 + k]!;
      this.start[s + 1]!++;
    }
    for (let s = 0; s < count; s++) this.start[s + 1]! += this.start[s]!;
    const fill = this.start.slice(0, count);
    this.points = new Int32Array(n);
    for (let p = 0; p < n; p++) this.points[fill[of[p]!]!++] = p;
  }

  isGround(s: number): boolean {
    return this.groundSum[s]! * 2 >= this.size[s]!;
  }

  /** Cost of joining/linking s to t at squared distance d2: distance in spacings plus colour and ground-fraction differences. */
  cost(s: number, t: number, d2: number, o: MergeOptions): number {
    const ws = 1 / this.size[s]!;
    const wt = 1 / this.size[t]!;
    let dc = 0;
    for (let k = 0; k < 3; k++) dc += (this.colour[s * 3 + k]! * ws - this.colour[t * 3 + k]! * wt) ** 2;
    const dg = Math.abs(this.groundSum[s]! * ws - this.groundSum[t]! * wt);
    return Math.sqrt(d2) / o.spacing + o.colorWeight * Math.sqrt(dc) + o.groundWeight * dg;
  }

  absorb(into: number, from: number): void {
    this.size[into]! += this.size[from]!;
    this.groundSum[into]! += this.groundSum[from]!;
    for (let k = 0; k < 3; k++) this.colour[into * 3 + k]! += this.colour[from * 3 + k]!;
  }
}

/** Squared distance from point p to the nearest point of every other group within the 27 cells of p's cell in `grid` (and within r2). */
function nearestOthers(
  grid: VoxelGrid,
  positions: Float32Array,
  p: number,
  r2: number,
  groupOf: (q: number) => number,
  self: number,
  found: Map<number, number>,
): void {
  const x = positions[p * 3]!;
  const y = positions[p * 3 + 1]!;
  const z = positions[p * 3 + 2]!;
  grid.forEachNeighbourCell(grid.cellOfPoint[p]!, (c) => {
    for (let i = grid.cellStart[c]!; i < grid.cellStart[c + 1]!; i++) {
      const q = grid.order[i]!;
      const t = groupOf(q);
      if (t === self) continue;
      const d2 = (positions[q * 3]! - x) ** 2 + (positions[q * 3 + 1]! - y) ** 2 + (positions[q * 3 + 2]! - z) ** 2;
      if (d2 > r2) continue;
      const had = found.get(t);
      if (had === undefined || d2 < had) found.set(t, d2);
    }
  });
}

/**
 * Merges superpoints below `minSize` points, smallest first, into the cheapest same-ground-flag
 * superpoint that touches them (fine grid) or else lies within `radius`. Rewrites `of` with
 * possibly sparse ids (the caller compacts). `coarse` is a grid of the same points at edge `radius`.
 */
export function mergeSmallSuperpoints(input: MergeInput, coarse: VoxelGrid, of: Int32Array, count: number, options: MergeOptions): void {
  const { positions, grid } = input;
  const groups = new Groups(input, of, count);
  const parent = new Int32Array(count);
  for (let s = 0; s < count; s++) parent[s] = s;
  const find = (s: number): number => {
    let r = s;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[s] !== r) {
      const up = parent[s]!;
      parent[s] = r;
      s = up;
    }
    return r;
  };
  const groupOf = (q: number) => find(of[q]!);
  // Members of each root as a chain of original superpoints, to walk its points after merges.
  const nextMember = new Int32Array(count).fill(-1);
  const lastMember = new Int32Array(count);
  for (let s = 0; s < count; s++) lastMember[s] = s;

  const heap = new MinHeap(1024);
  const limit = Math.max(options.minSize, options.minIsolatedSize);
  for (let s = 0; s < count; s++) if (groups.size[s]! < limit) heap.push(groups.size[s]!, s);

  const found = new Map<number, number>();
  const r2 = options.radius * options.radius;
  const bestOf = (s: number): number => {
    const flag = groups.isGround(s);
    let best = -1;
    let bestCost = Infinity;
    for (const [t, d2] of found) {
      if (groups.isGround(t) !== flag) continue;
      const c = groups.cost(s, t, d2, options);
      if (c < bestCost) {
        bestCost = c;
        best = t;
      }
    }
    return best;
  };
  const search = (s: number, g: VoxelGrid, limit2: number) => {
    found.clear();
    for (let m = s; m >= 0; m = nextMember[m]!)
      for (let i = groups.start[m]!; i < groups.start[m + 1]!; i++) nearestOthers(g, positions, groups.points[i]!, limit2, groupOf, s, found);
  };

  while (heap.size > 0) {
    const key = heap.peekKey();
    const s = heap.pop();
    if (parent[s] !== s || groups.size[s]! >= limit) continue;
    // Grown by absorbing fragments since it was queued: requeue at its size, keeping smallest-first.
    if (groups.size[s] !== key) {
      heap.push(groups.size[s]!, s);
      continue;
    }
    search(s, grid, Infinity);
    const touches = found.size > 0;
    if (groups.size[s]! >= (touches ? options.minSize : options.minIsolatedSize)) continue;
    let t = bestOf(s);
    if (t < 0) {
      search(s, coarse, r2);
      t = bestOf(s);
    }
    if (t < 0) continue;
    parent[s] = t;
    groups.absorb(t, s);
    nextMember[lastMember[t]!] = s;
    lastMember[t] = lastMember[s]!;
  }
  for (let p = 0; p < of.length; p++) of[p] = find(of[p]!);
}

/**
 * For every superpoint that touches no other (`touching[s]` is 0), the cheapest superpoint within
 * `radius` (any ground flag; the cost counts the difference), as [s, t] pairs: weak graph edges
 * so smoothing still reaches fragments separated by a gap wider than a fine voxel.
 */
export function linkIsolated(
  input: MergeInput,
  coarse: VoxelGrid,
  of: Int32Array,
  count: number,
  touching: Uint8Array,
  options: MergeOptions,
): [number, number][] {
  const links: [number, number][] = [];
  let any = false;
  for (let s = 0; s < count; s++) if (!touching[s]) any = true;
  if (!any) return links;
  const groups = new Groups(input, of, count);
  const found = new Map<number, number>();
  const groupOf = (q: number) => of[q]!;
  const r2 = options.radius * options.radius;
  for (let s = 0; s < count; s++) {
    if (touching[s]) continue;
    found.clear();
    for (let i = groups.start[s]!; i < groups.start[s + 1]!; i++) nearestOthers(coarse, input.positions, groups.points[i]!, r2, groupOf, s, found);
    let best = -1;
    let bestCost = Infinity;
    for (const [t, d2] of found) {
      const c = groups.cost(s, t, d2, options);
      if (c < bestCost) {
        bestCost = c;
        best = t;
      }
    }
    if (best >= 0) links.push([s, best]);
  }
  return links;
}

/** The points again at the merge radius: one 27-cell neighbourhood covers every point within it. */
export function radiusGrid(positions: Float32Array, fine: VoxelGrid, radius: number): VoxelGrid {
  return new VoxelGrid(positions, Math.max(radius, fine.cellSize), fine.min);
}
