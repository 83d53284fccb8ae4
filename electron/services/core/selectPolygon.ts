import type { SelectPolygonParams } from '../../../common/contracts/scans';
import { project, type Camera } from '../../../common/geometry/camera';
import { insidePolygon, polygonBounds } from '../../../common/geometry/polygon';
import { unlabeledCode } from '../labels/flags';
import type { LayerLabels } from '../labels/labelStore';

type Filter = NonNullable<SelectPolygonParams['filter']>;

/**
 * Every point of a scan whose projection falls inside a screen polygon (through the whole depth),
 * skipping points the viewer hides (height slice, clipping box, hidden or non-isolated classes, labeled points in
 * the "unlabeled" mode). Runs over the in-memory scan, so an LOD view selects what it does not draw.
 * Ids are ascending.
 */
export function selectPolygon(
  positions: Float32Array,
  camera: Camera,
  polygon: readonly (readonly [number, number])[],
  filter: Filter,
  layers: { user: () => LayerLabels | null; predicted: () => LayerLabels | null },
): Uint32Array {
  const [minX, minY, maxX, maxY] = polygonBounds(polygon);
  const needUser = filter.unlabeledOnly || (filter.hiddenClasses?.length ?? 0) > 0 || filter.isolate !== undefined;
  const user = needUser ? layers.user() : null;
  const predicted = filter.isolate !== undefined ? layers.predicted() : null;
  const noneUser = user ? unlabeledCode(user.classes instanceof Uint8Array ? 1 : 2) : -1;
  const nonePred = predicted ? unlabeledCode(predicted.classes instanceof Uint8Array ? 1 : 2) : -1;
  const hidden = new Set(filter.hiddenClasses ?? []);
  const slice = filter.heightSlice;
  const clip = filter.clipBox;
  const visible = (i: number): boolean => {
    if (slice) {
      const z = positions[i * 3 + 2]!;
      if (z < slice[0] || z > slice[1]) return false;
    }
    if (clip)
      for (let k = 0; k < 3; k++) {
        const v = positions[i * 3 + k]!;
        if (v < clip.min[k]! || v > clip.max[k]!) return false;
      }
    if (!user) return true;
    const label = user.classes[i]!;
    if (filter.unlabeledOnly && label !== noneUser) return false;
    if (hidden.size > 0 && label !== noneUser && hidden.has(label)) return false;
    if (filter.isolate !== undefined) {
      const shown = label !== noneUser ? label : predicted && predicted.classes[i] !== nonePred ? predicted.classes[i]! : -1;
      if (shown !== filter.isolate) return false;
    }
    return true;
  };
  const out: number[] = [];
  const p: [number, number, number] = [0, 0, 0];
  for (let i = 0, n = positions.length / 3; i < n; i++) {
    p[0] = positions[i * 3]!;
    p[1] = positions[i * 3 + 1]!;
    p[2] = positions[i * 3 + 2]!;
    const q = project(camera, p);
    if (!q || q.u < minX || q.u > maxX || q.v < minY || q.v > maxY) continue;
    if (!insidePolygon(polygon, q.u, q.v) || !visible(i)) continue;
    out.push(i);
  }
  return Uint32Array.from(out);
}
