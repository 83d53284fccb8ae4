import type { Component, VoxelIndex } from './components';

/** A voxel of a component is "open" when it has fewer occupied neighbours than this share of the component's median. */
export const OPEN_EDGE_SHARE = 0.75;

export interface Innermost {
  point: number;
  /** Voxel steps (26-neighbour BFS) from the chosen voxel to the component's border. */
  depth: number;
}

/**
 * The point of a component farthest from its border, the standard "click the centre of the
 * largest error" rule of interactive segmentation benchmarks, on voxels.
 *
 * A component voxel is on the border when
 * - it also holds points outside the component (a mixed voxel), or
 * - an occupied 26-neighbour voxel is not in the component (the error meets correct points), or
 * - it is an open edge of the sampled surface: fewer occupied neighbours than OPEN_EDGE_SHARE x the
 *   component's median (a roof's rim above empty air, the end of a wire, a canopy's outside). This
 *   keeps the rule meaningful on 2.5D aerial scans, where every voxel of a sheet touches empty space.
 * Depth is a multi-source BFS from the border voxels over the component's voxels (all voxels are
 * border when none qualifies). Among the deepest voxels, the point nearest to their points'
 * centroid wins; ties go to the lowest point id.
 */
export function innermostPoint(index: VoxelIndex, component: Component, positions: Float32Array): Innermost {
  const { cells, points } = component;
  if (points.length === 0) throw new Error('innermostPoint of an empty component');
  const local = new Map<number, number>();
  cells.forEach((c, i) => local.set(c, i));
  const m = cells.length;
  const inComp = new Int32Array(m);
  for (const p of points) inComp[local.get(index.cellOf[p]!)!]!++;

  const degree = new Int32Array(m);
  for (let i = 0; i < m; i++) degree[i] = index.neighbourStart[cells[i]! + 1]! - index.neighbourStart[cells[i]!]!;
  const sortedDegree = Array.from(degree).sort((a, b) => a - b);
  const median = sortedDegree[sortedDegree.length >> 1]!;

  const depth = new Int32Array(m).fill(-1);
  const queue = new Int32Array(m);
  let tail = 0;
  for (let i = 0; i < m; i++) {
    const c = cells[i]!;
    const total = index.cellStart[c + 1]! - index.cellStart[c]!;
    let border = inComp[i]! < total || degree[i]! < OPEN_EDGE_SHARE * median;
    for (let e = index.neighbourStart[c]!; !border && e < index.neighbourStart[c + 1]!; e++)
      if (!local.has(index.neighbours[e]!)) border = true;
    if (border) {
      depth[i] = 0;
      queue[tail++] = i;
    }
  }
  if (tail === 0)
    for (let i = 0; i < m; i++) {
      depth[i] = 0;
      queue[tail++] = i;
    }
  for (let head = 0; head < tail; head++) {
    const i = queue[head]!;
    const c = cells[i]!;
    for (let e = index.neighbourStart[c]!; e < index.neighbourStart[c + 1]!; e++) {
      const o = local.get(index.neighbours[e]!);
      if (o !== undefined && depth[o] === -1) {
        depth[o] = depth[i]! + 1;
        queue[tail++] = o;
      }
    }
  }
  let maxDepth = 0;
  for (let i = 0; i < m; i++) maxDepth = Math.max(maxDepth, depth[i]!);

  let cx = 0;
  let cy = 0;
  let cz = 0;
  let count = 0;
  for (const p of points)
    if (depth[local.get(index.cellOf[p]!)!] === maxDepth) {
      cx += positions[p * 3]!;
      cy += positions[p * 3 + 1]!;
      cz += positions[p * 3 + 2]!;
      count++;
    }
  cx /= count;
  cy /= count;
  cz /= count;
  let best = -1;
  let bestD = Infinity;
  for (const p of points) {
    if (depth[local.get(index.cellOf[p]!)!] !== maxDepth) continue;
    const d = (positions[p * 3]! - cx) ** 2 + (positions[p * 3 + 1]! - cy) ** 2 + (positions[p * 3 + 2]! - cz) ** 2;
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return { point: best, depth: maxDepth };
}
