import type { Vec3 } from '../../../../common/geometry/camera';

/**
 * The seam between the click engine and wherever points live. Today `SceneGeometry` serves an
 * in-memory Scan; the LOD octree (electron/services/octree) will implement the same interface by
 * visiting the nodes whose bounds intersect the sphere, at the level of detail the view needs.
 *
 * A chunk is a batch of points in the source's own storage order; `ids` maps them back to the
 * scan's point (or face) indices, which is what labels are keyed by.
 */
export interface PointChunk {
  ids: Uint32Array;
  /** xyz per point, scan-local frame. */
  positions: Float32Array;
  /** rgb per point, or null (rendered grey). */
  colors: Uint8Array | null;
  /** Unit normal per point (unoriented), or null. */
  normals: Float32Array | null;
  /** Typical distance to the neighbouring points, per point: sizes the splats. */
  spacing: Float32Array;
  /** Height above the terrain model per point, or null when unknown. */
  heightAboveGround: Float32Array | null;
  /**
   * True when storage index s of this chunk is also the point's slot in the click engine's
   * SceneGeometry (the in-memory source); other sources' points are mapped through their ids.
   */
  geometryOrder: boolean;
}

export interface PointSource {
  readonly pointCount: number;
  /**
   * Visit every stored range that may hold points within `radius` of `center` (a superset: the
   * caller still tests each point). `maxSpacing` lets an LOD source stop at coarser levels.
   */
  visitNear(center: Vec3, radius: number, visit: (chunk: PointChunk, start: number, end: number) => void, maxSpacing?: number): void;
}
