import type { MeshData } from '../scene/clickScene';
import { CellHash } from '../spatial/cellHash';
import type { SceneGeometry } from '../scene/sceneGeometry';
import { anchorHeight } from './anchorSide';
import type { RefineOptions, RefineResult } from './refine';
import type { VoteBuffer } from './votes';

const adjacencyCache = new WeakMap<MeshData, { start: Int32Array; faces: Int32Array; weld: Int32Array }>();

/**
 * welded vertex -> faces (CSR), built once per mesh. Vertices are welded by position (1 mm grid)
 * because exporters duplicate vertices at uv seams and per quad, which would cut adjacency.
 */
function vertexFaces(mesh: MeshData): { start: Int32Array; faces: Int32Array; weld: Int32Array } {
  let adj = adjacencyCache.get(mesh);
  if (adj) return adj;
  const P = mesh.positions;
  const nv0 = P.length / 3;
  const hash = new CellHash(nv0);
  const weld = new Int32Array(nv0);
  for (let v = 0; v < nv0; v++) weld[v] = hash.getOrInsert(Math.round(P[v * 3]! * 1000), Math.round(P[v * 3 + 1]! * 1000), Math.round(P[v * 3 + 2]! * 1000), hash.size);
  const nv = hash.size;
  const start = new Int32Array(nv + 1);
  for (let i = 0; i < mesh.indices.length; i++) start[weld[mesh.indices[i]!]! + 1]!++;
  for (let v = 0; v < nv; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, nv);
  const faces = new Int32Array(mesh.indices.length);
  for (let i = 0; i < mesh.indices.length; i++) faces[fill[weld[mesh.indices[i]!]!]!++] = (i / 3) | 0;
  adj = { start, faces, weld };
  adjacencyCache.set(mesh, adj);
  return adj;
}

/**
 * Mesh variant of `refine`: faces are large and irregular, so connectivity is face adjacency
 * (shared vertices) instead of voxel cells. Keeps accepted faces connected to a positive anchor's
 * face through accepted faces, then grows through faces no view saw (same side of the ground line,
 * not the negative anchors), at most `maxGrowCells` rings deep.
 */
export function refineMesh(mesh: MeshData, geometry: SceneGeometry, votes: VoteBuffer, options: RefineOptions): RefineResult {
  const { start, faces, weld } = vertexFaces(mesh);
  const nf = mesh.indices.length / 3;
  const hag = geometry.hag;
  const tol = options.groundTolerance;
  const slot = (f: number) => geometry.slotOf(f);
  const anchorHags = hag ? options.positives.map((f) => anchorHeight(geometry, f, tol)) : [];
  const groundMode = anchorHags.length > 0 && anchorHags.filter((h) => h < tol).length * 2 > anchorHags.length;
  const sideOk = (f: number) => !hag || hag[slot(f)]! < tol === groundMode;
  const share = (f: number) => {
    const s = votes.seen[slot(f)]!;
    return s > 0 ? votes.inside[slot(f)]! / s : -1;
  };
  const state = new Uint8Array(nf); // 1 kept, 2 grown, 3 blocked
  const depth = new Int32Array(nf);
  for (const f of options.negatives) state[f] = 3;
  const queue: number[] = [];
  for (const f of options.positives)
    if (state[f] === 0) {
      state[f] = 1;
      queue.push(f);
    }
  const neighbours = (f: number, visit: (g: number) => void) => {
    for (let c = 0; c < 3; c++) {
      const v = weld[mesh.indices[f * 3 + c]!]!;
      for (let k = start[v]!; k < start[v + 1]!; k++) visit(faces[k]!);
    }
  };
  const grid = geometry.grid;
  const order = grid.order;
  // Parts that touch without sharing vertices (a car's cabin on its body) are joined through the
  // voxel neighbourhood of the face centroids, but only for faces the views accepted.
  const nearby = (f: number, visit: (g: number) => void) =>
    grid.forEachNeighbourCell(grid.cellOfPoint[f]!, (c) => {
      for (let q = grid.cellStart[c]!; q < grid.cellStart[c + 1]!; q++) visit(order[q]!);
    });
  for (let h = 0; h < queue.length; h++) {
    const f = queue[h]!;
    const grow = state[f] === 2;
    if (!grow)
      nearby(f, (g) => {
        if (state[g] === 0 && sideOk(g) && share(g) >= options.acceptShare) {
          state[g] = 1;
          queue.push(g);
        }
      });
    neighbours(f, (g) => {
      if (state[g] !== 0 || !sideOk(g)) return;
      const s = share(g);
      if (s >= options.acceptShare && !grow) {
        state[g] = 1;
        queue.push(g);
      } else if (s < 0 && depth[f]! < options.maxGrowCells) {
        state[g] = 2;
        depth[g] = depth[f]! + 1;
        queue.push(g);
      }
    });
  }
  const ids: number[] = [];
  const conf: number[] = [];
  let voted = 0;
  let grown = 0;
  let trimmed = 0;
  for (let f = 0; f < nf; f++) {
    if (state[f] === 1) {
      ids.push(f);
      conf.push(Math.max(0.5, share(f)));
      voted++;
    } else if (state[f] === 2) {
      ids.push(f);
      conf.push(Math.max(0.5, 0.75 * Math.pow(0.97, depth[f]!)));
      grown++;
    } else if (share(f) >= options.acceptShare) trimmed++;
  }
  return { ids: Uint32Array.from(ids), confidence: Float32Array.from(conf), voted, grown, trimmed };
}
