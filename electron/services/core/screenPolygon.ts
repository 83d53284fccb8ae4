import type { Camera } from '../../../common/geometry/camera';
import { insidePolygon, polygonBounds } from '../../../common/geometry/polygon';

export const OUTSIDE = 0;
export const INSIDE = 1;
export const CROSSING = 2;
export type BoxSide = typeof OUTSIDE | typeof INSIDE | typeof CROSSING;

/**
 * A screen polygon seen through a camera: which world points project inside it (`contains`, exactly
 * `project()` + `insidePolygon`, inlined so a scan of millions of points allocates nothing), and on
 * which side of it a whole world box falls (`classifyBox`, for culling octree nodes).
 */
export class ScreenPolygon {
  private readonly minX: number;
  private readonly minY: number;
  private readonly maxX: number;
  private readonly maxY: number;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;

  constructor(
    private readonly camera: Camera,
    private readonly polygon: readonly (readonly [number, number])[],
  ) {
    [this.minX, this.minY, this.maxX, this.maxY] = polygonBounds(polygon);
    this.xs = Float64Array.from(polygon, (p) => p[0]);
    this.ys = Float64Array.from(polygon, (p) => p[1]);
  }

  /** True when the point is in front of the near plane and projects inside the polygon (even-odd). */
  contains(px: number, py: number, pz: number): boolean {
    const { camera: cam } = this;
    const r = cam.rotation;
    // Same operations in the same order as toCamera/project, so results are bit-identical.
    const x = px - cam.eye[0];
    const y = py - cam.eye[1];
    const z = pz - cam.eye[2];
    const c2 = r[6] * x + r[7] * y + r[8] * z;
    if (c2 < cam.near) return false;
    const c0 = r[0] * x + r[1] * y + r[2] * z;
    const c1 = r[3] * x + r[4] * y + r[5] * z;
    const u = cam.fx * (c0 / c2) + cam.cx;
    const v = cam.fy * (c1 / c2) + cam.cy;
    if (u < this.minX || u > this.maxX || v < this.minY || v > this.maxY) return false;
    return insidePolygon(this.polygon, u, v);
  }

  /**
   * Where every point of the box [min, max] lands: OUTSIDE (none can be selected), INSIDE (all project
   * inside the polygon, in front of the near plane) or CROSSING (test the points). Conservative: a box
   * is INSIDE or OUTSIDE only when its projection's bounding rectangle touches no polygon edge, so the
   * even-odd parity is the same everywhere in it (points in front of the camera project into the
   * convex hull of the corners' projections, inside that rectangle).
   */
  classifyBox(min: readonly number[], max: readonly number[]): BoxSide {
    const { camera: cam } = this;
    const r = cam.rotation;
    let behind = 0;
    let uMin = Infinity;
    let uMax = -Infinity;
    let vMin = Infinity;
    let vMax = -Infinity;
    for (let corner = 0; corner < 8; corner++) {
      const x = (corner & 4 ? max[0]! : min[0]!) - cam.eye[0];
      const y = (corner & 2 ? max[1]! : min[1]!) - cam.eye[1];
      const z = (corner & 1 ? max[2]! : min[2]!) - cam.eye[2];
      const c2 = r[6] * x + r[7] * y + r[8] * z;
      if (c2 < cam.near) {
        behind++;
        continue;
      }
      const u = cam.fx * ((r[0] * x + r[1] * y + r[2] * z) / c2) + cam.cx;
      const v = cam.fy * ((r[3] * x + r[4] * y + r[5] * z) / c2) + cam.cy;
      if (u < uMin) uMin = u;
      if (u > uMax) uMax = u;
      if (v < vMin) vMin = v;
      if (v > vMax) vMax = v;
    }
    if (behind === 8) return OUTSIDE;
    // Straddling the near plane: the front part's projection is unbounded, decide per point.
    if (behind > 0) return CROSSING;
    if (!(uMin <= uMax && vMin <= vMax)) return CROSSING; // NaN from degenerate input
    // A margin far above rounding in the per-point projection.
    const pad = 1e-6 * (1 + Math.abs(uMin) + Math.abs(uMax) + Math.abs(vMin) + Math.abs(vMax));
    uMin -= pad;
    uMax += pad;
    vMin -= pad;
    vMax += pad;
    if (uMax < this.minX || uMin > this.maxX || vMax < this.minY || vMin > this.maxY) return OUTSIDE;
    const { xs, ys } = this;
    for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) {
      if (segmentTouchesRect(xs[j]!, ys[j]!, xs[i]!, ys[i]!, uMin, vMin, uMax, vMax)) return CROSSING;
    }
    return insidePolygon(this.polygon, (uMin + uMax) / 2, (vMin + vMax) / 2) ? INSIDE : OUTSIDE;
  }
}

/** Whether the segment (x0,y0)-(x1,y1) meets the closed rectangle (Liang-Barsky clipping). */
export function segmentTouchesRect(x0: number, y0: number, x1: number, y1: number, minX: number, minY: number, maxX: number, maxY: number): boolean {
  const dx = x1 - x0;
  const dy = y1 - y0;
  let t0 = 0;
  let t1 = 1;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, x0 - minX) && clip(dx, maxX - x0) && clip(-dy, y0 - minY) && clip(dy, maxY - y0);
}
