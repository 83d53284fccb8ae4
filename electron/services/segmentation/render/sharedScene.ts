import type { Vec3 } from '../../../../common/geometry/camera';
import type { ClickScene, MeshData } from '../scene/clickScene';
import type { PointChunk, PointSource } from '../scene/pointSource';
import { blocksInSphere } from '../spatial/voxelGrid';
import { faceHeights } from './viewRenderer';

type Shareable = Float32Array | Uint8Array | Uint32Array | Int32Array | Int16Array;

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
  /** Mesh scenes: the triangles to rasterize (the arrays above are then the face centroids). */
  mesh: { mesh: MeshData; faceHag: Float32Array | null } | null;
}

/** A typed array over shared memory: the array itself when it already is, else a copy made once. */
export function toShared<T extends Shareable>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

const cache = new WeakMap<object, SharedSceneData>();

/** A scene's render inputs in shared memory (SceneGeometry allocates most of them there already; mesh arrays are copied once). */
export function sharedSceneData(scene: ClickScene): SharedSceneData {
  const g = scene.geometry;
  let d = cache.get(g);
  if (!d) {
    const grid = g.grid;
    const m = scene.kind === 'mesh' ? scene.mesh : null;
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
      mesh: m && {
        mesh: {
          positions: toShared(m.positions),
          indices: toShared(m.indices),
          cornerUvs: m.cornerUvs ? toShared(m.cornerUvs) : null,
          faceTexture: m.faceTexture ? toShared(m.faceTexture) : null,
          textures: m.textures.map((t) => ({ ...t, rgba: toShared(t.rgba) })),
          faceColors: toShared(m.faceColors),
        },
        faceHag: g.hag ? toShared(faceHeights(scene as Extract<ClickScene, { kind: 'mesh' }>)) : null,
      },
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
