import type { SceneGeometry } from '../scene/sceneGeometry';

/** How far above a low anchor (scan units) an object surface counts as covering it. */
const COVER_HEIGHT = 1.5;

/**
 * An anchor's height above the terrain as the click engine reads it to pick a side of the ground
 * line (NaN unknown). Its own height, except that a point within `tolerance` of the terrain with
 * object points right above it (a car's sill or underside, a bumper, the foot of a bench) is an
 * object click, not a ground click: it reads as `tolerance`. Without this, a click low on a car
 * labelled the whole terrain. Ground next to an object stays ground: only points within a
 * quarter cell horizontally and up to COVER_HEIGHT above, on the object side, cover it.
 */
export function anchorHeight(geometry: SceneGeometry, id: number, tolerance: number): number {
  const hag = geometry.hag;
  if (!hag) return NaN;
  const h = hag[geometry.slotOf(id)]!;
  if (!(h < tolerance)) return h;
  return coveredByObject(geometry, id, tolerance) ? tolerance : h;
}

function coveredByObject(geometry: SceneGeometry, id: number, tolerance: number): boolean {
  const g = geometry.grid;
  const hag = geometry.hag!;
  const P = geometry.positions;
  const [x, y, z] = geometry.position(id);
  const reach = 0.25 * g.cellSize;
  const r2 = reach * reach;
  const layers = Math.ceil(COVER_HEIGHT / g.cellSize);
  const i0 = Math.floor((x - reach - g.min[0]) / g.cellSize);
  const i1 = Math.floor((x + reach - g.min[0]) / g.cellSize);
  const j0 = Math.floor((y - reach - g.min[1]) / g.cellSize);
  const j1 = Math.floor((y + reach - g.min[1]) / g.cellSize);
  const k0 = Math.floor((z - g.min[2]) / g.cellSize);
  for (let k = k0; k <= k0 + layers; k++)
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const c = g.cellAt(i, j, k);
        if (c < 0) continue;
        for (let s = g.cellStart[c]!; s < g.cellStart[c + 1]!; s++) {
          const dz = P[s * 3 + 2]! - z;
          if (dz <= tolerance || dz > COVER_HEIGHT || !(hag[s]! >= tolerance)) continue;
          const dx = P[s * 3]! - x;
          const dy = P[s * 3 + 1]! - y;
          if (dx * dx + dy * dy <= r2) return true;
        }
      }
  return false;
}
