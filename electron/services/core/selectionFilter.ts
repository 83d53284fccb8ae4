import type { SelectPolygonParams } from '../../../common/contracts/scans';
import { unlabeledCode } from '../labels/flags';
import type { LayerLabels } from '../labels/labelStore';

export type SelectionFilter = NonNullable<SelectPolygonParams['filter']>;

export interface SelectionLayers {
  user: () => LayerLabels | null;
  predicted: () => LayerLabels | null;
}

/**
 * What the viewer hides, split in two so the octree path can decide the position part per node:
 * `shownAt` tests a position (height slice, clipping box), `shownLabel` a point index (hidden, isolated,
 * unlabeled-only classes). Either is null when it hides nothing.
 */
export interface VisibilityTests {
  shownAt: ((x: number, y: number, z: number) => boolean) | null;
  shownLabel: ((i: number) => boolean) | null;
  /** The box the position filters keep (infinite where they do not limit), for whole-node decisions. */
  keep: { min: [number, number, number]; max: [number, number, number] };
}

export function visibilityTests(filter: SelectionFilter, layers: SelectionLayers): VisibilityTests {
  const slice = filter.heightSlice;
  const clip = filter.clipBox;
  const min: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const max: [number, number, number] = [Infinity, Infinity, Infinity];
  if (clip)
    for (let k = 0; k < 3; k++) {
      min[k] = clip.min[k]!;
      max[k] = clip.max[k]!;
    }
  if (slice) {
    min[2] = Math.max(min[2], slice[0]);
    max[2] = Math.min(max[2], slice[1]);
  }
  // Same comparisons as before the split: a point on the box's face is kept.
  const shownAt =
    slice || clip
      ? (x: number, y: number, z: number) => x >= min[0] && x <= max[0] && y >= min[1] && y <= max[1] && z >= min[2] && z <= max[2]
      : null;

  const needUser = filter.unlabeledOnly || (filter.hiddenClasses?.length ?? 0) > 0 || filter.isolate !== undefined;
  const user = needUser ? layers.user() : null;
  if (!user) return { shownAt, shownLabel: null, keep: { min, max } };
  const predicted = filter.isolate !== undefined ? layers.predicted() : null;
  const noneUser = unlabeledCode(user.classes instanceof Uint8Array ? 1 : 2);
  const nonePred = predicted ? unlabeledCode(predicted.classes instanceof Uint8Array ? 1 : 2) : -1;
  const hidden = new Set(filter.hiddenClasses ?? []);
  const shownLabel = (i: number): boolean => {
    const label = user.classes[i]!;
    if (filter.unlabeledOnly && label !== noneUser) return false;
    if (hidden.size > 0 && label !== noneUser && hidden.has(label)) return false;
    if (filter.isolate !== undefined) {
      const shown = label !== noneUser ? label : predicted && predicted.classes[i] !== nonePred ? predicted.classes[i]! : -1;
      if (shown !== filter.isolate) return false;
    }
    return true;
  };
  return { shownAt, shownLabel, keep: { min, max } };
}
