import type { RenderedView } from '../render/view';
import { MinHeap } from '../util/minHeap';
import type { Prompts, SegmentResult, Segmenter } from './segmenter';

export interface BuiltinOptions {
  /** View resolution (square). 256 resolves a car at 25 m; larger costs time linearly. */
  size?: number;
  /** Points within this height of the terrain model count as ground (scan units). */
  groundTolerance?: number;
  /** Path cost at which growth stops; one 90 degree crease costs ~1. */
  maxCost?: number;
}

const DEFAULTS = { size: 256, groundTolerance: 0.3, maxCost: 4 };

/**
 * The segmenter that needs no weights: geodesic region growing on the rendered view's pixel graph,
 * seeded by the prompts (positive and negative seeds compete, each pixel goes to the cheapest).
 *
 * Edges are cut where the depth jumps (another object in front or behind) and never join ground to
 * non-ground (height above the terrain model), so an object stops where it stands. Within a
 * surface, crossing costs the angle between normals (a 90 degree crease ~1), extra for concave
 * creases (where separate parts meet), a little for strong colour changes. Convex creases (roof to
 * facade, car body edges) stay cheap, which is what makes the masks object-level: clicking a roof
 * gives the building, not one roof plane; a negative click on a facade splits it off again.
 */
export class BuiltinSegmenter implements Segmenter {
  readonly id = 'builtin';
  readonly description = 'built-in geometric segmenter (no weights)';
  readonly viewSize: { width: number; height: number };
  readonly portable: { builtin: BuiltinOptions };
  private readonly options: typeof DEFAULTS;

  constructor(options: BuiltinOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.viewSize = { width: this.options.size, height: this.options.size };
    this.portable = { builtin: { ...this.options } };
  }

  async segment(view: RenderedView, prompts: Prompts): Promise<SegmentResult> {
    return segmentGeometric(view, prompts, this.options);
  }

  async dispose(): Promise<void> {}
}

export function segmentGeometric(view: RenderedView, prompts: Prompts, options: BuiltinOptions = {}): SegmentResult {
  const o = { ...DEFAULTS, ...options };
  const W = view.width;
  const H = view.height;
  const n = W * H;
  const mask = new Uint8Array(n);
  const points = unprojectAll(view);
  const valid = (p: number) => Number.isFinite(view.depth[p]!);

  // Which side of the ground line a prompt lies on: the anchor's own height when the engine gives
  // it (at a facade's foot the pixel may show the ground drawn in front of it), else its pixel's.
  // Seeds snap to a pixel on that side. Owners: 1 = positive; negatives 2 (ground), 3 (off the
  // ground), 4 (unknown).
  const tol = o.groundTolerance;
  const seeds: { pixel: number; owner: Owner; ground: boolean | null }[] = [];
  for (const pt of prompts.points) {
    const any = snapToValid(view, pt.x, pt.y, 4);
    if (any < 0) continue;
    const h = pt.heightAboveGround ?? view.hag[any]!;
    const ground = Number.isNaN(h) ? null : h < tol;
    const onSide = ground === null ? -1 : snapToValid(view, pt.x, pt.y, 4, (q) => !(view.hag[q]! < tol !== ground));
    const owner: Owner = pt.positive ? 1 : ground === null ? 4 : ground ? 2 : 3;
    seeds.push({ pixel: onSide >= 0 ? onSide : any, owner, ground });
  }
  const box = prompts.box;
  if (box && !seeds.some((s) => s.owner === 1)) {
    const p = boxSeed(view, box, points, tol);
    const h = p >= 0 ? view.hag[p]! : NaN;
    if (p >= 0) seeds.push({ pixel: p, owner: 1, ground: Number.isNaN(h) ? null : h < tol });
  }
  const positives = seeds.filter((s) => s.owner === 1);
  if (positives.length === 0) return { width: W, height: H, mask, score: 0 };

  // Ground mode when the positive seeds stand on the terrain; otherwise the ground is off limits.
  const sides = positives.filter((s) => s.ground !== null);
  const groundMode = sides.length > 0 && sides.filter((s) => s.ground).length * 2 > sides.length;
  const allowed = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    if (!valid(p)) continue;
    if (box) {
      const x = p % W;
      const y = (p - x) / W;
      if (x + 0.5 < box.x0 || x + 0.5 > box.x1 || y + 0.5 < box.y0 || y + 0.5 > box.y1) continue;
    }
    const h = view.hag[p]!;
    if (!Number.isNaN(h) && h < tol !== groundMode) continue;
    allowed[p] = 1;
  }

  const dist = new Float32Array(n).fill(Infinity);
  const owner = new Uint8Array(n);
  const heap = new MinHeap(4096);
  for (const s of seeds) {
    allowed[s.pixel] = 1;
    dist[s.pixel] = 0;
    owner[s.pixel] = s.owner;
    heap.push(0, s.pixel);
  }
  const N = view.normal;
  const C = view.rgb;
  const fx = view.camera.fx;
  const done = new Uint8Array(n);
  while (heap.size > 0) {
    const d0 = heap.peekKey();
    const p = heap.pop();
    if (done[p] || d0 > dist[p]!) continue;
    done[p] = 1;
    if (d0 > o.maxCost) break;
    const x = p % W;
    for (let k = 0; k < 4; k++) {
      let q: number;
      if (k === 0) {
        if (x + 1 >= W) continue;
        q = p + 1;
      } else if (k === 1) {
        if (x === 0) continue;
        q = p - 1;
      } else if (k === 2) {
        q = p + W;
        if (q >= n) continue;
      } else {
        q = p - W;
        if (q < 0) continue;
      }
      if (!allowed[q] || done[q]) continue;
      // A negative carves out the surface it lies on: one on the ground takes ground only, so a
      // negative next to an object's foot never competes for its facade (and vice versa).
      const who = owner[p]!;
      if (who === 2 || who === 3) {
        const h = view.hag[q]!;
        if (!Number.isNaN(h) && h < tol !== (who === 2)) continue;
      }
      const c = edgeCost(p, q, points, N, C, view.spacing, view.depth, fx);
      if (c === Infinity) continue;
      const dq = d0 + c;
      if (dq < dist[q]!) {
        dist[q] = dq;
        owner[q] = owner[p]!;
        heap.push(dq, q);
      }
    }
  }
  let area = 0;
  let core = 0;
  for (let p = 0; p < n; p++) {
    if (owner[p] === 1 && dist[p]! <= o.maxCost) {
      mask[p] = 1;
      area++;
      if (dist[p]! <= o.maxCost * 0.6) core++;
    }
  }
  // Stability: a mask that barely changes when the cost budget shrinks is bounded by real edges.
  const score = area > 0 ? 0.5 + 0.5 * (core / area) : 0;
  return { width: W, height: H, mask, score };
}

function edgeCost(
  p: number,
  q: number,
  P: Float32Array,
  N: Float32Array,
  C: Uint8Array,
  spacing: Float32Array,
  depth: Float32Array,
  fx: number,
): number {
  const dx = P[q * 3]! - P[p * 3]!;
  const dy = P[q * 3 + 1]! - P[p * 3 + 1]!;
  const dz = P[q * 3 + 2]! - P[p * 3 + 2]!;
  const dl = Math.sqrt(dx * dx + dy * dy + dz * dz);
  const foot = Math.max(spacing[p]!, spacing[q]!, depth[p]! / fx, depth[q]! / fx);
  const npx = N[p * 3]!;
  const npy = N[p * 3 + 1]!;
  const npz = N[p * 3 + 2]!;
  const nqx = N[q * 3]!;
  const nqy = N[q * 3 + 1]!;
  const nqz = N[q * 3 + 2]!;
  // Depth discontinuity: q is off p's tangent plane and p off q's by more than splat noise allows.
  const gap = Math.min(Math.abs(npx * dx + npy * dy + npz * dz), Math.abs(nqx * dx + nqy * dy + nqz * dz));
  if (gap > 0.08 + 2.5 * foot || dl > 0.3 + 6 * foot) return Infinity;
  const cos = Math.max(-1, Math.min(1, npx * nqx + npy * nqy + npz * nqz));
  let cost = 0.002 + Math.acos(cos) / (Math.PI / 2);
  // Concave crease: the normals turn towards each other along the step.
  if (dl > 1e-9) {
    const conv = ((nqx - npx) * dx + (nqy - npy) * dy + (nqz - npz) * dz) / dl;
    if (conv < -0.1) cost += 0.5 * -conv;
  }
  const cr = C[q * 3]! - C[p * 3]!;
  const cg = C[q * 3 + 1]! - C[p * 3 + 1]!;
  const cb = C[q * 3 + 2]! - C[p * 3 + 2]!;
  const cd = Math.sqrt(cr * cr + cg * cg + cb * cb) / 441.7;
  if (cd > 0.15) cost += cd - 0.15;
  return cost;
}

/** Off-ground pixels needed in a box (share of its drawn pixels) before it is taken to frame an object rather than terrain. */
const BOX_OBJECT_SHARE = 0.1;

/**
 * Seed pixel of a box drawn without a click: the box frames one object, so the seed goes to the
 * dominant surface in it, not to whatever lies under its centre (the ground between a car's
 * wheels, a courtyard inside a building's outline). Off-ground pixels of the box are split into
 * depth-continuous regions (the segmenter's own edge test, creases allowed); each region scores
 * its pixels weighted towards the box centre (a box is drawn around its object, neighbours reach
 * in at the edges); the seed is the best region's pixel nearest the centre. A box over terrain
 * only (few off-ground pixels) seeds on the drawn pixel nearest its centre.
 */
export function boxSeed(view: RenderedView, box: NonNullable<Prompts['box']>, points: Float32Array, tol: number): number {
  const W = view.width;
  const H = view.height;
  const x0 = Math.max(0, Math.floor(Math.min(box.x0, box.x1)));
  const x1 = Math.min(W - 1, Math.ceil(Math.max(box.x0, box.x1)) - 1);
  const y0 = Math.max(0, Math.floor(Math.min(box.y0, box.y1)));
  const y1 = Math.min(H - 1, Math.ceil(Math.max(box.y0, box.y1)) - 1);
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const hx = Math.max(1, Math.abs(box.x1 - box.x0) / 2);
  const hy = Math.max(1, Math.abs(box.y1 - box.y0) / 2);
  if (x0 > x1 || y0 > y1) return -1;
  const inBox = (p: number) => {
    const x = p % W;
    const y = (p - x) / W;
    return x >= x0 && x <= x1 && y >= y0 && y <= y1;
  };
  const drawn = (p: number) => Number.isFinite(view.depth[p]!);
  const object = (p: number) => drawn(p) && !(view.hag[p]! < tol);
  let drawnCount = 0;
  let objectCount = 0;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const p = y * W + x;
      if (drawn(p)) drawnCount++;
      if (object(p)) objectCount++;
    }
  if (drawnCount === 0) return -1;
  if (objectCount < BOX_OBJECT_SHARE * drawnCount) return snapToValid(view, cx, cy, Math.hypot(hx, hy));

  const region = new Int32Array(W * H).fill(-1);
  const stack: number[] = [];
  let best = -1;
  let bestScore = -Infinity;
  let bestD = Infinity;
  let regions = 0;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const start = y * W + x;
      if (region[start] !== -1 || !object(start)) continue;
      const r = regions++;
      region[start] = r;
      stack.push(start);
      let score = 0;
      let seed = start;
      let seedD = Infinity;
      while (stack.length > 0) {
        const p = stack.pop()!;
        const px = p % W;
        const py = (p - px) / W;
        const u = (px + 0.5 - cx) / hx;
        const v = (py + 0.5 - cy) / hy;
        const d = u * u + v * v;
        score += Math.max(0, 1 - 0.5 * d);
        if (d < seedD) {
          seedD = d;
          seed = p;
        }
        for (const q of [px + 1 <= x1 ? p + 1 : -1, px - 1 >= x0 ? p - 1 : -1, py + 1 <= y1 ? p + W : -1, py - 1 >= y0 ? p - W : -1]) {
          if (q < 0 || region[q] !== -1 || !object(q) || !inBox(q)) continue;
          if (edgeCost(p, q, points, view.normal, view.rgb, view.spacing, view.depth, view.camera.fx) === Infinity) continue;
          region[q] = r;
          stack.push(q);
        }
      }
      if (score > bestScore || (score === bestScore && seedD < bestD)) {
        bestScore = score;
        best = seed;
        bestD = seedD;
      }
    }
  return best;
}

/** World point per valid pixel (camera-frame depth unprojected through the pixel centre). */
function unprojectAll(view: RenderedView): Float32Array {
  const { width: W, height: H, camera: c } = view;
  const out = new Float32Array(W * H * 3);
  const r = c.rotation;
  for (let y = 0; y < H; y++) {
    const vy = (y + 0.5 - c.cy) / c.fy;
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const z = view.depth[p]!;
      if (!Number.isFinite(z)) continue;
      const cx = ((x + 0.5 - c.cx) / c.fx) * z;
      const cy = vy * z;
      out[p * 3] = c.eye[0] + r[0] * cx + r[3] * cy + r[6] * z;
      out[p * 3 + 1] = c.eye[1] + r[1] * cx + r[4] * cy + r[7] * z;
      out[p * 3 + 2] = c.eye[2] + r[2] * cx + r[5] * cy + r[8] * z;
    }
  }
  return out;
}

/** The non-empty pixel nearest to (x, y) within `radius` pixels (and passing `accept`), or -1. */
export function snapToValid(view: RenderedView, x: number, y: number, radius: number, accept?: (p: number) => boolean): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  let best = -1;
  let bestD = Infinity;
  const r = Math.ceil(radius);
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      const px = ix + dx;
      const py = iy + dy;
      if (px < 0 || py < 0 || px >= view.width || py >= view.height) continue;
      const p = py * view.width + px;
      if (!Number.isFinite(view.depth[p]!) || (accept && !accept(p))) continue;
      const d = dx * dx + dy * dy;
      if (d < bestD && d <= radius * radius) {
        bestD = d;
        best = p;
      }
    }
  return best;
}

type Owner = 1 | 2 | 3 | 4;

