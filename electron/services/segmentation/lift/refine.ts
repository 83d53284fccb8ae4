import type { SceneGeometry } from '../scene/sceneGeometry';
import type { VoxelGrid } from '../spatial/voxelGrid';
import { anchorHeight } from './anchorSide';
import { groundLine, heightBand, scatteredAnchorFilter } from './heightBand';
import type { VoteBuffer } from './votes';

export interface RefineOptions {
  /** Element (point/face) ids of the positive and negative anchors. */
  positives: number[];
  negatives: number[];
  groundTolerance: number;
  /** How far (in voxel cells) to grow into parts no view saw. */
  maxGrowCells: number;
  /** Vote share (inside / seen) from which a seen element belongs to the object. */
  acceptShare: number;
  /**
   * Object clicks keep only elements whose height above ground is within this ratio of the
   * anchor's (on 1 m + height, see heightBand.ts); 0 turns the band off. Default HEIGHT_BAND_RATIO.
   */
  heightBandRatio?: number;
  /** Clicks in scattered regions (crowns) drop flat, level cells (roofs): scatteredAnchorFilter. Default true. */
  offFlatFromScattered?: boolean;
}

export const DEFAULT_REFINE: Omit<RefineOptions, 'positives' | 'negatives'> = { groundTolerance: 0.3, maxGrowCells: 12, acceptShare: 0.5 };

export interface RefineResult {
  /** Ascending element ids of the preview. */
  ids: Uint32Array;
  /** Per id: the vote share for voted elements, 0.5..0.75 for grown ones. */
  confidence: Float32Array;
  voted: number;
  grown: number;
  trimmed: number;
}

/**
 * 3D clean-up of the fused votes (keyed by geometry slot) on the voxel grid:
 * - trim: keep only accepted elements connected (26-neighbour cells) to a positive anchor, on
 *   the anchor's side of the ground line (object vs terrain) and, for object clicks, within a
 *   height band around the anchor's height above ground (heightBand.ts), which removes mask bleed
 *   onto surfaces far away, underneath or stacked above; a click in a crown also drops flat,
 *   level cells (a roof it touches);
 * - grow: add elements no view saw (back facades, the far side of a car, points a view skipped
 *   for its point budget) by flooding from the kept cells into cells of unseen elements, never
 *   through cells that views saw and rejected, never across the ground line, never next to a
 *   negative anchor (on the negative's side of the ground line), at most `maxGrowCells` cells deep.
 */
export function refine(geometry: SceneGeometry, votes: VoteBuffer, options: RefineOptions): RefineResult {
  const g = geometry.grid;
  const cells = g.cellCount;
  const hag = geometry.hag;
  const tol = groundLine(geometry, options.groundTolerance);
  const anchorHags = hag ? options.positives.map((id) => anchorHeight(geometry, id, tol)) : [];
  const groundMode = anchorHags.length > 0 && anchorHags.filter((h) => h < tol).length * 2 > anchorHags.length;
  // Object clicks also stay within a height band around the anchor: a click on low vegetation
  // does not take the crown above it, a crown click not the undergrowth (walls exempt).
  const band = hag && !groundMode ? heightBand(geometry, anchorHags, options.positives, options.heightBandRatio) : null;
  // A click in a crown does not take the flat roof it touches.
  const texture = groundMode || options.offFlatFromScattered === false ? null : scatteredAnchorFilter(geometry, options.positives);
  const sideOfGround = band ? (s: number) => !(hag![s]! < tol) && band.ok(s) : (s: number) => !hag || hag[s]! < tol === groundMode;
  const sideOk = texture ? (s: number) => sideOfGround(s) && texture(s) : sideOfGround;
  const seenW = votes.seen;
  const insideW = votes.inside;

  // Per-cell tallies of seen elements accepted / rejected by the votes.
  const acc = new Int32Array(cells);
  const rej = new Int32Array(cells);
  const touched = votes.touched();
  for (let i = 0; i < touched.length; i++) {
    const s = touched[i]!;
    const seen = seenW[s]!;
    if (seen <= 0) continue;
    const c = g.cellOfSlot[s]!;
    if (insideW[s]! / seen >= options.acceptShare && sideOk(s)) acc[c]!++;
    else rej[c]!++;
  }

  // Connected component of accepted cells around the positive anchors.
  const state = new Uint8Array(cells); // 1 = kept (voted), 2 = grown, 3 = blocked
  const { start: nbStart, list: nbList } = neighbourTable(g);
  const visitNeighbours = (c: number, f: (nb: number) => void) => g.forEachNeighbourCell(c, f);
  // A negative blocks its cell and the neighbours on its side of the ground line (a negative on
  // the ground next to a facade must not wall off the facade), never a positive's own cell.
  const positiveCells = new Set(options.positives.map((id) => g.cellOfPoint[id]!));
  const cellHag = geometry.cellHag;
  for (const id of options.negatives) {
    const ownSide = hag ? anchorHeight(geometry, id, tol) < tol : null;
    visitNeighbours(g.cellOfPoint[id]!, (nb) => {
      if (positiveCells.has(nb)) return;
      if (ownSide !== null && !Number.isNaN(cellHag[nb]!) && cellHag[nb]! < tol !== ownSide) return;
      state[nb] = 3;
    });
  }
  const queue: number[] = [];
  for (const c of positiveCells) {
    state[c] = 1;
    queue.push(c);
  }
  // Floods read a per-scene neighbour table: a ground click visits most cells of the scan, where a
  // callback per neighbour cost several times the work itself.
  for (let h = 0; h < queue.length; h++) {
    const c = queue[h]!;
    for (let e = nbStart[c]!; e < nbStart[c + 1]!; e++) {
      const nb = nbList[e]!;
      if (state[nb] === 0 && acc[nb]! > 0) {
        state[nb] = 1;
        queue.push(nb);
      }
    }
  }

  // Grow through cells whose elements views mostly did not see.
  const depth = new Int32Array(cells);
  const kept = queue.slice();
  let frontier = queue.slice();
  for (let d = 1; d <= options.maxGrowCells && frontier.length > 0; d++) {
    const next: number[] = [];
    for (const c of frontier)
      for (let e = nbStart[c]!; e < nbStart[c + 1]!; e++) {
        const nb = nbList[e]!;
        if (state[nb] !== 0) continue;
        const unseen = g.cellStart[nb + 1]! - g.cellStart[nb]! - acc[nb]! - rej[nb]!;
        if (unseen <= 0 || rej[nb]! > unseen * 0.5) continue;
        state[nb] = 2;
        depth[nb] = d;
        next.push(nb);
        kept.push(nb);
      }
    frontier = next;
  }

  // Confidence per kept slot (0 = not kept), then read back in element id order.
  const confBySlot = scratchFor(geometry);
  let n = 0;
  let voted = 0;
  let grown = 0;
  let trimmed = 0;
  for (let c = 0; c < cells; c++) if (state[c] !== 1) trimmed += acc[c]!;
  for (const c of kept) {
    const st = state[c]!;
    const growConf = Math.max(0.5, 0.75 * Math.pow(0.97, depth[c]!));
    for (let s = g.cellStart[c]!; s < g.cellStart[c + 1]!; s++) {
      const seen = seenW[s]!;
      if (!sideOk(s)) {
        if (st === 1 && seen > 0 && insideW[s]! / seen >= options.acceptShare) trimmed++;
        continue;
      }
      if (seen > 0) {
        const share = insideW[s]! / seen;
        if (share < options.acceptShare || st !== 1) continue;
        confBySlot[s] = share;
        voted++;
      } else {
        confBySlot[s] = growConf;
        grown++;
      }
      n++;
    }
  }
  const { ids, confidence } = readBack(confBySlot, n, kept, geometry);
  return { ids, confidence, voted, grown, trimmed };
}

/**
 * The `n` kept slots (confidence > 0 in `confBySlot`, within the kept cells) as ascending element
 * ids with their confidence; clears what it read. A large preview (a ground click keeps most of a
 * scan) walks every element id once instead of sorting (~10x less for 600k ids); a small one sorts
 * its ids natively (a comparator sort over an index array cost ~20 ms per 50k ids).
 */
function readBack(confBySlot: Float32Array, n: number, kept: number[], geometry: SceneGeometry): { ids: Uint32Array; confidence: Float32Array } {
  const ids = new Uint32Array(n);
  const confidence = new Float32Array(n);
  const slotOf = geometry.sortedIndexOf;
  if (n * 16 >= geometry.pointCount) {
    let k = 0;
    for (let id = 0; id < slotOf.length && k < n; id++) {
      const s = slotOf[id]!;
      const c = confBySlot[s]!;
      if (c === 0) continue;
      ids[k] = id;
      confidence[k++] = c;
      confBySlot[s] = 0;
    }
    return { ids, confidence };
  }
  const g = geometry.grid;
  let k = 0;
  for (const c of kept) for (let s = g.cellStart[c]!; s < g.cellStart[c + 1]!; s++) if (confBySlot[s]! > 0) ids[k++] = g.order[s]!;
  ids.sort();
  for (let i = 0; i < n; i++) {
    const s = slotOf[ids[i]!]!;
    confidence[i] = confBySlot[s]!;
    confBySlot[s] = 0;
  }
  return { ids, confidence };
}

const neighbourTables = new WeakMap<VoxelGrid, { start: Int32Array; list: Int32Array }>();

/** The non-empty 27-neighbourhood of every cell (itself included) as one CSR table, built once per grid. */
function neighbourTable(g: VoxelGrid): { start: Int32Array; list: Int32Array } {
  let t = neighbourTables.get(g);
  if (!t) {
    const start = new Int32Array(g.cellCount + 1);
    let list = new Int32Array(g.cellCount * 12);
    let n = 0;
    for (let c = 0; c < g.cellCount; c++) {
      g.forEachNeighbourCell(c, (nb) => {
        if (n === list.length) {
          const grown = new Int32Array(list.length * 2);
          grown.set(list);
          list = grown;
        }
        list[n++] = nb;
      });
      start[c + 1] = n;
    }
    t = { start, list: list.slice(0, n) };
    neighbourTables.set(g, t);
  }
  return t;
}

const scratch = new WeakMap<SceneGeometry, Float32Array>();

/** One per-slot buffer per scene, reused across clicks (zero between clicks: readBack clears what was written). */
function scratchFor(geometry: SceneGeometry): Float32Array {
  let s = scratch.get(geometry);
  if (!s) {
    s = new Float32Array(geometry.pointCount);
    scratch.set(geometry, s);
  }
  return s;
}
