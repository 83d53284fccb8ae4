import type { Camera } from '../../../../common/geometry/camera';

/**
 * One rendered view at model resolution. `id` says which point (or face) is visible at each pixel;
 * it is what turns a 2D mask back into labels. Pixel p = y * width + x, row 0 at the top.
 */
export interface RenderedView {
  kind: 'points' | 'faces';
  camera: Camera;
  width: number;
  height: number;
  /** RGB8 per pixel; empty pixels are black. */
  rgb: Uint8Array;
  /** Camera-frame depth (along the optical axis); +Infinity where nothing was drawn. */
  depth: Float32Array;
  /** World-frame unit normal per pixel, oriented towards the camera; 0 where empty. */
  normal: Float32Array;
  /** Visible point / face index per pixel, -1 where empty. */
  id: Int32Array;
  /** Height above the terrain model of the visible surface, NaN where unknown. */
  hag: Float32Array;
  /** Splat footprint (world units) of the visible point per pixel, 0 for faces. */
  spacing: Float32Array;
  /**
   * Every point that was splatted, with the pixel its centre falls in and its depth, so lifting
   * can test visibility point by point (a point hidden behind its own neighbours' splats is still
   * visible). Null for face views, where the id buffer is exact.
   */
  splatted: { ids: Uint32Array; slots: Uint32Array; pixel: Int32Array; depth: Float32Array; tolerance: Float32Array; count: number } | null;
}

export function allocateView(kind: RenderedView['kind'], camera: Camera): RenderedView {
  const n = camera.width * camera.height;
  return {
    kind,
    camera,
    width: camera.width,
    height: camera.height,
    rgb: new Uint8Array(n * 3),
    depth: new Float32Array(n).fill(Infinity),
    normal: new Float32Array(n * 3),
    id: new Int32Array(n).fill(-1),
    hag: new Float32Array(n).fill(NaN),
    spacing: new Float32Array(n),
    splatted: null,
  };
}

/** 3D point seen at pixel p (unprojected from the depth buffer), or null where empty. */
export function pixelPoint(view: RenderedView, p: number): [number, number, number] | null {
  const z = view.depth[p]!;
  if (!Number.isFinite(z)) return null;
  const c = view.camera;
  const u = (p % view.width) + 0.5;
  const v = Math.floor(p / view.width) + 0.5;
  const x = ((u - c.cx) / c.fx) * z;
  const y = ((v - c.cy) / c.fy) * z;
  const r = c.rotation;
  return [c.eye[0] + r[0] * x + r[3] * y + r[6] * z, c.eye[1] + r[1] * x + r[4] * y + r[7] * z, c.eye[2] + r[2] * x + r[5] * y + r[8] * z];
}
