import { describe, expect, it } from 'vitest';
import type { CompactHierarchy } from '../../../common/geometry/octreeLayout';
import { buildLodTree, type LodNode } from '../../../renderer/src/viewer/lod/hierarchy';
import { boxInFrustum, frustumPlanes, traverse, type TraversalCamera } from '../../../renderer/src/viewer/lod/traversal';

/** A full octree of `depth` levels over a 100 m cube, every node with `points` points. */
function fullTree(depth: number, points: number): CompactHierarchy {
  const nodes: [string, number, number, number][] = [];
  const walk = (name: string) => {
    const leaf = name.length === depth;
    nodes.push([name, points, points * 20, leaf ? 0 : 255]);
    if (!leaf) for (let o = 0; o < 8; o++) walk(name + o);
  };
  walk('r');
  return {
    pointCount: nodes.length * points,
    origin: [0, 0, 0],
    cube: { min: [0, 0, 0], size: 100 },
    bounds: { min: [0, 0, 0], max: [100, 100, 100] },
    spacing: [0.78, 0.39, 0.195, 0.0975],
    spacingDivisor: 128,
    attributes: [],
    nodes,
  };
}

/** Column-major perspective * lookAt, as three.js builds it. */
function camera(
  eye: [number, number, number],
  target: [number, number, number],
  fovDeg = 60,
  aspect = 1.5,
  near = 0.1,
  far = 1000,
): TraversalCamera {
  const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]!);
  const norm = (a: number[]) => {
    const l = Math.hypot(...a);
    return a.map((v) => v / l);
  };
  const cross = (a: number[], b: number[]) => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const z = norm(sub(eye, target));
  const x = norm(cross([0, 0, 1], z));
  const y = cross(z, x);
  const view = [x[0], y[0], z[0], 0, x[1], y[1], z[1], 0, x[2], y[2], z[2], 0, -dot(x, eye), -dot(y, eye), -dot(z, eye), 1] as number[];
  const f = 1 / Math.tan((fovDeg * Math.PI) / 360);
  const proj = [f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (far + near) / (near - far), -1, 0, 0, (2 * far * near) / (near - far), 0];
  const m = new Array<number>(16).fill(0);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) m[c * 4 + r]! += proj[k * 4 + r]! * view[c * 4 + k]!;
  return { viewProj: m, position: eye, projFactor: 800 / (2 * Math.tan((fovDeg * Math.PI) / 360)) };
}

const names = (nodes: LodNode[]) => nodes.map((n) => n.name);

describe('LOD traversal', () => {
  const { root } = buildLodTree(fullTree(3, 10_000));

  it('stops at the point budget and draws parents before children', () => {
    const r = traverse(root, camera([50, -150, 120], [50, 50, 0]), { pointBudget: 205_000, minNodePixels: 1 });
    expect(r.points).toBeLessThanOrEqual(205_000);
    expect(r.nodes.length).toBe(20);
    expect(r.budgetReached).toBe(true);
    const seen = new Set<string>();
    for (const n of r.nodes) {
      if (n.parent) expect(seen.has(n.parent.name)).toBe(true);
      seen.add(n.name);
    }
  });

  it('culls nodes outside the frustum', () => {
    // Looking at the low-x half from close by: no node entirely at high x is drawn.
    const r = traverse(root, camera([25, 50, 30], [0, 50, 0]), { pointBudget: 10_000_000, minNodePixels: 1 });
    expect(r.nodes.length).toBeGreaterThan(1);
    expect(r.nodes.some((n) => n.min[0] >= 75)).toBe(false);
    expect(r.budgetReached).toBe(false);
  });

  it('prefers nodes near the camera (bigger on screen) and refines more when zoomed in', () => {
    const far = traverse(root, camera([50, -400, 300], [50, 50, 0]), { pointBudget: 10_000_000, minNodePixels: 60 });
    const near = traverse(root, camera([20, 20, 15], [30, 30, 0]), { pointBudget: 10_000_000, minNodePixels: 60 });
    const deepest = (ns: LodNode[]) => Math.max(...ns.map((n) => n.level));
    expect(deepest(near.nodes)).toBeGreaterThan(deepest(far.nodes));
    expect(names(near.nodes)).not.toEqual(names(far.nodes));
    // Under a tight budget the nodes kept are the closest ones.
    const tight = traverse(root, camera([10, 10, 10], [30, 30, 0]), { pointBudget: 30_000, minNodePixels: 1 });
    expect(names(tight.nodes)[0]).toBe('r');
    expect(names(tight.nodes)).toContain('r0');
  });

  it('boxInFrustum keeps a box around the target and drops one behind the camera', () => {
    const planes = frustumPlanes(camera([0, -10, 0], [0, 0, 0]).viewProj);
    expect(boxInFrustum(planes, [-1, -1, -1], 2)).toBe(true);
    expect(boxInFrustum(planes, [-1, -22, -1], 2)).toBe(false);
    expect(boxInFrustum(planes, [200, -1, -1], 2)).toBe(false);
  });
});
