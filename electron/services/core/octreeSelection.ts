import { open } from 'node:fs/promises';
import type { Camera } from '../../../common/geometry/camera';
import { nodeLayout } from '../../../common/geometry/octreeLayout';
import type { OctreeStore } from '../octree/octreeStore';
import { IdBitset } from './idBitset';
import { CROSSING, INSIDE, OUTSIDE, ScreenPolygon, type BoxSide } from './screenPolygon';
import { visibilityTests, type SelectionFilter, type SelectionLayers } from './selectionFilter';

/** Node reads in flight at once: enough to keep the disk queue busy, few enough to bound memory. */
const READS_IN_FLIGHT = 8;

interface NodeWork {
  name: string;
  /** INSIDE: every point qualifies by position, only the index block is read; CROSSING: test each point. */
  side: BoxSide;
}

export interface OctreeSelectionStats {
  nodesVisited: number;
  nodesInside: number;
  nodesCrossing: number;
  pointsTested: number;
}

/**
 * `selectPolygon` through a scan's LOD octree: node cubes are projected with the selection camera;
 * subtrees entirely outside the polygon (or the clipping box / height slice) are skipped, subtrees
 * entirely inside contribute their nodes' original indices (only the index blocks are read), and only
 * nodes crossing an edge have their points tested. Same ids as the full scan, ascending.
 */
export async function selectPolygonInOctree(
  store: OctreeStore,
  camera: Camera,
  polygon: readonly (readonly [number, number])[],
  filter: SelectionFilter,
  layers: SelectionLayers,
  stats?: OctreeSelectionStats,
): Promise<Uint32Array> {
  const { hierarchy } = store;
  const screen = new ScreenPolygon(camera, polygon);
  const { shownAt, shownLabel, keep } = visibilityTests(filter, layers);
  const work = planNodes(store, screen, keep);
  if (stats) {
    stats.nodesVisited = work.visited;
    stats.nodesInside = work.nodes.filter((n) => n.side === INSIDE).length;
    stats.nodesCrossing = work.nodes.length - stats.nodesInside;
    stats.pointsTested = 0;
  }
  const out = new IdBitset(hierarchy.pointCount);
  if (work.nodes.length === 0) return out.toArray();

  const attributes = hierarchy.attributes;
  const indexAt = attributes.findIndex((a) => a.name === 'index');
  const positionAt = attributes.findIndex((a) => a.name === 'position');
  const file = await open(store.byteRange(work.nodes[0]!.name).file, 'r');
  try {
    const readRange = async (offset: number, length: number): Promise<ArrayBuffer> => {
      const buffer = new ArrayBuffer(length);
      const view = new Uint8Array(buffer);
      for (let at = 0; at < length; ) {
        const { bytesRead } = await file.read(view, at, length - at, offset + at);
        if (bytesRead === 0) throw new Error(`octree ${store.dir}: node data truncated`);
        at += bytesRead;
      }
      return buffer;
    };
    const take = async ({ name, side }: NodeWork) => {
      const range = store.byteRange(name);
      const count = store.node(name)!.pointCount;
      if (side === INSIDE) {
        const block = nodeLayout(attributes, count).blocks[indexAt]!.byteOffset;
        const ids = new Uint32Array(await readRange(range.offset + block, count * 4));
        if (shownLabel) {
          for (let i = 0; i < count; i++) if (shownLabel(ids[i]!)) out.add(ids[i]!);
        } else for (let i = 0; i < count; i++) out.add(ids[i]!);
        return;
      }
      // Only the position and index blocks: colour, intensity and class are a third of a node's bytes.
      const { blocks } = nodeLayout(attributes, count);
      const [positionBytes, indexBytes] = await Promise.all([
        readRange(range.offset + blocks[positionAt]!.byteOffset, count * 12),
        readRange(range.offset + blocks[indexAt]!.byteOffset, count * 4),
      ]);
      const p = new Float32Array(positionBytes);
      const index = new Uint32Array(indexBytes);
      if (stats) stats.pointsTested += count;
      for (let i = 0; i < count; i++) {
        const x = p[i * 3]!;
        const y = p[i * 3 + 1]!;
        const z = p[i * 3 + 2]!;
        if (!screen.contains(x, y, z)) continue;
        if (shownAt && !shownAt(x, y, z)) continue;
        const id = index[i]!;
        if (shownLabel && !shownLabel(id)) continue;
        out.add(id);
      }
    };
    // File order keeps reads sequential; a few in flight overlap disk and CPU.
    const queue = work.nodes.sort((a, b) => store.node(a.name)!.byteOffset - store.node(b.name)!.byteOffset);
    let next = 0;
    const lane = async () => {
      while (next < queue.length) await take(queue[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, queue.length) }, lane));
  } finally {
    await file.close();
  }
  return out.toArray();
}

/**
 * The nodes whose points can be selected, with whether their points need testing. Depth-first from
 * the root; a child's cube is inside its parent's, so an INSIDE or OUTSIDE verdict holds for the subtree.
 */
function planNodes(
  store: OctreeStore,
  screen: ScreenPolygon,
  keep: { min: readonly number[]; max: readonly number[] },
): { nodes: NodeWork[]; visited: number } {
  const { cube, bounds } = store.hierarchy;
  const nodes: NodeWork[] = [];
  let visited = 0;
  const stack: { name: string; min: [number, number, number]; edge: number; side: BoxSide }[] = [
    { name: 'r', min: [...cube.min], edge: cube.size, side: CROSSING },
  ];
  // Points sit in their node's cube up to the rounding of the builder's grid keys: widen a little.
  const rootPad = cube.size * 1e-6;
  const lo: [number, number, number] = [0, 0, 0];
  const hi: [number, number, number] = [0, 0, 0];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const entry = store.node(item.name);
    if (!entry) continue;
    visited++;
    let side = item.side;
    if (side === CROSSING) {
      const pad = rootPad + item.edge * 1e-6;
      // Every point is in its node's cube and in the scan's tight bounds (the cube is a cube, scans are flat).
      for (let k = 0; k < 3; k++) {
        lo[k] = Math.max(item.min[k]!, bounds.min[k]!) - pad;
        hi[k] = Math.min(item.min[k]! + item.edge, bounds.max[k]!) + pad;
      }
      const onScreen = screen.classifyBox(lo, hi);
      const kept = boxAgainst(lo, hi, keep);
      if (onScreen === OUTSIDE || kept === OUTSIDE) continue;
      side = onScreen === INSIDE && kept === INSIDE ? INSIDE : CROSSING;
    }
    if (entry.pointCount > 0) nodes.push({ name: entry.name, side });
    const half = item.edge / 2;
    for (let o = 0; o < 8; o++) {
      if ((entry.childMask & (1 << o)) === 0) continue;
      stack.push({
        name: entry.name + o,
        min: [item.min[0] + (o & 4 ? half : 0), item.min[1] + (o & 2 ? half : 0), item.min[2] + (o & 1 ? half : 0)],
        edge: half,
        side,
      });
    }
  }
  return { nodes, visited };
}

/** A box against the box the position filters keep: OUTSIDE (disjoint), INSIDE (contained) or CROSSING. */
function boxAgainst(lo: readonly number[], hi: readonly number[], keep: { min: readonly number[]; max: readonly number[] }): BoxSide {
  let inside = true;
  for (let k = 0; k < 3; k++) {
    if (hi[k]! < keep.min[k]! || lo[k]! > keep.max[k]!) return OUTSIDE;
    if (lo[k]! < keep.min[k]! || hi[k]! > keep.max[k]!) inside = false;
  }
  return inside ? INSIDE : CROSSING;
}
