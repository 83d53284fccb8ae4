import type { SceneGeometry } from '../scene/sceneGeometry';
import { anchorHeight } from './anchorSide';

/**
 * How far the clicked object reaches, before any rendering: flood the occupied voxel cells from
 * the anchor's cell, staying on the anchor's side of the ground line (object or terrain). Objects
 * are separated by empty cells or by the ground they stand on, so the flood stays on the object
 * and its radius sizes the views: a car gets a close-up (fewer points to draw, more pixels on it),
 * a building a view that holds all of it. The flood stops at `maxRadius` (terrain, long walls).
 */
export function objectRadius(geometry: SceneGeometry, anchorId: number, groundTolerance: number, maxRadius: number): number {
  const g = geometry.grid;
  const start = g.cellOfPoint[anchorId]!;
  const anchorHag = anchorHeight(geometry, anchorId, groundTolerance);
  if (Number.isNaN(anchorHag) || anchorHag < groundTolerance) return maxRadius;
  const a = geometry.position(anchorId);
  const seen = new Set<number>([start]);
  const queue = [start];
  let r2max = 0;
  const cs = g.cellSize;
  const maxR2 = maxRadius * maxRadius;
  for (let h = 0; h < queue.length; h++) {
    const c = queue[h]!;
    const x = g.min[0] + (g.cellI[c]! + 0.5) * cs - a[0];
    const y = g.min[1] + (g.cellJ[c]! + 0.5) * cs - a[1];
    const z = g.min[2] + (g.cellK[c]! + 0.5) * cs - a[2];
    const r2 = x * x + y * y + z * z;
    if (r2 > r2max) r2max = r2;
    if (r2 > maxR2) return maxRadius;
    g.forEachNeighbourCell(c, (nb) => {
      if (seen.has(nb)) return;
      seen.add(nb);
      const hg = geometry.cellHag[nb]!;
      if (!(hg >= groundTolerance)) return;
      queue.push(nb);
    });
  }
  return Math.min(maxRadius, Math.sqrt(r2max) + cs);
}
