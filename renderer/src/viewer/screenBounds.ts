import type { Camera } from '../../../common/geometry/camera';

/** A screen rectangle in pixels (continuous coordinates): [minU, minV, maxU, maxV]. */
export type ScreenRect = [number, number, number, number];

/** Everything: for boxes cut by the near plane, whose projection is unbounded. */
export const WHOLE_PLANE: ScreenRect = [-Infinity, -Infinity, Infinity, Infinity];

/**
 * Where a world box can appear on screen: the bounding rectangle of its corners' projections, padded a
 * little. Points in front of the camera inside the box project inside it (perspective keeps convex
 * hulls); null when the whole box is behind the near plane, WHOLE_PLANE when the plane cuts it.
 */
export function screenRectOf(cam: Camera, min: readonly number[], max: readonly number[]): ScreenRect | null {
  const r = cam.rotation;
  let behind = 0;
  let u0 = Infinity;
  let v0 = Infinity;
  let u1 = -Infinity;
  let v1 = -Infinity;
  for (let corner = 0; corner < 8; corner++) {
    const x = (corner & 4 ? max[0]! : min[0]!) - cam.eye[0];
    const y = (corner & 2 ? max[1]! : min[1]!) - cam.eye[1];
    const z = (corner & 1 ? max[2]! : min[2]!) - cam.eye[2];
    const d = r[6] * x + r[7] * y + r[8] * z;
    if (d < cam.near) {
      behind++;
      continue;
    }
    const u = cam.fx * ((r[0] * x + r[1] * y + r[2] * z) / d) + cam.cx;
    const v = cam.fy * ((r[3] * x + r[4] * y + r[5] * z) / d) + cam.cy;
    u0 = Math.min(u0, u);
    u1 = Math.max(u1, u);
    v0 = Math.min(v0, v);
    v1 = Math.max(v1, v);
  }
  if (behind === 8) return null;
  if (behind > 0 || !(u0 <= u1 && v0 <= v1)) return WHOLE_PLANE;
  const pad = 1e-3 * (1 + Math.abs(u0) + Math.abs(u1) + Math.abs(v0) + Math.abs(v1));
  return [u0 - pad, v0 - pad, u1 + pad, v1 + pad];
}

/** Whether the rectangle comes within `radius` of (u, v) (tested against the square around it). */
export function rectNear(rect: ScreenRect, u: number, v: number, radius: number): boolean {
  return u + radius >= rect[0] && u - radius <= rect[2] && v + radius >= rect[1] && v - radius <= rect[3];
}
