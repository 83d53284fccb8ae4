import type { Vec3 } from '../../../../common/geometry/camera';
import type { SceneGeometry } from '../scene/sceneGeometry';
import type { PointChunk, PointSource } from '../scene/pointSource';
import { blocksInSphere } from '../spatial/voxelGrid';

type Shareable = Float32Array | Uint8Array | Uint32Array | Int32Array;

/**
 * What a render worker needs of a point scene, every array backed by a SharedArrayBuffer: posted
 * to each worker once per scene, after which a click sends only cameras and prompts.
 */
export interface SharedSceneData {
  pointCount: number;
  cellSize: number;
  min: Vec3;
  /** Voxel-order arrays (slot s), as in SceneGeometry. */
  ids: Uint32Array;
  positions: Float32Array;
  colors: Uint8Array | null;
  normals: Float32Array;
  spacing: Float32Array;
  hag: Float32Array | null;
  blockStart: Int32Array;
  blockI: Int32Array;
  blockJ: Int32Array;
  blockK: Int32Array;
}

/** A typed array over shared memory: the array itself when it already is, else a copy made once. */
export function toShared<T extends Shareable>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

const cache = new WeakMap<SceneGeometry, SharedSceneData>();

/** The geometry's render inputs in shared memory (SceneGeometry allocates most of them there already). */
export function sharedSceneData(g: SceneGeometry): SharedSceneData {
  let d = cache.get(g);
  if (!d) {
    const grid = g.grid;
    d = {
      pointCount: g.pointCount,
      cellSize: grid.cellSize,
      min: [...grid.min] as Vec3,
      ids: toShared(grid.order),
      positions: toShared(g.positions),
      colors: g.colors ? toShared(g.colors) : null,
      normals: toShared(g.normals),
      spacing: toShared(g.spacing),
      hag: g.hag ? toShared(g.hag) : null,
      blockStart: toShared(grid.blockStart),
      blockI: toShared(grid.blockI),
      blockJ: toShared(grid.blockJ),
      blockK: toShared(grid.blockK),
    };
    cache.set(g, d);
  }
  return d;
}

/** The worker side's point source over shared scene data: the same chunk and block ranges as SceneGeometry.visitNear. */
export function sharedPointSource(d: SharedSceneData): PointSource {
  const chunk: PointChunk = { ids: d.ids, positions: d.positions, colors: d.colors, normals: d.normals, spacing: d.spacing, heightAboveGround: d.hag, geometryOrder: true };
  return {
    pointCount: d.pointCount,
    visitNear(center, radius, visit) {
      for (const b of blocksInSphere(d, d.min, d.cellSize, center, radius)) visit(chunk, d.blockStart[b]!, d.blockStart[b + 1]!);
    },
  };
}
