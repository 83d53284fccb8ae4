import type { LodNode } from './hierarchy';
import { cubeTouchesClip, type ClipBox } from '../clipBox';

export interface TraversalCamera {
  /** View-projection matrix, column-major (three.js Matrix4.elements). */
  viewProj: ArrayLike<number>;
  /** Camera position, scan frame. */
  position: [number, number, number];
  /** Pixels per world unit at distance 1: viewport height / (2 tan(fovY / 2)). */
  projFactor: number;
}

export interface TraversalOptions {
  /** Points drawn at most. */
  pointBudget: number;
  /** Nodes whose bounding sphere projects smaller than this radius (pixels) are not refined into. */
  minNodePixels: number;
  /** Clipping box (scan frame): nodes wholly outside are skipped, so the budget goes to what is shown. */
  clip?: ClipBox | null;
}

export interface TraversalResult {
  /** Visible nodes in priority order (largest on screen first); parents come before their children. */
  nodes: LodNode[];
  points: number;
  /** True when a node was left out because the budget was reached. */
  budgetReached: boolean;
  /** True when every node in the frustum was selected (nothing cut by the budget or by screen size). */
  complete: boolean;
}

/** Frustum planes (a, b, c, d; inside when a x + b y + c z + d >= 0) from a column-major view-projection matrix. */
export function frustumPlanes(m: ArrayLike<number>): Float64Array {
  const e = (r: number, c: number) => m[c * 4 + r]!;
  const out = new Float64Array(24);
  const rows: [number, number][] = [
    [0, 1],
    [0, -1],
    [1, 1],
    [1, -1],
    [2, 1],
    [2, -1],
  ];
  rows.forEach(([row, sign], i) => {
    const a = e(3, 0) + sign * e(row, 0);
    const b = e(3, 1) + sign * e(row, 1);
    const c = e(3, 2) + sign * e(row, 2);
    const d = e(3, 3) + sign * e(row, 3);
    const len = Math.hypot(a, b, c) || 1;
    out.set([a / len, b / len, c / len, d / len], i * 4);
  });
  return out;
}

/** Whether an axis-aligned box intersects the frustum (conservative: may keep a box just outside a corner). */
export function boxInFrustum(planes: Float64Array, min: readonly number[], size: number): boolean {
  for (let i = 0; i < 24; i += 4) {
    const a = planes[i]!;
    const b = planes[i + 1]!;
    const c = planes[i + 2]!;
    const d = planes[i + 3]!;
    // The box corner furthest along the plane normal.
    const x = min[0]! + (a >= 0 ? size : 0);
    const y = min[1]! + (b >= 0 ? size : 0);
    const z = min[2]! + (c >= 0 ? size : 0);
    if (a * x + b * y + c * z + d < 0) return false;
  }
  return true;
}

/** Projected radius in pixels of a node's bounding sphere (Infinity when the camera is inside it). */
export function screenSize(node: LodNode, cam: TraversalCamera): number {
  const h = node.size / 2;
  const dx = node.min[0] + h - cam.position[0];
  const dy = node.min[1] + h - cam.position[1];
  const dz = node.min[2] + h - cam.position[2];
  const radius = h * Math.sqrt(3);
  const dist = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (dist <= radius) return Infinity;
  return (radius * cam.projFactor) / dist;
}

/**
 * Which nodes to draw: a best-first walk from the root by projected screen size (a binary max-heap),
 * culling nodes outside the frustum and stopping once the next node would exceed the point budget.
 * Since every point lives in exactly one node, drawing a node and its visible ancestors draws each
 * point at most once.
 */
export function traverse(root: LodNode, cam: TraversalCamera, options: TraversalOptions): TraversalResult {
  const planes = frustumPlanes(cam.viewProj);
  const clip = options.clip ?? null;
  const wanted = (n: LodNode) => boxInFrustum(planes, n.min, n.size) && (!clip || cubeTouchesClip(clip, n.min, n.size));
  const heap = new NodeHeap();
  const nodes: LodNode[] = [];
  let points = 0;
  let budgetReached = false;
  let complete = true;
  if (wanted(root)) heap.push(root, screenSize(root, cam));
  while (heap.size > 0) {
    const node = heap.pop()!;
    if (points + node.pointCount > options.pointBudget) {
      budgetReached = true;
      complete = false;
      break;
    }
    nodes.push(node);
    points += node.pointCount;
    for (const child of node.children) {
      if (!wanted(child)) continue;
      const s = screenSize(child, cam);
      if (s < options.minNodePixels) {
        complete = false;
        continue;
      }
      // A child never outranks its parent: parents are always loaded and drawn first.
      heap.push(child, Math.min(s, heap.lastPopped));
    }
  }
  return { nodes, points, budgetReached, complete };
}

class NodeHeap {
  private readonly items: LodNode[] = [];
  private readonly keys: number[] = [];
  lastPopped = Infinity;

  get size() {
    return this.items.length;
  }

  push(node: LodNode, key: number) {
    let i = this.items.length;
    this.items.push(node);
    this.keys.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! >= key) break;
      this.items[i] = this.items[p]!;
      this.keys[i] = this.keys[p]!;
      i = p;
    }
    this.items[i] = node;
    this.keys[i] = key;
  }

  pop(): LodNode | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0]!;
    this.lastPopped = this.keys[0]!;
    const lastItem = this.items.pop()!;
    const lastKey = this.keys.pop()!;
    if (n > 1) {
      let i = 0;
      const m = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const r = l + 1;
        const c = r < m && this.keys[r]! > this.keys[l]! ? r : l;
        if (this.keys[c]! <= lastKey) break;
        this.items[i] = this.items[c]!;
        this.keys[i] = this.keys[c]!;
        i = c;
      }
      this.items[i] = lastItem;
      this.keys[i] = lastKey;
    }
    return top;
  }
}
