import { project, type Camera } from '../../../common/geometry/camera';
import { insidePolygon, polygonBounds } from '../../../common/geometry/polygon';
import { rectNear, screenRectOf } from './screenBounds';

/** A loaded chunk as picking sees it: positions in the scan frame and the index of its first point. */
export interface PickChunk {
  start: number;
  positions: Float32Array;
  /** Point ids of an octree node's points (original indices); absent: ids are start + local index. */
  ids?: Uint32Array;
  /** Per-point visibility test (hidden classes are not pickable); null = all visible. */
  visible: ((local: number) => boolean) | null;
  /** A box holding every point (octree nodes: the node's cube), so picking and brushing can skip the chunk by its screen rectangle. */
  bounds?: { min: readonly number[]; max: readonly number[] };
}

export interface PickHit {
  index: number;
  position: [number, number, number];
  depth: number;
}

/**
 * The point under the cursor: among points projecting within `radius` pixels of (u, v), the nearest
 * to the camera, so a click hits the front surface like the eye does. Brute force over loaded points
 * (a few ms per million on one core); the point budget bounds what is loaded.
 */
export function pickPoint(chunks: PickChunk[], cam: Camera, u: number, v: number, radius = 6): PickHit | null {
  let best: PickHit | null = null;
  const r2 = radius * radius;
  const p: [number, number, number] = [0, 0, 0];
  for (const c of chunks) {
    // Chunks whose screen rectangle is away from the cursor cannot hold the hit: only the few under it are projected.
    if (c.bounds) {
      const rect = screenRectOf(cam, c.bounds.min, c.bounds.max);
      if (!rect || !rectNear(rect, u, v, radius)) continue;
    }
    const pos = c.positions;
    for (let i = 0, n = pos.length / 3; i < n; i++) {
      p[0] = pos[i * 3]!;
      p[1] = pos[i * 3 + 1]!;
      p[2] = pos[i * 3 + 2]!;
      const q = project(cam, p);
      if (!q) continue;
      const du = q.u - u;
      const dv = q.v - v;
      if (du * du + dv * dv > r2) continue;
      if (best && q.depth >= best.depth) continue;
      if (c.visible && !c.visible(i)) continue;
      best = { index: c.ids ? c.ids[i]! : c.start + i, position: [p[0], p[1], p[2]], depth: q.depth };
    }
  }
  return best;
}

export { insidePolygon };

/** Every visible point whose projection falls inside the polygon (screen pixels), through the whole depth. */
export function selectInPolygon(chunks: PickChunk[], cam: Camera, poly: readonly [number, number][]): Uint32Array {
  const [minX, minY, maxX, maxY] = polygonBounds(poly);
  const out: number[] = [];
  const r = cam.rotation;
  const [ex, ey, ez] = cam.eye;
  for (const c of chunks) {
    // A chunk whose screen rectangle misses the polygon's holds nothing to select (at 100 M points
    // the view holds ~2 M loaded points, and a box selection covers a few of its nodes).
    if (c.bounds) {
      const rect = screenRectOf(cam, c.bounds.min, c.bounds.max);
      if (!rect || rect[2] < minX || rect[0] > maxX || rect[3] < minY || rect[1] > maxY) continue;
    }
    const pos = c.positions;
    for (let i = 0, n = pos.length / 3; i < n; i++) {
      // project() inlined: no object per point (2 M projections made ~0.2 s of garbage).
      const x = pos[i * 3]! - ex;
      const y = pos[i * 3 + 1]! - ey;
      const z = pos[i * 3 + 2]! - ez;
      const d = r[6] * x + r[7] * y + r[8] * z;
      if (d < cam.near) continue;
      const u = cam.fx * ((r[0] * x + r[1] * y + r[2] * z) / d) + cam.cx;
      const v = cam.fy * ((r[3] * x + r[4] * y + r[5] * z) / d) + cam.cy;
      if (u < minX || u > maxX || v < minY || v > maxY) continue;
      if (!insidePolygon(poly, u, v)) continue;
      if (c.visible && !c.visible(i)) continue;
      out.push(c.ids ? c.ids[i]! : c.start + i);
    }
  }
  return Uint32Array.from(out);
}
