import type { RenderedView } from '../render/view';
import type { SceneGeometry } from '../scene/sceneGeometry';
import type { VoteBuffer } from './votes';

/**
 * Mask pixels -> the points or faces they show, added to `votes` with weight `weight`.
 *
 * Points: every splatted point whose centre pixel passes the depth test (not behind the surface
 * drawn there, within its splat tolerance) is seen; it is inside if its centre pixel is in the mask.
 * Testing points rather than reading the id buffer matters: in dense regions most points are
 * overdrawn by their neighbours' splats and would otherwise never count as seen.
 * Faces: exact from the id buffer; a face's vote is the fraction of its pixels inside the mask.
 * Votes are keyed by the element's slot in `geometry` (voxel order), which keeps refinement's
 * memory access sequential. Returns how many elements were seen and how many were inside.
 */
export function liftMask(view: RenderedView, mask: Uint8Array, weight: number, votes: VoteBuffer, geometry: SceneGeometry): { seen: number; inside: number } {
  let seen = 0;
  let inside = 0;
  if (view.splatted) {
    const s = view.splatted;
    const depth = view.depth;
    for (let i = 0; i < s.count; i++) {
      const p = s.pixel[i]!;
      if (p < 0) continue;
      if (s.depth[i]! > depth[p]! + s.tolerance[i]!) continue;
      const m = mask[p]!;
      votes.add(s.slots[i]!, weight, m ? weight : 0);
      seen++;
      if (m) inside++;
    }
    return { seen, inside };
  }
  // Faces: count pixels per face, then vote with the inside fraction.
  const counts = new Map<number, [number, number]>();
  for (let p = 0; p < view.id.length; p++) {
    const f = view.id[p]!;
    if (f < 0) continue;
    let c = counts.get(f);
    if (!c) {
      c = [0, 0];
      counts.set(f, c);
    }
    c[0]++;
    if (mask[p]) c[1]++;
  }
  for (const [f, [total, inMask]] of counts) {
    const frac = inMask / total;
    votes.add(geometry.slotOf(f), weight, weight * frac);
    seen++;
    if (frac >= 0.5) inside++;
  }
  return { seen, inside };
}

/** Ids visible in a mask (the direct lift of a single view, without fusion). */
export function maskIds(view: RenderedView, mask: Uint8Array): Uint32Array {
  const ids = new Set<number>();
  for (let p = 0; p < mask.length; p++) if (mask[p] && view.id[p]! >= 0) ids.add(view.id[p]!);
  return Uint32Array.from([...ids].sort((a, b) => a - b));
}
