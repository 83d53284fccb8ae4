import { CellHash } from '../../segmentation/spatial/cellHash';
import { planExtent } from '../../geometry/planExtent';

/**
 * The simulated annotator's voxel view of a scan: every point in a cubic voxel, occupied voxels
 * in CSR form with their occupied 26-neighbours. Built once per scan; error masks change per
 * click and are grouped on it (connected components of voxels holding error points).
 */
export interface VoxelIndex {
  /** Voxel edge in scan units. */
  size: number;
  pointCount: number;
  cellCount: number;
  /** Per point: its voxel. */
  cellOf: Int32Array;
  /** Per voxel: its points, ascending, at cellPoints[cellStart[c] .. cellStart[c + 1]). */
  cellStart: Int32Array;
  cellPoints: Int32Array;
  /** Per voxel: occupied 26-neighbour voxels at neighbours[neighbourStart[c] .. neighbourStart[c + 1]). */
  neighbourStart: Int32Array;
  neighbours: Int32Array;
}

/** A connected group of error points. */
export interface Component {
  /** Ascending point ids. */
  points: Int32Array;
  /** Ascending voxel ids holding those points. */
  cells: Int32Array;
}

/** Default voxel edge = this many median nearest-neighbour spacings... */
export const VOXEL_SPACING_FACTOR = 2.5;
/** ...and at least this many mean footprint spacings (clumpy scans). */
export const VOXEL_FOOTPRINT_FACTOR = 1.5;

export function buildVoxelIndex(positions: Float32Array, size: number): VoxelIndex {
  if (!(size > 0) || !Number.isFinite(size)) throw new Error(`voxel size must be positive, got ${size}`);
  const n = positions.length / 3;
  const inv = 1 / size;
  const hash = new CellHash(Math.max(16, n >> 2));
  const cellOf = new Int32Array(n);
  const ci: number[] = [];
  const cj: number[] = [];
  const ck: number[] = [];
  for (let p = 0; p < n; p++) {
    const i = Math.floor(positions[p * 3]! * inv);
    const j = Math.floor(positions[p * 3 + 1]! * inv);
    const k = Math.floor(positions[p * 3 + 2]! * inv);
    const c = hash.getOrInsert(i, j, k, ci.length);
    if (c === ci.length) {
      ci.push(i);
      cj.push(j);
      ck.push(k);
    }
    cellOf[p] = c;
  }
  const cells = ci.length;
  const cellStart = new Int32Array(cells + 1);
  for (let p = 0; p < n; p++) cellStart[cellOf[p]! + 1]!++;
  for (let c = 0; c < cells; c++) cellStart[c + 1]! += cellStart[c]!;
  const fill = cellStart.slice(0, cells);
  const cellPoints = new Int32Array(n);
  for (let p = 0; p < n; p++) cellPoints[fill[cellOf[p]!]!++] = p;

  const neighbourStart = new Int32Array(cells + 1);
  const nb: number[] = [];
  for (let c = 0; c < cells; c++) {
    const i = ci[c]!;
    const j = cj[c]!;
    const k = ck[c]!;
    for (let di = -1; di <= 1; di++)
      for (let dj = -1; dj <= 1; dj++)
        for (let dk = -1; dk <= 1; dk++) {
          if (di === 0 && dj === 0 && dk === 0) continue;
          const o = hash.get(i + di, j + dj, k + dk);
          if (o >= 0) nb.push(o);
        }
    neighbourStart[c + 1] = nb.length;
  }
  return { size, pointCount: n, cellCount: cells, cellOf, cellStart, cellPoints, neighbourStart, neighbours: Int32Array.from(nb) };
}

/**
 * Median distance from a point to its nearest distinct neighbour, estimated on an evenly strided
 * sample of at most `sample` points (deterministic). 0 when the scan has fewer than 2 distinct points.
 */
export function medianSpacing(positions: Float32Array, sample = 2000): number {
  const n = positions.length / 3;
  if (n < 2) return 0;
  // Search grid: edge from the footprint (aerial scans are 2.5D), else from the volume.
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let p = 0; p < n; p++)
    for (let k = 0; k < 3; k++) {
      const v = positions[p * 3 + k]!;
      if (v < lo[k]!) lo[k] = v;
      if (v > hi[k]!) hi[k] = v;
    }
  const ext = hi.map((h, k) => h - lo[k]!);
  const sorted = [...ext].sort((a, b) => b - a);
  const area = sorted[0]! * sorted[1]!;
  let edge = area > 0 ? Math.sqrt(area / n) : sorted[0]! / n;
  if (!(edge > 0)) return 0;
  edge *= 2;
  const grid = buildVoxelIndex(positions, edge);
  const hash = new CellHash(grid.cellCount);
  const inv = 1 / edge;
  const key = (p: number, k: number) => Math.floor(positions[p * 3 + k]! * inv);
  for (let c = 0; c < grid.cellCount; c++) {
    const p = grid.cellPoints[grid.cellStart[c]!]!;
    hash.getOrInsert(key(p, 0), key(p, 1), key(p, 2), c);
  }
  const step = Math.max(1, Math.floor(n / sample));
  const found: number[] = [];
  const maxRing = 32;
  for (let q = 0; q < n; q += step) {
    const qi = key(q, 0);
    const qj = key(q, 1);
    const qk = key(q, 2);
    const qx = positions[q * 3]!;
    const qy = positions[q * 3 + 1]!;
    const qz = positions[q * 3 + 2]!;
    let best = Infinity;
    for (let r = 0; r <= maxRing; r++) {
      // A point in ring r is at least (r - 1) * edge away: stop once that cannot beat the best.
      if (r > 0 && (r - 1) * edge >= best) break;
      for (let di = -r; di <= r; di++)
        for (let dj = -r; dj <= r; dj++)
          for (let dk = -r; dk <= r; dk++) {
            if (Math.max(Math.abs(di), Math.abs(dj), Math.abs(dk)) !== r) continue;
            const c = hash.get(qi + di, qj + dj, qk + dk);
            if (c < 0) continue;
            for (let s = grid.cellStart[c]!; s < grid.cellStart[c + 1]!; s++) {
              const p = grid.cellPoints[s]!;
              const d = Math.hypot(positions[p * 3]! - qx, positions[p * 3 + 1]! - qy, positions[p * 3 + 2]! - qz);
              if (d > 0 && d < best) best = d;
            }
          }
    }
    if (Number.isFinite(best)) found.push(best);
  }
  if (found.length === 0) return 0;
  found.sort((a, b) => a - b);
  return found[found.length >> 1]!;
}

/**
 * Mean plan distance between footprints: sqrt(occupied plan area / points), the area counted in
 * cells of about four points each if the points were spread evenly over their bounding box. On an
 * evenly sampled survey this is about the nearest-neighbour spacing (less where multiple returns
 * stack under a canopy); on a scan that comes in tight clumps (IGN append-bug: clumps of points
 * 0.08 m apart, the clumps ~4.5 m apart) it is the clumps' spacing, which nearest neighbours never see.
 * 0 for fewer than 2 points or a flat extent.
 */
export function footprintSpacing(positions: Float32Array): number {
  const n = positions.length / 3;
  if (n < 2) return 0;
  const { x0, y0, x1, y1 } = planExtent(positions);
  const area = (x1 - x0) * (y1 - y0);
  if (!(area > 0)) return 0;
  const cell = 2 * Math.sqrt(area / n);
  const nx = Math.floor((x1 - x0) / cell) + 1;
  const occupied = new Set<number>();
  for (let p = 0; p < n; p++) occupied.add(Math.floor((positions[p * 3 + 1]! - y0) / cell) * nx + Math.floor((positions[p * 3]! - x0) / cell));
  return Math.sqrt((occupied.size * cell * cell) / n);
}

/**
 * Voxel edge for a scan: `factor` x the median nearest-neighbour spacing, and at least
 * VOXEL_FOOTPRINT_FACTOR x the mean footprint spacing (footprintSpacing), so the error regions of
 * a clumpy scan are not split into crumbs (append-bug: 0.20 -> 0.78; the largest ground region
 * holds 3% of the ground at 0.2, 89% from 0.75). On evenly sampled scans the first term is the
 * larger or about equal (sample_c 0.659 -> 0.665; nebraska 0.94, the footprint term 0.46). 1 unit
 * for degenerate scans.
 */
export function voxelSizeFor(positions: Float32Array, factor = VOXEL_SPACING_FACTOR): number {
  const s = medianSpacing(positions);
  if (!(s > 0)) return 1;
  return Math.max(s * factor, VOXEL_FOOTPRINT_FACTOR * footprintSpacing(positions));
}

/**
 * Connected components of the points with mask[p] != 0, two points connected when their voxels
 * are equal or 26-adjacent. Sorted by point count, largest first; equal sizes by lowest point id.
 */
export function errorComponents(index: VoxelIndex, mask: Uint8Array): Component[] {
  const { cellCount, cellStart, cellPoints, neighbourStart, neighbours } = index;
  const errCount = new Int32Array(cellCount);
  for (let p = 0; p < index.pointCount; p++) if (mask[p]) errCount[index.cellOf[p]!]!++;
  const label = new Int32Array(cellCount).fill(-1);
  const out: Component[] = [];
  const queue = new Int32Array(cellCount);
  for (let c0 = 0; c0 < cellCount; c0++) {
    if (errCount[c0] === 0 || label[c0] !== -1) continue;
    const id = out.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = c0;
    label[c0] = id;
    let size = 0;
    while (head < tail) {
      const c = queue[head++]!;
      size += errCount[c]!;
      for (let e = neighbourStart[c]!; e < neighbourStart[c + 1]!; e++) {
        const o = neighbours[e]!;
        if (errCount[o]! > 0 && label[o] === -1) {
          label[o] = id;
          queue[tail++] = o;
        }
      }
    }
    const cells = queue.slice(0, tail).sort();
    const points = new Int32Array(size);
    let k = 0;
    for (const c of cells) for (let s = cellStart[c]!; s < cellStart[c + 1]!; s++) if (mask[cellPoints[s]!]) points[k++] = cellPoints[s]!;
    points.sort();
    out.push({ points, cells });
  }
  out.sort((a, b) => b.points.length - a.points.length || a.points[0]! - b.points[0]!);
  return out;
}

/**
 * Error components that never mix groups (the semantic protocol groups by true class: one click
 * gives one class, so a region where ground-labelled-as-tree meets tree-labelled-as-ground is two
 * regions). Same order as errorComponents.
 */
export function groupedErrorComponents(index: VoxelIndex, mask: Uint8Array, groupOf: Int32Array): Component[] {
  const groups = [...new Set(Array.from(groupOf).filter((g, p) => g >= 0 && mask[p]))].sort((a, b) => a - b);
  const sub = new Uint8Array(mask.length);
  const out: Component[] = [];
  for (const g of groups) {
    for (let p = 0; p < mask.length; p++) sub[p] = mask[p] && groupOf[p] === g ? 1 : 0;
    out.push(...errorComponents(index, sub));
  }
  out.sort((a, b) => b.points.length - a.points.length || a.points[0]! - b.points[0]!);
  return out;
}

/** The largest error component (ties: the one holding the lowest point id), or null when the mask is empty. */
export function largestComponent(index: VoxelIndex, mask: Uint8Array): Component | null {
  return errorComponents(index, mask)[0] ?? null;
}
