import type { Vec3 } from '../../../../common/geometry/camera';
import type { ClickScene } from './clickScene';
import type { OctreePointSource } from './octreePointSource';
import { SceneGeometry } from './sceneGeometry';

/** A point the window must hold whatever its level (a clicked point may sit in a deeper node). */
export interface WindowAnchor {
  id: number;
  position: Vec3;
}

/**
 * The loaded neighbourhood of a click on an octree scan: the points within `radius` of `center`
 * at the finest level that fits the point budget, as a click scene whose element ids are window
 * slots (0..count-1); `ids` maps them to the scan's point indices. The click engine renders,
 * segments, lifts and refines on it unchanged, so refinement only ever sees loaded points.
 */
export interface ClickWindow {
  scene: Extract<ClickScene, { kind: 'points' }>;
  /** Window element -> scan point index. */
  ids: Uint32Array;
  center: Vec3;
  radius: number;
  /** Spacing of the deepest level read (Infinity-free: the deepest level's when read in full). */
  spacing: number;
  /** True when every level was read (full resolution). */
  full: boolean;
  /** Deepest level read (Infinity when full). */
  level: number;
  /** Scan ids of clicked points from deeper levels, added to the window. */
  appended: Uint32Array;
}

export interface WindowOptions {
  /** Most points in the window (default 600k): coarser levels are read beyond it. */
  pointBudget?: number;
  anchors?: WindowAnchor[];
}

export const DEFAULT_WINDOW_POINTS = 600_000;

/** Loads the window: picks the level from the hierarchy's counts, reads those nodes, builds the scene. */
export async function loadClickWindow(source: OctreePointSource, scanId: string, center: Vec3, radius: number, options: WindowOptions = {}): Promise<ClickWindow> {
  const budget = options.pointBudget ?? DEFAULT_WINDOW_POINTS;
  const deepest = source.store.nodes.reduce((m, n) => Math.max(m, n.level), 0);
  let maxSpacing: number | undefined;
  if (source.countNear(center, radius) > budget) {
    // Coarser until the sphere's nodes fit (node counts over-cover the sphere: a safe estimate).
    for (let l = deepest - 1; l >= 0; l--) {
      maxSpacing = source.spacingOf(l);
      if (source.countNear(center, radius, maxSpacing) <= budget) break;
    }
  }
  await source.load(center, radius, maxSpacing);

  const r2 = radius * radius;
  let count = 0;
  source.visitNear(
    center,
    radius,
    (chunk, start, end) => {
      for (let s = start; s < end; s++) if (dist2(chunk.positions, s, center) <= r2) count++;
    },
    maxSpacing,
  );
  const extra = options.anchors ?? [];
  const cap = count + extra.length;
  const positions = new Float32Array(cap * 3);
  const ids = new Uint32Array(cap);
  let colors: Uint8Array | null = null;
  let hag: Float32Array | null = source.hasTerrain ? new Float32Array(cap) : null;
  let n = 0;
  source.visitNear(
    center,
    radius,
    (chunk, start, end) => {
      if (chunk.colors && !colors) colors = new Uint8Array(cap * 3).fill(170);
      for (let s = start; s < end; s++) {
        if (dist2(chunk.positions, s, center) > r2) continue;
        positions[n * 3] = chunk.positions[s * 3]!;
        positions[n * 3 + 1] = chunk.positions[s * 3 + 1]!;
        positions[n * 3 + 2] = chunk.positions[s * 3 + 2]!;
        if (colors && chunk.colors) for (let k = 0; k < 3; k++) colors[n * 3 + k] = chunk.colors[s * 3 + k]!;
        if (hag) hag[n] = chunk.heightAboveGround ? chunk.heightAboveGround[s]! : NaN;
        ids[n++] = chunk.ids[s]!;
      }
    },
    maxSpacing,
  );
  // Clicked points from deeper levels join the window, coloured like their nearest loaded neighbour.
  const loaded = n;
  for (const a of extra) {
    if (ids.subarray(0, n).includes(a.id)) continue;
    positions.set(a.position, n * 3);
    const near = nearest(positions, loaded, a.position);
    if (colors && near >= 0) for (let k = 0; k < 3; k++) (colors as Uint8Array)[n * 3 + k] = (colors as Uint8Array)[near * 3 + k]!;
    if (hag) hag[n] = source.heightAt(a.position[0], a.position[1], a.position[2]);
    ids[n++] = a.id;
  }
  const used = <T extends Float32Array | Uint8Array | Uint32Array>(a: T, k: number) => a.subarray(0, n * k) as T;
  if (hag && hag.subarray(0, n).every((h) => Number.isNaN(h))) hag = null;
  const geometry = new SceneGeometry(used(positions, 3), colors ? used(colors as Uint8Array, 3) : null, hag ? { hag: used(hag, 1) } : {});
  const full = maxSpacing === undefined;
  const level = full ? Infinity : source.levelFor(maxSpacing);
  return {
    scene: { kind: 'points', scanId, geometry, elementCount: n },
    ids: ids.slice(0, n),
    center,
    radius,
    spacing: source.spacingOf(full ? deepest : level),
    full,
    level,
    appended: ids.slice(loaded, n),
  };
}

/** Window element of a scan point index, or -1 when the window does not hold it. */
export function windowElementOf(w: ClickWindow, id: number): number {
  return w.ids.indexOf(id);
}

function dist2(P: Float32Array, s: number, c: Vec3): number {
  const dx = P[s * 3]! - c[0];
  const dy = P[s * 3 + 1]! - c[1];
  const dz = P[s * 3 + 2]! - c[2];
  return dx * dx + dy * dy + dz * dz;
}

function nearest(P: Float32Array, n: number, c: Vec3): number {
  let best = -1;
  let bestD = Infinity;
  for (let s = 0; s < n; s++) {
    const d = dist2(P, s, c);
    if (d < bestD) {
      bestD = d;
      best = s;
    }
  }
  return best;
}
