import type { Camera } from '../../../common/geometry/camera';
import type { OctreeStore } from '../octree/octreeStore';
import { selectPolygonInOctree } from './octreeSelection';
import { ScreenPolygon } from './screenPolygon';
import { visibilityTests, type SelectionFilter, type SelectionLayers } from './selectionFilter';

/**
 * Every point of a scan whose projection falls inside a screen polygon (through the whole depth in
 * front of the camera's near plane), skipping points the viewer hides (height slice, clipping box,
 * hidden or non-isolated classes, labeled points in the "unlabeled" mode), so an LOD view selects what
 * it does not draw. Culls through the scan's LOD octree when it has one (`octree`), else tests every
 * point of the in-memory scan. Ids are ascending.
 */
export function selectPolygon(
  scan: { positions: Float32Array; octree?: OctreeStore | null },
  camera: Camera,
  polygon: readonly (readonly [number, number])[],
  filter: SelectionFilter,
  layers: SelectionLayers,
): Promise<Uint32Array> {
  const octree = scan.octree;
  // An octree of another point count is stale (the scan was replaced): the in-memory scan is the truth.
  if (octree && octree.hierarchy.pointCount === scan.positions.length / 3) {
    return selectPolygonInOctree(octree, camera, polygon, filter, layers);
  }
  return Promise.resolve(selectPolygonFullScan(scan.positions, camera, polygon, filter, layers));
}

/** The same selection by testing every point (scans without an octree, e.g. the demo). */
export function selectPolygonFullScan(
  positions: Float32Array,
  camera: Camera,
  polygon: readonly (readonly [number, number])[],
  filter: SelectionFilter,
  layers: SelectionLayers,
): Uint32Array {
  const screen = new ScreenPolygon(camera, polygon);
  const { shownAt, shownLabel } = visibilityTests(filter, layers);
  let out = new Uint32Array(1024);
  let count = 0;
  for (let i = 0, n = positions.length / 3; i < n; i++) {
    const x = positions[i * 3]!;
    const y = positions[i * 3 + 1]!;
    const z = positions[i * 3 + 2]!;
    if (!screen.contains(x, y, z)) continue;
    if (shownAt && !shownAt(x, y, z)) continue;
    if (shownLabel && !shownLabel(i)) continue;
    if (count === out.length) {
      const grown = new Uint32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[count++] = i;
  }
  return out.slice(0, count);
}
