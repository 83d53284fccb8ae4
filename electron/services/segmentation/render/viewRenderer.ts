import type { Camera, Vec3 } from '../../../../common/geometry/camera';
import type { ClickScene, MeshData } from '../scene/clickScene';
import type { PointSource } from '../scene/pointSource';
import { rasterizeMesh } from './rasterize';
import { splatPoints } from './splat';
import type { RenderedView } from './view';

export interface RenderOptions {
  /** Draw only what lies within this sphere (the click's neighbourhood); null draws everything in view. */
  cull: { center: Vec3; radius: number } | null;
  splatScale?: number;
  /** Most points to splat (point scenes); beyond it every k-th point of each cell is drawn. */
  pointBudget?: number;
}

/**
 * Renders a scene as the segmenters see it: RGB, depth, normals, ids (and height above ground),
 * on the calling thread. The click engine spreads the views of a point scene over render workers
 * (renderPool.ts), which draw through `renderPoints` too.
 */
export function renderView(scene: ClickScene, camera: Camera, options: RenderOptions): RenderedView {
  if (scene.kind === 'points') return renderPoints(scene.geometry, camera, options);
  const g = scene.geometry;
  return renderMesh(g, g.grid.cellSize, scene.mesh, g.hag ? faceHeights(scene) : null, camera, options);
}

/**
 * Rasterizes a mesh scene's faces whose centroids (`centroids`, ids = face indices) lie within the
 * cull sphere, in the order the source visits them: the same code here and in a render worker (over
 * the shared copy of the centroid geometry), so both give identical views.
 */
export function renderMesh(centroids: PointSource, cellSize: number, mesh: MeshData, faceHag: Float32Array | null, camera: Camera, options: RenderOptions): RenderedView {
  let faces: Uint32Array | null = null;
  if (options.cull) {
    const list: number[] = [];
    const { center, radius } = options.cull;
    // Face centroids within the sphere, padded by the largest face extent we expect (a few cells).
    const rr = radius + 4 * cellSize;
    centroids.visitNear(center, rr, (chunk, start, end) => {
      for (let s = start; s < end; s++) {
        const dx = chunk.positions[s * 3]! - center[0];
        const dy = chunk.positions[s * 3 + 1]! - center[1];
        const dz = chunk.positions[s * 3 + 2]! - center[2];
        if (dx * dx + dy * dy + dz * dz <= rr * rr) list.push(chunk.ids[s]!);
      }
    });
    faces = Uint32Array.from(list);
  }
  return rasterizeMesh(mesh, camera, { faces, faceHag });
}

/** Point splatting with the click engine's defaults, for any point source (the scene, or its shared copy in a worker). */
export function renderPoints(source: PointSource, camera: Camera, options: RenderOptions): RenderedView {
  return splatPoints(source, camera, { cull: options.cull, splatScale: options.splatScale ?? 1.5, pointBudget: options.pointBudget ?? Infinity });
}

const faceHagCache = new WeakMap<object, Float32Array>();

/** Height above ground per face, in face order (the geometry holds it in voxel order). */
export function faceHeights(scene: Extract<ClickScene, { kind: 'mesh' }>): Float32Array {
  const g = scene.geometry;
  let out = faceHagCache.get(g);
  if (!out) {
    out = new Float32Array(g.pointCount);
    for (let s = 0; s < g.pointCount; s++) out[g.grid.order[s]!] = g.hag![s]!;
    faceHagCache.set(g, out);
  }
  return out;
}

/** The point or face visible at pixel (x, y), -1 if none: the renderer-side answer to "what did the user click". */
export function pickPixel(view: RenderedView, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  if (ix < 0 || iy < 0 || ix >= view.width || iy >= view.height) return -1;
  return view.id[iy * view.width + ix]!;
}
