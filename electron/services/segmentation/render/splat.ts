import type { Camera, Vec3 } from '../../../../common/geometry/camera';
import type { PointSource } from '../scene/pointSource';
import { allocateView, type RenderedView } from './view';

export interface SplatOptions {
  /** Only points within this sphere are drawn (the neighbourhood of the click); null = whole source. */
  cull: { center: Vec3; radius: number } | null;
  /** Splat diameter as a multiple of the local point spacing; > 1 closes the gaps between points. */
  splatScale?: number;
  /** Largest splat, in pixels: keeps near points from blotting out the view. */
  maxSplatPx?: number;
  /**
   * Most points to draw. Above it, every k-th point is drawn (storage order within a cell is the
   * scan's own, effectively random, so this is a uniform subsample) with splats grown by sqrt(k)
   * so surfaces stay closed. An octree source would instead stop at a coarser level.
   */
  pointBudget?: number;
  /** Maps a point id to its slot in the refinement geometry, for sources not stored in its order. */
  slotOf?: (id: number) => number;
}

/**
 * Z-buffered square splats, one per point, sized from the local point spacing so surfaces render
 * closed (no see-through holes that would let background ids leak into a mask) without fattening
 * edges more than a pixel or two. Flat, camera-facing splats keep the depth test simple; the
 * visibility tolerance in lifting absorbs their slant error.
 */
export function splatPoints(source: PointSource, camera: Camera, options: SplatOptions): RenderedView {
  const view = allocateView('points', camera);
  const { width: W, height: H, fx, fy, cx, cy, near } = camera;
  const r = camera.rotation;
  const [ex, ey, ez] = camera.eye;
  const scale = (options.splatScale ?? 1.5) / 2;
  const maxR = (options.maxSplatPx ?? 8) / 2;
  const center = options.cull?.center ?? camera.eye;
  const radius = options.cull?.radius ?? Infinity;
  const r2 = radius * radius;
  let candidates = 0;
  source.visitNear(center, radius, (_c, start, end) => (candidates += end - start));
  const stride = Math.max(1, Math.floor(candidates / (options.pointBudget ?? Infinity)));
  const strideScale = Math.sqrt(stride);
  // Sized for the worst case up front (blocks over-cover the sphere), so the loop never reallocates.
  let capacity = Math.max(1024, Math.ceil(candidates / stride) + 1024);
  let ids = new Uint32Array(capacity);
  let slots = new Uint32Array(capacity);
  let pixel = new Int32Array(capacity);
  let depths = new Float32Array(capacity);
  let tol = new Float32Array(capacity);
  let count = 0;

  const { depth, id, rgb, normal, hag, spacing: spacingBuf } = view;

  source.visitNear(center, radius, (chunk, start, end) => {
    const P = chunk.positions;
    const C = chunk.colors;
    const N = chunk.normals;
    const S = chunk.spacing;
    const G = chunk.heightAboveGround;
    for (let s = start; s < end; s += stride) {
      const px = P[s * 3]!;
      const py = P[s * 3 + 1]!;
      const pz = P[s * 3 + 2]!;
      if (radius !== Infinity) {
        const dx = px - center[0];
        const dy = py - center[1];
        const dz = pz - center[2];
        if (dx * dx + dy * dy + dz * dz > r2) continue;
      }
      const wx = px - ex;
      const wy = py - ey;
      const wz = pz - ez;
      const z = r[6] * wx + r[7] * wy + r[8] * wz;
      if (z < near) continue;
      const u = (fx * (r[0] * wx + r[1] * wy + r[2] * wz)) / z + cx;
      const v = (fy * (r[3] * wx + r[4] * wy + r[5] * wz)) / z + cy;
      const sp = S[s]! * strideScale;
      const rad = Math.min(maxR, Math.max(0.5, (scale * sp * fx) / z));
      const x0 = Math.max(0, Math.floor(u - rad + 0.5));
      const x1 = Math.min(W - 1, Math.floor(u + rad - 0.5));
      const y0 = Math.max(0, Math.floor(v - rad + 0.5));
      const y1 = Math.min(H - 1, Math.floor(v + rad - 0.5));
      if (x0 > x1 || y0 > y1) continue;
      const pointId = chunk.ids[s]!;
      if (count === capacity) {
        capacity *= 2;
        ids = grow(ids, capacity);
        slots = grow(slots, capacity);
        pixel = grow(pixel, capacity);
        depths = grow(depths, capacity);
        tol = grow(tol, capacity);
      }
      const iu = Math.floor(u);
      const iv = Math.floor(v);
      ids[count] = pointId;
      slots[count] = chunk.geometryOrder ? s : (options.slotOf?.(pointId) ?? pointId);
      pixel[count] = iu >= 0 && iv >= 0 && iu < W && iv < H ? iv * W + iu : -1;
      depths[count] = z;
      // Flat splats of slanted neighbours may sit up to ~one spacing in front of this point.
      tol[count] = 1.5 * sp + 0.004 * z;
      count++;
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const p = y * W + x;
          if (z >= depth[p]!) continue;
          depth[p] = z;
          id[p] = pointId;
          spacingBuf[p] = sp;
          if (C) {
            rgb[p * 3] = C[s * 3]!;
            rgb[p * 3 + 1] = C[s * 3 + 1]!;
            rgb[p * 3 + 2] = C[s * 3 + 2]!;
          } else {
            rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = 170;
          }
          if (N) {
            let nx = N[s * 3]!;
            let ny = N[s * 3 + 1]!;
            let nz = N[s * 3 + 2]!;
            // Unoriented plane normals: face them towards the camera.
            if (nx * wx + ny * wy + nz * wz > 0) {
              nx = -nx;
              ny = -ny;
              nz = -nz;
            }
            normal[p * 3] = nx;
            normal[p * 3 + 1] = ny;
            normal[p * 3 + 2] = nz;
          }
          hag[p] = G ? G[s]! : NaN;
        }
      }
    }
  });
  view.splatted = { ids, slots, pixel, depth: depths, tolerance: tol, count };
  return view;
}

function grow<T extends Uint32Array | Int32Array | Float32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
