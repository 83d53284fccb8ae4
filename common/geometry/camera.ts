/**
 * The one pinhole camera model shared by the viewer (picking, prompt markers) and the core's view
 * renderer (segmentation), so that a click at a pixel on screen and the same pixel in a rendered
 * view hit the same surface.
 *
 * Conventions (OpenCV style, chosen because SAM and every image model use them):
 * - pixel (u, v): u to the right, v down, pixel i covers [i, i+1) so its centre is i + 0.5;
 * - camera frame: x right, y down, z forward (depth > 0 in front of the camera);
 * - `rotation` is world -> camera, row-major 3x3 (rows = camera right, down, forward in world).
 * three.js cameras look down -z with y up: `fromGlCamera` converts.
 * All coordinates are in the scan's local float frame (offsets from the scan origin).
 */
export type Vec3 = [number, number, number];

export interface Intrinsics {
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

export interface Camera extends Intrinsics {
  /** Camera centre in world coordinates. */
  eye: Vec3;
  /** World -> camera rotation, row-major (r00 r01 r02 r10 ...). */
  rotation: [number, number, number, number, number, number, number, number, number];
  /** Points closer than this are clipped (world units). */
  near: number;
}

export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const length = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export function normalize(a: Vec3): Vec3 {
  const l = length(a);
  return l > 0 ? [a[0] / l, a[1] / l, a[2] / l] : [0, 0, 0];
}

/** Intrinsics of a symmetric perspective camera with the given vertical field of view (radians). */
export function perspectiveIntrinsics(width: number, height: number, fovY: number): Intrinsics {
  const fy = height / 2 / Math.tan(fovY / 2);
  return { width, height, fx: fy, fy, cx: width / 2, cy: height / 2 };
}

/** Camera at `eye` looking at `target`; `up` only fixes the roll (z-up for scans). */
export function lookAt(eye: Vec3, target: Vec3, up: Vec3, intrinsics: Intrinsics, near = 0.05): Camera {
  const forward = normalize(sub(target, eye));
  let right = cross(forward, up);
  // Looking straight along `up`: any right vector will do, pick one that is stable.
  if (length(right) < 1e-9) right = cross(forward, Math.abs(forward[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]);
  right = normalize(right);
  const down = cross(forward, right);
  return {
    ...intrinsics,
    eye: [...eye],
    rotation: [right[0], right[1], right[2], down[0], down[1], down[2], forward[0], forward[1], forward[2]],
    near,
  };
}

/** A camera orbiting `target` at `distance`, `azimuth` from +x counter-clockwise, `elevation` above the horizon (radians, z-up). */
export function orbitCamera(target: Vec3, distance: number, azimuth: number, elevation: number, intrinsics: Intrinsics): Camera {
  const ce = Math.cos(elevation);
  const eye: Vec3 = [
    target[0] + distance * ce * Math.cos(azimuth),
    target[1] + distance * ce * Math.sin(azimuth),
    target[2] + distance * Math.sin(elevation),
  ];
  return lookAt(eye, target, [0, 0, 1], intrinsics, Math.max(0.01, distance * 1e-3));
}

/** World point -> camera frame. */
export function toCamera(cam: Camera, p: Vec3): Vec3 {
  const r = cam.rotation;
  const x = p[0] - cam.eye[0];
  const y = p[1] - cam.eye[1];
  const z = p[2] - cam.eye[2];
  return [r[0] * x + r[1] * y + r[2] * z, r[3] * x + r[4] * y + r[5] * z, r[6] * x + r[7] * y + r[8] * z];
}

/** World point -> continuous pixel coordinates and depth; null behind the near plane. */
export function project(cam: Camera, p: Vec3): { u: number; v: number; depth: number } | null {
  const c = toCamera(cam, p);
  if (c[2] < cam.near) return null;
  return { u: cam.fx * (c[0] / c[2]) + cam.cx, v: cam.fy * (c[1] / c[2]) + cam.cy, depth: c[2] };
}

/** The integer pixel a world point falls in, or -1 when it is off-image or behind the camera. */
export function pixelOf(cam: Camera, p: Vec3): number {
  const q = project(cam, p);
  if (!q) return -1;
  const x = Math.floor(q.u);
  const y = Math.floor(q.v);
  if (x < 0 || y < 0 || x >= cam.width || y >= cam.height) return -1;
  return y * cam.width + x;
}

/** World-space unit direction of the ray through continuous pixel coordinates (u, v). */
export function pixelRay(cam: Camera, u: number, v: number): Vec3 {
  const d: Vec3 = [(u - cam.cx) / cam.fx, (v - cam.cy) / cam.fy, 1];
  const r = cam.rotation;
  // Camera -> world is the transpose.
  return normalize([r[0] * d[0] + r[3] * d[1] + r[6] * d[2], r[1] * d[0] + r[4] * d[1] + r[7] * d[2], r[2] * d[0] + r[5] * d[1] + r[8] * d[2]]);
}

/** World point at pixel (u, v) with camera-frame depth z (depth along the optical axis, not along the ray). */
export function unproject(cam: Camera, u: number, v: number, depth: number): Vec3 {
  const x = ((u - cam.cx) / cam.fx) * depth;
  const y = ((v - cam.cy) / cam.fy) * depth;
  const r = cam.rotation;
  return [
    cam.eye[0] + r[0] * x + r[3] * y + r[6] * depth,
    cam.eye[1] + r[1] * x + r[4] * y + r[7] * depth,
    cam.eye[2] + r[2] * x + r[5] * y + r[8] * depth,
  ];
}

/**
 * From a GL-style camera (three.js PerspectiveCamera: position, look target, up, vertical fov in
 * degrees) rendered into a width x height canvas. GL looks down -z with y up; this model looks down
 * +z with y down, which is the same view with the image rows flipped, so lookAt gives it directly.
 */
export function fromGlCamera(
  gl: { position: Vec3; target: Vec3; up: Vec3; fovDeg: number; near?: number },
  width: number,
  height: number,
): Camera {
  return lookAt(gl.position, gl.target, gl.up, perspectiveIntrinsics(width, height, (gl.fovDeg * Math.PI) / 180), gl.near ?? 0.05);
}

/** Same camera at another resolution (same field of view), e.g. the model input size. */
export function resizeCamera(cam: Camera, width: number, height: number): Camera {
  const sx = width / cam.width;
  const sy = height / cam.height;
  return { ...cam, width, height, fx: cam.fx * sx, fy: cam.fy * sy, cx: cam.cx * sx, cy: cam.cy * sy };
}
