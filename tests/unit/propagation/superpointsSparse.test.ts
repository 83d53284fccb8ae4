import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../common/math/random';
import { cellShapes } from '../../../electron/services/propagation/features/eigen';
import { boundsOf, cellSizeForOccupancy, gridAt } from '../../../electron/services/propagation/spatial/grid';
import { buildSuperpoints } from '../../../electron/services/propagation/superpoints';

/**
 * A dense ground plane (30 x 30 m, 0.3 m spacing), a sparse "hedge" of 2-point fragments every
 * 2.5 m (2 m up, beyond the fine voxel's reach of each other, starting 7 m from the plane), a
 * 6-point object resting on the plane with nothing of its kind nearby, and one lone return 250 m
 * away. The fine voxel is ~0.7 m here, the seed spacing ~3.3 m, the merge radius ~10 m.
 */
function sparseScene() {
  const rand = mulberry32(3);
  const xyz: number[] = [];
  const ground: number[] = [];
  const part: string[] = [];
  const add = (x: number, y: number, z: number, g: number, what: string) => {
    xyz.push(x, y, z);
    ground.push(g);
    part.push(what);
  };
  for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) add(i * 0.3, j * 0.3, 0.02 * rand(), 1, 'plane');
  for (let k = 0; k < 16; k++) {
    add(37 + k * 2.5, 15, 2, 0, 'hedge');
    add(37.1 + k * 2.5, 15, 2.1, 0, 'hedge');
  }
  for (let k = 0; k < 6; k++) add(15 + 0.1 * (k % 3), 15 + 0.1 * Math.floor(k / 3), 0.5, 0, 'object');
  add(250, 250, 0, 0, 'lone');
  const positions = Float32Array.from(xyz);
  const bounds = boundsOf(positions);
  const grid = gridAt(positions, bounds, cellSizeForOccupancy(positions, bounds, 6));
  return { positions, grid, shape: cellShapes(grid, positions), ground: Uint8Array.from(ground), part };
}

describe('buildSuperpoints in sparse regions', () => {
  const scene = sparseScene();
  const sp = buildSuperpoints({ positions: scene.positions, grid: scene.grid, shape: scene.shape, color: null, ground: scene.ground });
  const pointsOf = (what: string) => scene.part.flatMap((w, p) => (w === what ? [p] : []));
  const degree = (s: number) => sp.offsets[s + 1]! - sp.offsets[s]!;

  it('joins the fragments of a sparse strip into superpoints of their own kind, linked to the plane', () => {
    const hedge = new Set(pointsOf('hedge').map((p) => sp.of[p]!));
    // 16 fragments, each of which the flood leaves on its own: merged into a few (isolated minimum 30).
    expect(hedge.size).toBeLessThanOrEqual(2);
    for (const s of hedge) {
      expect(sp.size[s]).toBeGreaterThanOrEqual(16);
      // No ground point was merged in: the hedge's superpoints hold hedge points only...
      for (let p = 0; p < scene.part.length; p++) if (sp.of[p] === s) expect(scene.part[p]).toBe('hedge');
      // ...yet it touches nothing, so a weak edge links it to the plane 7 m away.
      expect(degree(s)).toBeGreaterThan(0);
    }
  });

  it('does not merge a small object into the ground it rests on, but keeps it in the graph', () => {
    const object = new Set(pointsOf('object').map((p) => sp.of[p]!));
    expect(object.size).toBe(1);
    const s = [...object][0]!;
    expect(sp.size[s]).toBe(6);
    expect(degree(s)).toBeGreaterThan(0);
  });

  it('leaves a return with nothing within the merge radius alone', () => {
    const s = sp.of[pointsOf('lone')[0]!]!;
    expect(sp.size[s]).toBe(1);
    expect(degree(s)).toBe(0);
  });

  it('keeps the graph symmetric and every point covered', () => {
    expect(Array.from(sp.size).reduce((a, b) => a + b, 0)).toBe(scene.part.length);
    const edges = new Set<string>();
    for (let s = 0; s < sp.count; s++)
      for (let i = sp.offsets[s]!; i < sp.offsets[s + 1]!; i++) {
        expect(sp.neighbours[i]).not.toBe(s);
        expect(sp.weights[i]).toBeGreaterThan(0);
        edges.add(`${s},${sp.neighbours[i]}`);
      }
    for (const e of edges) expect(edges.has(e.split(',').reverse().join(','))).toBe(true);
  });
});
