import { CellHash } from '../segmentation/spatial/cellHash';
import { MinHeap } from '../segmentation/util/minHeap';
import type { CellShape } from './features/eigen';
import { symmetricEigen3 } from './features/eigen3';
import type { VoxelGrid } from './spatial/grid';
import { linkIsolated, mergeSmallSuperpoints, radiusGrid, type MergeOptions } from './superpointsMerge';

/** An over-segmentation of the points into small homogeneous pieces plus their adjacency graph. */
export interface Superpoints {
  count: number;
  /** Superpoint of each point. */
  of: Int32Array;
  size: Uint32Array;
  /** Mean position, 3 per superpoint (scan-local frame). */
  centroid: Float32Array;
  /** Adjacency in CSR form: neighbours of s are neighbours[offsets[s] .. offsets[s + 1]). */
  offsets: Int32Array;
  neighbours: Int32Array;
  /** Number of touching voxel-cell pairs: a measure of shared boundary length. */
  weights: Float32Array;
}

export interface SuperpointOptions {
  /** Wanted points per superpoint. Default 120 (the issue asks for ~50-300). */
  targetSize?: number;
  /** Point-level boundary refinement passes. Default 1 (a second pass gains little purity for its cost). */
  refine?: number;
  /** Superpoints below this many points are merged into a similar one nearby. Default targetSize / 12. */
  minSize?: number;
  /** The same for superpoints that touch no other (sparse fragments). Default targetSize / 4. */
  minIsolatedSize?: number;
}

export interface SuperpointInput {
  positions: Float32Array;
  grid: VoxelGrid;
  shape: CellShape;
  /** RGB in [0, 1] per point, or null. */
  color: Float32Array | null;
  /** 1 = ground point (from the ground filter). */
  ground: Uint8Array;
}

// Costs are in "seed spacings": crossing a crease (normal flip), a colour edge or the ground
// boundary costs as much as travelling ~2 seed spacings, so regions stop at those edges first.
const W_NORMAL = 2;
const W_COLOR = 3;
const W_GROUND = 3;
/** Fragments look for a superpoint to join (or link to) within this many seed spacings. */
const MERGE_RADIUS = 3;
/** Sparse seed voxels are pooled up to 2^SEED_LEVELS times the seed spacing. */
const SEED_LEVELS = 2;

/**
 * Voxel-cloud-connectivity style superpoints (after Papon et al. 2013, VCCS): seeds on a coarse grid
 * whose edge adapts to density (about `targetSize` points per seed), flooded over the fine voxel
 * adjacency with a geodesic cost that grows across normal, colour and ground/non-ground edges; then
 * SLIC-like passes move each point to the best superpoint among its neighbouring cells, using the
 * point's own distance to the superpoint's plane, colour and ground flag (fixes mixed boundary
 * cells, e.g. a car's underside sharing voxels with the road). Sparse regions (thinned strips,
 * scattered returns) get pooled, wider-spaced seeds, and their leftover fragments are merged into a
 * similar same-ground-flag superpoint nearby or linked to one (superpointsMerge.ts).
 */
export function buildSuperpoints(input: SuperpointInput, options: SuperpointOptions = {}): Superpoints {
  const { positions, grid, shape, color, ground } = input;
  const n = positions.length / 3;
  const cells = grid.cellCount;
  const target = options.targetSize ?? 120;

  // Per-cell centroid, colour and ground fraction.
  const cc = new Float32Array(cells * 3);
  const ccol = new Float32Array(cells * 3);
  const cground = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    const s0 = grid.cellStart[c]!;
    const s1 = grid.cellStart[c + 1]!;
    for (let s = s0; s < s1; s++) {
      const p = grid.order[s]!;
      for (let k = 0; k < 3; k++) {
        cc[c * 3 + k]! += positions[p * 3 + k]!;
        if (color) ccol[c * 3 + k]! += color[p * 3 + k]!;
      }
      cground[c]! += ground[p]!;
    }
    const inv = 1 / (s1 - s0);
    for (let k = 0; k < 3; k++) {
      cc[c * 3 + k]! *= inv;
      ccol[c * 3 + k]! *= inv;
    }
    cground[c]! *= inv;
  }

  const seedEdge = grid.cellSize * Math.sqrt(Math.max(1, target / Math.max(1, n / Math.max(1, cells))));
  const minSize = options.minSize ?? Math.round(target / 12);
  const minIsolatedSize = options.minIsolatedSize ?? Math.round(target / 4);
  // Only the sparsest seed voxels (under a 12th of the target) are pooled: pooling all under a
  // quarter lowered purity on nebraska-3dep and its simulated-annotator mIoU@50 (0.78 -> 0.71).
  const cellSp = floodCells(grid, cc, ccol, cground, shape.normal, seedEdge, minSize);

  const of = new Int32Array(n);
  for (let p = 0; p < n; p++) of[p] = cellSp[grid.cellOfPoint[p]!]!;
  let count = 0;
  for (let c = 0; c < cells; c++) count = Math.max(count, cellSp[c]! + 1);

  for (let pass = 0; pass < (options.refine ?? 1); pass++) refinePoints(input, of, count, cellSp, seedEdge);
  count = compact(of);

  const merge: MergeOptions = {
    minSize,
    minIsolatedSize,
    radius: MERGE_RADIUS * seedEdge,
    spacing: seedEdge,
    colorWeight: W_COLOR,
    groundWeight: W_GROUND,
  };
  const mergeInput = { positions, grid, color, ground };
  let coarse: VoxelGrid | null = null;
  const coarseGrid = () => (coarse ??= radiusGrid(positions, grid, merge.radius));
  if (hasSmall(of, count, Math.max(minSize, minIsolatedSize))) {
    mergeSmallSuperpoints(mergeInput, coarseGrid(), of, count, merge);
    count = compact(of);
  }
  const edges = touchingEdges(grid, of, count);
  const touching = new Uint8Array(count);
  for (const key of edges.keys()) {
    touching[Math.floor(key / count)] = 1;
    touching[key % count] = 1;
  }
  if (touching.includes(0))
    for (const [a, b] of linkIsolated(mergeInput, coarseGrid(), of, count, touching, merge)) {
      const key = a < b ? a * count + b : b * count + a;
      if (!edges.has(key)) edges.set(key, 1);
    }
  return summarize(positions, of, count, edges);
}

function hasSmall(of: Int32Array, count: number, minSize: number): boolean {
  const size = new Uint32Array(count);
  for (let p = 0; p < of.length; p++) size[of[p]!]!++;
  return size.some((v) => v < minSize);
}

/**
 * One seed per occupied seed voxel (the cell nearest its centre), where the voxel holds at least
 * `minPoints`; the cells of sparser voxels are pooled into voxels of twice the edge, up to
 * 2^SEED_LEVELS times: a thinned strip or a lone line of returns gets seeds far enough apart to
 * grow superpoints of a useful size instead of one per few points.
 */
function adaptiveSeeds(grid: VoxelGrid, cc: Float32Array, seedEdge: number, minPoints: number): number[] {
  const seeds: number[] = [];
  let pending = new Int32Array(grid.cellCount);
  for (let c = 0; c < pending.length; c++) pending[c] = c;
  for (let level = 0; pending.length > 0; level++) {
    const inv = 1 / (seedEdge * 2 ** level);
    const voxels = new CellHash(Math.max(16, pending.length >> 3));
    const best: number[] = [];
    const bestDist: number[] = [];
    const points: number[] = [];
    const voxelOf = new Int32Array(pending.length);
    for (let x = 0; x < pending.length; x++) {
      const c = pending[x]!;
      const fx = cc[c * 3]! * inv;
      const fy = cc[c * 3 + 1]! * inv;
      const fz = cc[c * 3 + 2]! * inv;
      const i = Math.floor(fx);
      const j = Math.floor(fy);
      const k = Math.floor(fz);
      const d = (fx - i - 0.5) ** 2 + (fy - j - 0.5) ** 2 + (fz - k - 0.5) ** 2;
      const v = voxels.getOrInsert(i, j, k, best.length);
      voxelOf[x] = v;
      if (v === best.length) {
        best.push(c);
        bestDist.push(d);
        points.push(0);
      } else if (d < bestDist[v]!) {
        best[v] = c;
        bestDist[v] = d;
      }
      points[v]! += grid.cellStart[c + 1]! - grid.cellStart[c]!;
    }
    const last = level === SEED_LEVELS;
    const next: number[] = [];
    for (let v = 0; v < best.length; v++) if (last || points[v]! >= minPoints) seeds.push(best[v]!);
    if (!last) for (let x = 0; x < pending.length; x++) if (points[voxelOf[x]!]! < minPoints) next.push(pending[x]!);
    pending = Int32Array.from(next);
  }
  return seeds;
}

function floodCells(
  grid: VoxelGrid,
  cc: Float32Array,
  ccol: Float32Array,
  cground: Float32Array,
  normal: Float32Array,
  seedEdge: number,
  minSeedPoints: number,
): Int32Array {
  const cells = grid.cellCount;
  const label = new Int32Array(cells).fill(-1);
  const best = new Float32Array(cells).fill(Infinity);
  const heap = new MinHeap(Math.max(1024, cells));
  let next = 0;

  const seedCell = adaptiveSeeds(grid, cc, seedEdge, minSeedPoints);
  const inv = 1 / seedEdge;
  const push = (c: number) => {
    label[c] = next++;
    best[c] = 0;
    heap.push(0, c);
  };
  for (const c of seedCell) push(c);

  let from = 0;
  const relax = (nb: number) => {
    if (nb === from) return;
    const dx = cc[nb * 3]! - cc[from * 3]!;
    const dy = cc[nb * 3 + 1]! - cc[from * 3 + 1]!;
    const dz = cc[nb * 3 + 2]! - cc[from * 3 + 2]!;
    const dot = normal[nb * 3]! * normal[from * 3]! + normal[nb * 3 + 1]! * normal[from * 3 + 1]! + normal[nb * 3 + 2]! * normal[from * 3 + 2]!;
    const cr = ccol[nb * 3]! - ccol[from * 3]!;
    const cg = ccol[nb * 3 + 1]! - ccol[from * 3 + 1]!;
    const cb = ccol[nb * 3 + 2]! - ccol[from * 3 + 2]!;
    const cost =
      best[from]! +
      Math.sqrt(dx * dx + dy * dy + dz * dz) * inv +
      W_NORMAL * (1 - Math.abs(dot)) +
      W_COLOR * Math.sqrt(cr * cr + cg * cg + cb * cb) +
      W_GROUND * Math.abs(cground[nb]! - cground[from]!);
    if (cost < best[nb]!) {
      best[nb] = cost;
      label[nb] = label[from]!;
      heap.push(cost, nb);
    }
  };
  const drain = () => {
    while (heap.size > 0) {
      const key = heap.peekKey();
      const c = heap.pop();
      if (key > best[c]!) continue;
      from = c;
      grid.forEachNeighbourCell(c, relax);
    }
  };
  drain();
  // Components that received no seed (their seed voxel's cell lay in another component) get their own.
  for (let c = 0; c < cells; c++)
    if (label[c]! < 0) {
      push(c);
      drain();
    }
  return label;
}

/** Plane, colour and ground fraction of every superpoint, then each point to its cheapest neighbouring superpoint. */
function refinePoints(input: SuperpointInput, of: Int32Array, count: number, cellSp: Int32Array, seedEdge: number) {
  const { positions, grid, color, ground } = input;
  const n = of.length;
  const acc = new Float64Array(count * 14);
  for (let p = 0; p < n; p++) {
    const o = of[p]! * 14;
    const x = positions[p * 3]!;
    const y = positions[p * 3 + 1]!;
    const z = positions[p * 3 + 2]!;
    acc[o]! += 1;
    acc[o + 1]! += x;
    acc[o + 2]! += y;
    acc[o + 3]! += z;
    acc[o + 4]! += x * x;
    acc[o + 5]! += x * y;
    acc[o + 6]! += x * z;
    acc[o + 7]! += y * y;
    acc[o + 8]! += y * z;
    acc[o + 9]! += z * z;
    if (color) {
      acc[o + 10]! += color[p * 3]!;
      acc[o + 11]! += color[p * 3 + 1]!;
      acc[o + 12]! += color[p * 3 + 2]!;
    }
    acc[o + 13]! += ground[p]!;
  }
  // Per superpoint: centroid (3), plane normal (3), colour (3), ground fraction (1).
  const st = new Float32Array(count * 10);
  const cov = new Float64Array(6);
  const values = new Float64Array(3);
  const vectors = new Float64Array(9);
  for (let s = 0; s < count; s++) {
    const o = s * 14;
    const w = acc[o]!;
    if (w === 0) continue;
    const mx = acc[o + 1]! / w;
    const my = acc[o + 2]! / w;
    const mz = acc[o + 3]! / w;
    cov[0] = acc[o + 4]! / w - mx * mx;
    cov[1] = acc[o + 5]! / w - mx * my;
    cov[2] = acc[o + 6]! / w - mx * mz;
    cov[3] = acc[o + 7]! / w - my * my;
    cov[4] = acc[o + 8]! / w - my * mz;
    cov[5] = acc[o + 9]! / w - mz * mz;
    symmetricEigen3(cov, values, vectors);
    const t = s * 10;
    st[t] = mx;
    st[t + 1] = my;
    st[t + 2] = mz;
    // A superpoint too small for a plane gets a zero normal (no plane term).
    const flat = w >= 4 && values[2]! < 0.25 * values[1]!;
    st[t + 3] = flat ? vectors[6]! : 0;
    st[t + 4] = flat ? vectors[7]! : 0;
    st[t + 5] = flat ? vectors[8]! : 0;
    st[t + 6] = acc[o + 10]! / w;
    st[t + 7] = acc[o + 11]! / w;
    st[t + 8] = acc[o + 12]! / w;
    st[t + 9] = acc[o + 13]! / w;
  }
  const inv2 = 1 / (seedEdge * seedEdge);
  const planeInv2 = 1 / (grid.cellSize * grid.cellSize);
  const candidates = new Int32Array(27);
  let m = 0;
  const collect = (nb: number) => {
    const s = cellSp[nb]!;
    for (let i = 0; i < m; i++) if (candidates[i] === s) return;
    candidates[m++] = s;
  };
  // Candidates are the flood's superpoints of the 27 cells around the point's cell: gathered once per cell.
  for (let c = 0; c < grid.cellCount; c++) {
    m = 0;
    grid.forEachNeighbourCell(c, collect);
    if (m <= 1) continue;
    for (let i = grid.cellStart[c]!; i < grid.cellStart[c + 1]!; i++) {
      const p = grid.order[i]!;
      const x = positions[p * 3]!;
      const y = positions[p * 3 + 1]!;
      const z = positions[p * 3 + 2]!;
      let bestS = of[p]!;
      let bestCost = Infinity;
      for (let q = -1; q < m; q++) {
        const s = q < 0 ? of[p]! : candidates[q]!;
        const t = s * 10;
        const dx = x - st[t]!;
        const dy = y - st[t + 1]!;
        const dz = z - st[t + 2]!;
        const plane = dx * st[t + 3]! + dy * st[t + 4]! + dz * st[t + 5]!;
        let cost = (dx * dx + dy * dy + dz * dz) * inv2 + plane * plane * planeInv2;
        if (color) {
          const cr = color[p * 3]! - st[t + 6]!;
          const cg = color[p * 3 + 1]! - st[t + 7]!;
          const cb = color[p * 3 + 2]! - st[t + 8]!;
          cost += W_COLOR * W_COLOR * (cr * cr + cg * cg + cb * cb);
        }
        const g = ground[p]! - st[t + 9]!;
        cost += W_GROUND * W_GROUND * g * g;
        if (cost < bestCost) {
          bestCost = cost;
          bestS = s;
        }
      }
      of[p] = bestS;
    }
  }
}

/** Renumbers superpoint ids densely (drops emptied ones); returns the count. */
function compact(of: Int32Array): number {
  let max = -1;
  for (let p = 0; p < of.length; p++) if (of[p]! > max) max = of[p]!;
  const map = new Int32Array(max + 1).fill(-1);
  let next = 0;
  for (let p = 0; p < of.length; p++) {
    const s = of[p]!;
    if (map[s]! < 0) map[s] = next++;
    of[p] = map[s]!;
  }
  return next;
}

/** Superpoint pairs across touching fine cells, keyed a * count + b (a < b), with the number of touching cell pairs. */
function touchingEdges(grid: VoxelGrid, of: Int32Array, count: number): Map<number, number> {
  // Distinct superpoints per cell, then every pair across touching cells is an edge.
  const cells = grid.cellCount;
  const listStart = new Int32Array(cells + 1);
  const list: number[] = [];
  for (let c = 0; c < cells; c++) {
    listStart[c] = list.length;
    for (let i = grid.cellStart[c]!; i < grid.cellStart[c + 1]!; i++) {
      const s = of[grid.order[i]!]!;
      let seen = false;
      for (let j = listStart[c]!; j < list.length; j++) if (list[j] === s) seen = true;
      if (!seen) list.push(s);
    }
  }
  listStart[cells] = list.length;
  const edges = new Map<number, number>();
  let c0 = 0;
  const link = (nb: number) => {
    if (nb < c0) return;
    for (let i = listStart[c0]!; i < listStart[c0 + 1]!; i++)
      for (let j = listStart[nb]!; j < listStart[nb + 1]!; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (a === b) continue;
        const key = a < b ? a * count + b : b * count + a;
        edges.set(key, (edges.get(key) ?? 0) + 1);
      }
  };
  for (c0 = 0; c0 < cells; c0++) grid.forEachNeighbourCell(c0, link);
  return edges;
}

function summarize(positions: Float32Array, of: Int32Array, count: number, edges: Map<number, number>): Superpoints {
  const size = new Uint32Array(count);
  const sum = new Float64Array(count * 3);
  for (let p = 0; p < of.length; p++) {
    const s = of[p]!;
    size[s]!++;
    for (let k = 0; k < 3; k++) sum[s * 3 + k]! += positions[p * 3 + k]!;
  }
  const centroid = new Float32Array(count * 3);
  for (let s = 0; s < count; s++) for (let k = 0; k < 3; k++) centroid[s * 3 + k] = sum[s * 3 + k]! / Math.max(1, size[s]!);

  const degree = new Int32Array(count + 1);
  for (const key of edges.keys()) {
    degree[Math.floor(key / count)]!++;
    degree[key % count]!++;
  }
  const offsets = new Int32Array(count + 1);
  for (let s = 0; s < count; s++) offsets[s + 1] = offsets[s]! + degree[s]!;
  const fill = offsets.slice(0, count);
  const neighbours = new Int32Array(offsets[count]!);
  const weights = new Float32Array(offsets[count]!);
  for (const [key, w] of edges) {
    const a = Math.floor(key / count);
    const b = key % count;
    neighbours[fill[a]!] = b;
    weights[fill[a]!++] = w;
    neighbours[fill[b]!] = a;
    weights[fill[b]!++] = w;
  }
  return { count, of, size, centroid, offsets, neighbours, weights };
}
