import type { SceneGeometry } from '../scene/sceneGeometry';

/**
 * Ratio of (1 m + height above ground) a preview may span around its anchor. Aerial classes are
 * stacked by height (low vegetation under a crown, bushes beside a roof): 2.5 keeps a click at
 * 0.4 m below 2.5 m and a crown click at 8 m above 2.6 m, while a crown or roof keeps its own
 * vertical extent. The metre offset keeps the band from collapsing near the ground.
 */
export const HEIGHT_BAND_RATIO = 2.5;

/** A cell this planar with a normal this close to horizontal is a wall: it spans heights by nature. */
const WALL_PLANARITY = 0.5;
const WALL_NORMAL_Z = 0.35;

/** Slot-level filter on height above ground; `ok(slot)` is false for slots outside every anchor's band. */
export interface HeightBand {
  lo: number;
  hi: number;
  ok(slot: number): boolean;
}

/**
 * The heights a preview from these (object-side) anchors may keep: the hull of each anchor's band
 * [(1 + h) / r - 1, (1 + h) * r - 1]. Wall slots (planar, vertical cells) are exempt, so a roof
 * click keeps the facade under it; an anchor on a wall gets no band at all (a facade joins ground
 * level to the roof). Null when there is no terrain model or no anchor height is known.
 */
export function heightBand(geometry: SceneGeometry, anchorHags: number[], anchorIds: number[], ratio = HEIGHT_BAND_RATIO): HeightBand | null {
  const hag = geometry.hag;
  if (!hag || !(ratio > 1)) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < anchorHags.length; i++) {
    const h = anchorHags[i]!;
    if (Number.isNaN(h)) continue;
    if (isWallCell(geometry, geometry.grid.cellOfPoint[anchorIds[i]!]!)) return null;
    const base = 1 + Math.max(0, h);
    lo = Math.min(lo, base / ratio - 1);
    hi = Math.max(hi, base * ratio - 1);
  }
  if (!(hi >= lo)) return null;
  const cellOfSlot = geometry.grid.cellOfSlot;
  return {
    lo,
    hi,
    ok: (s) => {
      const h = hag[s]!;
      return (h >= lo && h <= hi) || Number.isNaN(h) || isWallCell(geometry, cellOfSlot[s]!);
    },
  };
}

function isWallCell(geometry: SceneGeometry, c: number): boolean {
  return geometry.cellPlanarity[c]! >= WALL_PLANARITY && Math.abs(geometry.cellNormal[c * 3 + 2]!) <= WALL_NORMAL_Z;
}

const groundNoise = new WeakMap<SceneGeometry, number>();

/**
 * The ground line the refinement splits object from terrain at: `tolerance`, or less where the
 * terrain model fits the scan's ground tightly (3x the 90th percentile of |height| among points
 * within `tolerance`, sampled; at least 5 cm). On flat, precise aerial ground (a few cm of noise)
 * a fixed 0.3 m line put low vegetation on the terrain side: a click on it labelled the whole
 * ground.
 */
export function groundLine(geometry: SceneGeometry, tolerance: number): number {
  const hag = geometry.hag;
  if (!hag) return tolerance;
  let noise = groundNoise.get(geometry);
  if (noise === undefined) {
    const step = Math.max(1, Math.floor(hag.length / 200_000));
    const near: number[] = [];
    for (let s = 0; s < hag.length; s += step) {
      const a = Math.abs(hag[s]!);
      if (a < tolerance) near.push(a);
    }
    near.sort((a, b) => a - b);
    noise = near.length >= 20 ? near[Math.floor(near.length * 0.9)]! : Infinity;
    groundNoise.set(geometry, noise);
  }
  return Math.min(tolerance, Math.max(0.05, 3 * noise));
}

/** Cells this scattered are vegetation-like; cells this flat and level are roofs or ground. */
const SCATTERED_PLANARITY = 0.6;
const FLAT_PLANARITY = 0.9;
const LEVEL_NORMAL_Z = 0.8;

/**
 * For anchors in scattered regions (a crown, a bush): a predicate that drops slots in flat, level
 * cells (a roof next to the crown, which the masks take along where the two touch). Null when any
 * anchor is not in a scattered region: roof and facade clicks keep what they had. A region, not a
 * cell: a roof corner's cell (roof and two walls) reads as scattered too, its neighbours do not.
 */
export function scatteredAnchorFilter(geometry: SceneGeometry, anchorIds: number[]): ((slot: number) => boolean) | null {
  if (anchorIds.length === 0) return null;
  for (const id of anchorIds) if (!inScatteredRegion(geometry, geometry.grid.cellOfPoint[id]!)) return null;
  const cellOfSlot = geometry.grid.cellOfSlot;
  return (s) => {
    const c = cellOfSlot[s]!;
    return !(geometry.cellPlanarity[c]! >= FLAT_PLANARITY && Math.abs(geometry.cellNormal[c * 3 + 2]!) >= LEVEL_NORMAL_Z);
  };
}

/** The cell and most of its non-empty 26 neighbours are scattered. */
function inScatteredRegion(geometry: SceneGeometry, cell: number): boolean {
  const pl = geometry.cellPlanarity;
  if (!(pl[cell]! < SCATTERED_PLANARITY)) return false;
  let scattered = 0;
  let all = 0;
  geometry.grid.forEachNeighbourCell(cell, (nb) => {
    all++;
    if (pl[nb]! < SCATTERED_PLANARITY) scattered++;
  });
  return scattered * 2 > all;
}
