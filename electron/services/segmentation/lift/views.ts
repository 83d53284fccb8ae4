import { orbitCamera, perspectiveIntrinsics, project, type Camera, type Vec3 } from '../../../../common/geometry/camera';
import type { RenderedView } from '../render/view';
import type { SceneGeometry } from '../scene/sceneGeometry';
import type { PromptPoint } from '../segmenters/segmenter';

export interface ViewPlan {
  /** How many views around the click (the first faces the clicked surface). */
  views: number;
  /** Camera elevation above the horizon, degrees. */
  elevationDeg: number;
  fovDeg: number;
  /** Largest radius (scan units) around the click that a view shows; views are sized to the object up to this. */
  radius: number;
  /** Smallest view radius (scan units): context around small objects. */
  minRadius: number;
  /** Most points drawn per view; denser neighbourhoods are drawn subsampled (undrawn points count as unseen). */
  pointBudget: number;
  /**
   * Point budget of a ground click's (widest) views: ground is one smooth surface, labelled mostly
   * by growing through what the views skipped, so a coarse view frames it as well as a fine one.
   */
  groundPointBudget: number;
}

export const DEFAULT_PLAN: ViewPlan = { views: 4, elevationDeg: 40, fovDeg: 60, radius: 30, minRadius: 4, pointBudget: 200_000, groundPointBudget: 50_000 };

/**
 * Cameras orbiting the click: evenly spread in azimuth so every side of an object is seen by at
 * least one view (a building's back facade, a car's far side), starting from the side the clicked
 * surface faces. Obliquely from above, as aerial and mobile scans are captured.
 */
export function planViews(center: Vec3, normal: Vec3, plan: ViewPlan, width: number, height: number): Camera[] {
  const horiz = Math.hypot(normal[0], normal[1]);
  const az0 = horiz > 0.3 ? Math.atan2(normal[1], normal[0]) : -Math.PI / 2;
  const fov = (plan.fovDeg * Math.PI) / 180;
  const intr = perspectiveIntrinsics(width, height, fov);
  const distance = plan.radius / Math.tan(fov / 2);
  const elevation = (plan.elevationDeg * Math.PI) / 180;
  const cams: Camera[] = [];
  for (let i = 0; i < plan.views; i++) cams.push(orbitCamera(center, distance, az0 + (2 * Math.PI * i) / plan.views, elevation, intr));
  return cams;
}

const AZIMUTHS = 12;
const ELEVATIONS_DEG = [40, 65, 15];

/**
 * Cameras orbiting the click from directions where the clicked point is actually visible: rays
 * from the anchor towards candidate eyes (12 azimuths x 3 elevations) are marched through the voxel
 * grid, and any point close to the ray hides it. The first view faces the clicked surface most
 * squarely; the others are picked greedily to spread the directions, so an object is seen from as
 * many sides as its anchor is visible from. Grazing directions (surface seen edge-on) are avoided
 * on planar surfaces. Falls back to `planViews` when no candidate is clear (anchor buried in
 * vegetation, say).
 */
export function chooseViews(geometry: SceneGeometry, anchorId: number, plan: ViewPlan, width: number, height: number): Camera[] {
  const center = geometry.position(anchorId);
  const normal = geometry.normal(anchorId);
  const planar = geometry.cellPlanarity[geometry.grid.cellOfPoint[anchorId]!]! > 0.6;
  const fov = (plan.fovDeg * Math.PI) / 180;
  const distance = plan.radius / Math.tan(fov / 2);
  const reach = Math.min(distance, plan.radius * 1.3);
  const candidates: { dir: Vec3; az: number; el: number; incidence: number }[] = [];
  for (const elDeg of ELEVATIONS_DEG)
    for (let a = 0; a < AZIMUTHS; a++) {
      const az = (2 * Math.PI * a) / AZIMUTHS;
      const el = (elDeg * Math.PI) / 180;
      const dir: Vec3 = [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];
      const incidence = Math.abs(dir[0] * normal[0] + dir[1] * normal[1] + dir[2] * normal[2]);
      if (planar && incidence < 0.25) continue;
      if (!rayClear(geometry, center, dir, reach)) continue;
      candidates.push({ dir, az, el, incidence });
    }
  if (candidates.length === 0) return planViews(center, normal, plan, width, height);
  const chosen = [candidates.reduce((b, c) => (c.incidence > b.incidence ? c : b))];
  while (chosen.length < plan.views) {
    let best: (typeof candidates)[number] | null = null;
    let bestSep = -Infinity;
    for (const c of candidates) {
      if (chosen.includes(c)) continue;
      // Maximise the smallest angle to the views already chosen.
      let sep = Infinity;
      for (const h of chosen) sep = Math.min(sep, Math.acos(Math.min(1, c.dir[0] * h.dir[0] + c.dir[1] * h.dir[1] + c.dir[2] * h.dir[2])));
      if (sep > bestSep) {
        bestSep = sep;
        best = c;
      }
    }
    // Directions closer than ~35 degrees add little but time.
    if (!best || bestSep < 0.6) break;
    chosen.push(best);
  }
  const intr = perspectiveIntrinsics(width, height, fov);
  return chosen.map((c) => orbitCamera(center, distance, c.az, c.el, intr));
}

/** True when no point lies within half a cell of the ray from `origin` along `dir` (skipping the anchor's own surroundings). */
export function rayClear(geometry: SceneGeometry, origin: Vec3, dir: Vec3, reach: number): boolean {
  const g = geometry.grid;
  const cs = g.cellSize;
  const P = geometry.positions;
  const r2 = (0.5 * cs) ** 2;
  let last = -1;
  for (let t = 1.5 * cs; t <= reach; t += 0.5 * cs) {
    const c = g.cellContaining(origin[0] + dir[0] * t, origin[1] + dir[1] * t, origin[2] + dir[2] * t);
    if (c < 0 || c === last) continue;
    last = c;
    for (let q = g.cellStart[c]!; q < g.cellStart[c + 1]!; q++) {
      const vx = P[q * 3]! - origin[0];
      const vy = P[q * 3 + 1]! - origin[1];
      const vz = P[q * 3 + 2]! - origin[2];
      const along = vx * dir[0] + vy * dir[1] + vz * dir[2];
      if (along < cs) continue;
      const d2 = vx * vx + vy * vy + vz * vz - along * along;
      if (d2 < r2) return false;
    }
  }
  return true;
}

/**
 * Where a 3D anchor appears in a view, if it is visible there (not hidden behind other
 * surfaces). Visible means the drawn depth at its pixel (or a neighbour's, for anchors on an edge)
 * is not clearly in front of it.
 */
export function projectAnchor(view: RenderedView, position: Vec3, positive: boolean, heightAboveGround = NaN): PromptPoint | null {
  const q = project(view.camera, position);
  if (!q) return null;
  const x = Math.floor(q.u);
  const y = Math.floor(q.v);
  if (x < 0 || y < 0 || x >= view.width || y >= view.height) return null;
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) {
      const px = x + dx;
      const py = y + dy;
      if (px < 0 || py < 0 || px >= view.width || py >= view.height) continue;
      const p = py * view.width + px;
      const z = view.depth[p]!;
      if (!Number.isFinite(z)) continue;
      const tol = 0.1 + 2 * view.spacing[p]! + (2 * z) / view.camera.fx;
      if (q.depth <= z + tol) return Number.isNaN(heightAboveGround) ? { x: q.u, y: q.v, positive } : { x: q.u, y: q.v, positive, heightAboveGround };
    }
  return null;
}

/** Share of the image border covered by the mask: a mask that runs off the view needs a wider view. */
export function borderCoverage(mask: Uint8Array, width: number, height: number): number {
  let hit = 0;
  for (let x = 0; x < width; x++) hit += mask[x]! + mask[(height - 1) * width + x]!;
  for (let y = 1; y < height - 1; y++) hit += mask[y * width]! + mask[y * width + width - 1]!;
  return hit / (2 * (width + height) - 4);
}
