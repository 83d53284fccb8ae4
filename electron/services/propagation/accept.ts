import type { EditCommand } from '../labels/labelStore';

export type AcceptRegion = { points: Uint32Array } | { aabb: { min: readonly [number, number, number]; max: readonly [number, number, number] } };

export interface AcceptCriteria {
  /** Only predictions of these classes (default: all). */
  classes?: readonly number[];
  /** Only points in this set or box (scan-local coordinates). */
  region?: AcceptRegion;
  /** Only predictions at least this confident (0..255). */
  minConfidence?: number;
}

export interface AcceptSelection {
  /** Accepted points, ascending, and the class each takes. */
  points: Uint32Array;
  classes: Uint16Array;
  /** Point count per class. */
  perClass: Map<number, number>;
}

/**
 * Which predictions the user accepts: by class, by region (point set or box) and/or above a
 * confidence. User-labelled and locked points are never selected, whatever the predicted layer says.
 */
export function selectPredictions(
  predicted: { classes: Uint16Array; confidence: Uint8Array },
  userLabels: Uint16Array,
  locked: Uint8Array | null,
  positions: Float32Array,
  criteria: AcceptCriteria = {},
): AcceptSelection {
  const n = predicted.classes.length;
  const classOk = criteria.classes ? new Set(criteria.classes) : null;
  const min = criteria.minConfidence ?? 0;
  const region = criteria.region;
  const ok = (p: number) => {
    const c = predicted.classes[p]!;
    if (c === 0 || userLabels[p] !== 0 || (locked && locked[p])) return false;
    if (predicted.confidence[p]! < min) return false;
    if (classOk && !classOk.has(c)) return false;
    if (region && 'aabb' in region) {
      const { min: lo, max: hi } = region.aabb;
      for (let k = 0; k < 3; k++) {
        const v = positions[p * 3 + k]!;
        if (v < lo[k]! || v > hi[k]!) return false;
      }
    }
    return true;
  };
  const hits: number[] = [];
  if (region && 'points' in region) {
    const sorted = Uint32Array.from(region.points).sort();
    let prev = -1;
    for (const p of sorted) if (p !== prev && p < n && ok(p)) hits.push((prev = p));
  } else for (let p = 0; p < n; p++) if (ok(p)) hits.push(p);
  const points = Uint32Array.from(hits);
  const classes = new Uint16Array(points.length);
  const perClass = new Map<number, number>();
  for (let i = 0; i < points.length; i++) {
    const c = predicted.classes[points[i]!]!;
    classes[i] = c;
    perClass.set(c, (perClass.get(c) ?? 0) + 1);
  }
  return { points, classes, perClass };
}

/**
 * The store edit that accepts a selection: the labels service's 'accept' command copies class and
 * confidence from the predicted layer into the user layer for exactly these points, as one
 * undoable edit.
 */
export function acceptCommand(scanId: string, selection: AcceptSelection, fromLayer = 'predicted'): EditCommand {
  return { kind: 'accept', scanId, fromLayer, points: selection.points };
}
