import * as THREE from 'three';
import type { ClipBox, Vec3 } from './clipBox';

/** A face handle ('x-' is the min-x face, 'z+' the top) or the box body (its edges and the centre knob). */
export type ClipPart = 'x-' | 'x+' | 'y-' | 'y+' | 'z-' | 'z+' | 'body';
export const FACE_PARTS: readonly Exclude<ClipPart, 'body'>[] = ['x-', 'x+', 'y-', 'y+', 'z-', 'z+'];

/** Handle radius and pick tolerances, CSS pixels: sized on screen so they stay grabbable at any zoom. */
const HANDLE_PX = 7;
const PICK_HANDLE_PX = 11;
const PICK_EDGE_PX = 6;
/** The thinnest a dragged box may get, as a fraction of its size at drag start (min stays below max). */
const MIN_THICKNESS = 1e-3;

const COLOR = { face: 0xffa94d, body: 0xffffff, hover: 0x4dabf7 } as const;

/** Where the box's parts appear on the canvas (CSS pixels); `depth` is the distance along the view, <= 0 when behind. */
interface Projected {
  x: number;
  y: number;
  depth: number;
}

/** The twelve edges of a box as pairs of corner indices (corner bit k set = max on axis k). */
const EDGES: [number, number][] = [];
for (let a = 0; a < 8; a++) for (let k = 0; k < 3; k++) if (!(a & (1 << k))) EDGES.push([a, a | (1 << k)]);

export function faceCentre(box: ClipBox, part: Exclude<ClipPart, 'body'>): Vec3 {
  const k = axisOf(part);
  const c: Vec3 = [(box.min[0] + box.max[0]) / 2, (box.min[1] + box.max[1]) / 2, (box.min[2] + box.max[2]) / 2];
  c[k] = part.endsWith('+') ? box.max[k]! : box.min[k]!;
  return c;
}

function axisOf(part: Exclude<ClipPart, 'body'>): number {
  return part.charCodeAt(0) - 'x'.charCodeAt(0);
}

function centreOf(box: ClipBox): Vec3 {
  return [(box.min[0] + box.max[0]) / 2, (box.min[1] + box.max[1]) / 2, (box.min[2] + box.max[2]) / 2];
}

/** Squared distance from (px, py) to the segment a-b. */
function segmentDist2(px: number, py: number, a: Projected, b: Projected): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - a.x) * dx + (py - a.y) * dy) / len2)) : 0;
  const ex = a.x + t * dx - px;
  const ey = a.y + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * What a drag does to the box, the pointer having moved from `from` to `to` (canvas CSS pixels). A face
 * handle moves its face along its axis so that the point grabbed stays under the pointer (the axis point
 * nearest the pointer's ray: perspective-correct); the body moves in the plane facing the camera through
 * the box centre.
 */
export function draggedBox(
  start: ClipBox,
  part: ClipPart,
  camera: THREE.PerspectiveCamera,
  viewport: { width: number; height: number },
  from: readonly [number, number],
  to: readonly [number, number],
): ClipBox {
  const next: ClipBox = { min: [...start.min], max: [...start.max] };
  if (part === 'body') {
    // World units per CSS pixel at the box centre's depth, along the camera's right and up axes.
    const c = new THREE.Vector3(...centreOf(start));
    const depth = c.clone().sub(camera.position).dot(camera.getWorldDirection(new THREE.Vector3()));
    const perPx = (2 * Math.max(1e-6, depth) * Math.tan(THREE.MathUtils.degToRad(camera.fov / 2))) / Math.max(1, viewport.height);
    const right = new THREE.Vector3().setFromMatrixColumn(camera.matrixWorld, 0);
    const up = new THREE.Vector3().setFromMatrixColumn(camera.matrixWorld, 1);
    const move = right.multiplyScalar((to[0] - from[0]) * perPx).addScaledVector(up, -(to[1] - from[1]) * perPx);
    for (let k = 0; k < 3; k++) {
      next.min[k] = start.min[k]! + move.getComponent(k);
      next.max[k] = start.max[k]! + move.getComponent(k);
    }
    return next;
  }
  const k = axisOf(part);
  const origin = new THREE.Vector3(...faceCentre(start, part));
  const axis = new THREE.Vector3().setComponent(k, 1);
  const t0 = axisParamAt(origin, axis, camera, viewport, from);
  const t1 = axisParamAt(origin, axis, camera, viewport, to);
  // An axis seen end-on gives no direction to follow: the face stays put rather than jumping.
  if (t0 === null || t1 === null) return next;
  const delta = t1 - t0;
  const thin = Math.max(1e-6, (start.max[k]! - start.min[k]!) * MIN_THICKNESS);
  if (part.endsWith('+')) next.max[k] = Math.max(start.min[k]! + thin, start.max[k]! + delta);
  else next.min[k] = Math.min(start.max[k]! - thin, start.min[k]! + delta);
  return next;
}

/** Sine of the smallest angle between the axis and the pointer's ray for which a face still follows it. */
const MIN_AXIS_SIN = 0.1;

/**
 * Where on the line origin + t * axis (unit axis) the pointer's ray passes closest: that t, or null when
 * the axis points almost along the ray or the closest point is behind the camera.
 */
function axisParamAt(
  origin: THREE.Vector3,
  axis: THREE.Vector3,
  camera: THREE.PerspectiveCamera,
  viewport: { width: number; height: number },
  [x, y]: readonly [number, number],
): number | null {
  const ray = new THREE.Vector3((x / viewport.width) * 2 - 1, 1 - (y / viewport.height) * 2, 0.5).unproject(camera).sub(camera.position).normalize();
  const w = origin.clone().sub(camera.position);
  const b = axis.dot(ray);
  const denom = 1 - b * b;
  if (denom < MIN_AXIS_SIN * MIN_AXIS_SIN) return null;
  const d = axis.dot(w);
  const e = ray.dot(w);
  const s = (e - b * d) / denom; // distance along the ray
  if (s <= camera.near) return null;
  return (b * e - d) / denom;
}

function toScreen(p: THREE.Vector3, camera: THREE.PerspectiveCamera, viewport: { width: number; height: number }): Projected {
  const depth = p.clone().sub(camera.position).dot(camera.getWorldDirection(new THREE.Vector3()));
  const ndc = p.clone().project(camera);
  return { x: ((ndc.x + 1) / 2) * viewport.width, y: ((1 - ndc.y) / 2) * viewport.height, depth };
}

/**
 * The clip box's direct-manipulation handles: a knob on each face (drag to move that face) and one at
 * the centre (drag, or drag an edge, to move the whole box). Drawn over the points (no depth test) and
 * sized in screen pixels each frame; the part under the pointer is highlighted.
 */
export class ClipBoxHandles {
  readonly object = new THREE.Group();
  private readonly knobs = new Map<ClipPart, THREE.Mesh>();
  private readonly geometry = new THREE.SphereGeometry(1, 12, 8);
  private readonly materials = new Map<ClipPart, THREE.MeshBasicMaterial>();
  /** The face under the pointer (or being dragged), shaded so it is clear which face a knob moves. */
  private readonly faceQuad: THREE.Mesh;
  private box: ClipBox | null = null;
  hovered: ClipPart | null = null;

  constructor() {
    this.object.visible = false;
    this.object.renderOrder = 3;
    for (const part of [...FACE_PARTS, 'body'] as const) {
      const material = new THREE.MeshBasicMaterial({ color: part === 'body' ? COLOR.body : COLOR.face, depthTest: false, depthWrite: false, transparent: true });
      const knob = new THREE.Mesh(this.geometry, material);
      knob.renderOrder = 3;
      knob.frustumCulled = false;
      this.materials.set(part, material);
      this.knobs.set(part, knob);
      this.object.add(knob);
    }
    this.faceQuad = new THREE.Mesh(
      new THREE.PlaneGeometry(1, 1),
      new THREE.MeshBasicMaterial({ color: COLOR.hover, transparent: true, opacity: 0.18, side: THREE.DoubleSide, depthTest: false, depthWrite: false }),
    );
    this.faceQuad.renderOrder = 2;
    this.faceQuad.frustumCulled = false;
    this.faceQuad.visible = false;
    this.object.add(this.faceQuad);
  }

  show(box: ClipBox | null) {
    this.box = box;
    this.object.visible = !!box;
    if (!box) this.setHovered(null);
  }

  /** Places and sizes the knobs for this camera (each frame): a constant size on screen. */
  update(camera: THREE.PerspectiveCamera, viewportHeight: number) {
    const box = this.box;
    if (!box) return;
    const dir = camera.getWorldDirection(new THREE.Vector3());
    const perPxAtUnit = (2 * Math.tan(THREE.MathUtils.degToRad(camera.fov / 2))) / Math.max(1, viewportHeight);
    for (const [part, knob] of this.knobs) {
      const p = part === 'body' ? centreOf(box) : faceCentre(box, part);
      knob.position.set(...p);
      const depth = Math.max(camera.near, knob.position.clone().sub(camera.position).dot(dir));
      knob.scale.setScalar(HANDLE_PX * (part === 'body' ? 0.8 : 1) * depth * perPxAtUnit);
      knob.updateMatrixWorld(true);
    }
    this.placeFaceQuad(box);
  }

  private placeFaceQuad(box: ClipBox) {
    const part = this.hovered;
    const q = this.faceQuad;
    q.visible = !!part && part !== 'body';
    if (!part || part === 'body') return;
    const size = [0, 1, 2].map((k) => Math.max(1e-6, box.max[k]! - box.min[k]!));
    q.position.set(...faceCentre(box, part));
    // The plane lies in local xy: turn it to face along the handle's axis, then size it to that face.
    const [rx, ry, w, h] = part[0] === 'x' ? [0, Math.PI / 2, size[2]!, size[1]!] : part[0] === 'y' ? [Math.PI / 2, 0, size[0]!, size[2]!] : [0, 0, size[0]!, size[1]!];
    q.rotation.set(rx, ry, 0);
    q.scale.set(w, h, 1);
    q.updateMatrixWorld(true);
  }

  /** The part under canvas position (x, y): a knob within reach first (nearest), else a box edge (the body). */
  hit(x: number, y: number, camera: THREE.PerspectiveCamera, viewport: { width: number; height: number }): ClipPart | null {
    const box = this.box;
    if (!box) return null;
    let best: ClipPart | null = null;
    let bestD2 = PICK_HANDLE_PX * PICK_HANDLE_PX;
    for (const part of [...FACE_PARTS, 'body'] as const) {
      const s = toScreen(new THREE.Vector3(...(part === 'body' ? centreOf(box) : faceCentre(box, part))), camera, viewport);
      if (s.depth <= camera.near) continue;
      const d2 = (s.x - x) ** 2 + (s.y - y) ** 2;
      if (d2 <= bestD2) {
        best = part;
        bestD2 = d2;
      }
    }
    if (best) return best;
    const corners = [...Array(8).keys()].map((a) =>
      toScreen(new THREE.Vector3(a & 1 ? box.max[0] : box.min[0], a & 2 ? box.max[1] : box.min[1], a & 4 ? box.max[2] : box.min[2]), camera, viewport),
    );
    for (const [i, j] of EDGES) {
      const a = corners[i]!;
      const b = corners[j]!;
      if (a.depth <= camera.near || b.depth <= camera.near) continue;
      if (segmentDist2(x, y, a, b) <= PICK_EDGE_PX * PICK_EDGE_PX) return 'body';
    }
    return null;
  }

  /** Canvas positions (CSS pixels) of the knobs, for the test hook; null when hidden. */
  screenPositions(camera: THREE.PerspectiveCamera, viewport: { width: number; height: number }): Record<ClipPart, [number, number]> | null {
    const box = this.box;
    if (!box) return null;
    const out = {} as Record<ClipPart, [number, number]>;
    for (const part of [...FACE_PARTS, 'body'] as const) {
      const s = toScreen(new THREE.Vector3(...(part === 'body' ? centreOf(box) : faceCentre(box, part))), camera, viewport);
      out[part] = [s.x, s.y];
    }
    return out;
  }

  /** Highlights one part (null: none); returns whether that changed (a redraw is needed). */
  setHovered(part: ClipPart | null): boolean {
    if (part === this.hovered) return false;
    this.hovered = part;
    for (const [p, m] of this.materials) m.color.setHex(p === part ? COLOR.hover : p === 'body' ? COLOR.body : COLOR.face);
    return true;
  }

  dispose() {
    this.geometry.dispose();
    for (const m of this.materials.values()) m.dispose();
    this.faceQuad.geometry.dispose();
    (this.faceQuad.material as THREE.Material).dispose();
  }
}
