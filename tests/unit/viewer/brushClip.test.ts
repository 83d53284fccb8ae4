import { describe, expect, it } from 'vitest';
import { lookAt, perspectiveIntrinsics } from '../../../common/geometry/camera';
import type { CompactHierarchy } from '../../../common/geometry/octreeLayout';
import { BrushIndex } from '../../../renderer/src/viewer/brush';
import { boundsOf, cubeTouchesClip, insideClip, orderedClip } from '../../../renderer/src/viewer/clipBox';
import { buildLodTree } from '../../../renderer/src/viewer/lod/hierarchy';
import { traverse } from '../../../renderer/src/viewer/lod/traversal';

/** Two 10 x 10 m grids of points facing the camera: a wall 20 m away and a second one 5 m behind it, half covered. */
function twoWalls() {
  const pts: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i <= 40; i++)
    for (let j = 0; j <= 40; j++) {
      // Front wall: x in [-5, 0] (the left half of the view), at y = 20.
      if (i <= 20) {
        pts.push(-5 + i * 0.25, 20, -5 + j * 0.25);
        wall.push(0);
      }
      // Back wall: x in [-5, 5], at y = 25.
      pts.push(-5 + i * 0.25, 25, -5 + j * 0.25);
      wall.push(1);
    }
  return { positions: Float32Array.from(pts), wall };
}

describe('BrushIndex', () => {
  const cam = lookAt([0, 0, 0], [0, 1, 0], [0, 0, 1], perspectiveIntrinsics(800, 600, Math.PI / 3), 0.1);
  const { positions, wall } = twoWalls();
  const index = new BrushIndex([{ start: 0, positions, visible: null }], cam);

  it('takes only the surface under the cursor when the depth limit is shallow', () => {
    // Left of centre: the front wall covers the back one there.
    const ids: number[] = [];
    const n = index.stamp(300, 300, 40, 0.5, (id) => ids.push(id));
    expect(n).toBeGreaterThan(10);
    expect(ids.every((id) => wall[id] === 0)).toBe(true);
  });

  it('reaches through to what is behind with a deep limit', () => {
    const ids: number[] = [];
    index.stamp(300, 300, 40, 10, (id) => ids.push(id));
    expect(ids.some((id) => wall[id] === 1)).toBe(true);
    expect(ids.some((id) => wall[id] === 0)).toBe(true);
  });

  it('takes the back wall where nothing is in front of it, and nothing over empty space', () => {
    const ids: number[] = [];
    index.stamp(520, 300, 30, 0.5, (id) => ids.push(id));
    expect(ids.length).toBeGreaterThan(5);
    expect(ids.every((id) => wall[id] === 1)).toBe(true);
    expect(index.stamp(5, 5, 10, 0.5, () => {})).toBe(0);
  });

  it('takes exactly the elements within the radius (brute force agrees)', () => {
    const ids = new Set<number>();
    index.stamp(400, 310, 50, 100, (id) => ids.add(id));
    let expected = 0;
    for (let i = 0; i < positions.length / 3; i++) {
      const [x, y, z] = [positions[i * 3]!, positions[i * 3 + 1]!, positions[i * 3 + 2]!];
      const u = (cam.fx * (cam.rotation[0] * x + cam.rotation[1] * y + cam.rotation[2] * z)) / y + cam.cx;
      const v = (cam.fy * (cam.rotation[3] * x + cam.rotation[4] * y + cam.rotation[5] * z)) / y + cam.cy;
      if (Math.hypot(u - 400, v - 310) <= 50) expected++;
    }
    expect(ids.size).toBe(expected);
  });

  it('skips hidden elements and maps ids', () => {
    const hidden = new BrushIndex([{ start: 100, positions, visible: (i) => wall[i] === 1 }], cam);
    const ids: number[] = [];
    hidden.stamp(300, 300, 40, 0.5, (id) => ids.push(id));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id >= 100 && wall[id - 100] === 1)).toBe(true);
  });
});

describe('clip box', () => {
  it('tests points, cubes and orders corners', () => {
    const box = orderedClip({ min: [10, 0, 0], max: [0, 10, 10] });
    expect(box).toEqual({ min: [0, 0, 0], max: [10, 10, 10] });
    expect(insideClip(box, 5, 5, 5)).toBe(true);
    expect(insideClip(box, 11, 5, 5)).toBe(false);
    expect(cubeTouchesClip(box, [9, 9, 9], 5)).toBe(true);
    expect(cubeTouchesClip(box, [11, 0, 0], 5)).toBe(false);
    expect(cubeTouchesClip(box, [-6, 0, 0], 5)).toBe(false);
  });

  it('fits bounds with a filter and a margin', () => {
    const p = Float32Array.from([0, 0, 0, 1, 2, 3, 10, 10, 10]);
    expect(boundsOf([p], (x) => x < 5, 0.5)).toEqual({ min: [-0.5, -0.5, -0.5], max: [1.5, 2.5, 3.5] });
    expect(boundsOf([p], () => false)).toBeNull();
  });

  it('makes the LOD traversal skip nodes outside the box', () => {
    const nodes: [string, number, number, number][] = [['r', 100, 2000, 255]];
    for (let o = 0; o < 8; o++) nodes.push(['r' + o, 100, 2000, 0]);
    const h: CompactHierarchy = {
      pointCount: 900,
      origin: [0, 0, 0],
      cube: { min: [0, 0, 0], size: 100 },
      bounds: { min: [0, 0, 0], max: [100, 100, 100] },
      spacing: [1, 0.5],
      attributes: [],
      nodes,
    } as unknown as CompactHierarchy;
    const { root } = buildLodTree(h);
    const cam = { viewProj: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], position: [50, 50, 300] as [number, number, number], projFactor: 1e6 };
    // An identity view-projection keeps only [-1, 1]^3 in the frustum: use a camera that sees everything instead.
    const all = traverse(root, { ...cam, viewProj: scaleAll(1 / 1000) }, { pointBudget: 1e9, minNodePixels: 0 });
    expect(all.nodes.map((n) => n.name).sort()).toEqual(['r', 'r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    // A box in the low-x, low-y, low-z octant: the root and child 0 only.
    const clipped = traverse(root, { ...cam, viewProj: scaleAll(1 / 1000) }, { pointBudget: 1e9, minNodePixels: 0, clip: { min: [1, 1, 1], max: [20, 20, 20] } });
    expect(clipped.nodes.map((n) => n.name).sort()).toEqual(['r', 'r0']);
    expect(clipped.complete).toBe(true);
  });
});

/** A column-major matrix scaling xyz by s (w = 1): everything within 1/s of the origin is in the frustum. */
function scaleAll(s: number): number[] {
  return [s, 0, 0, 0, 0, s, 0, 0, 0, 0, s, 0, 0, 0, 0, 1];
}
