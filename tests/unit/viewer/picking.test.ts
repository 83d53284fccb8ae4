import { describe, expect, test } from 'vitest';
import { lookAt, perspectiveIntrinsics, project, type Camera } from '../../../common/geometry/camera';
import { insidePolygon } from '../../../common/geometry/polygon';
import { mulberry32 } from '../../../common/math/random';
import { pickPoint, selectInPolygon, type PickChunk } from '../../../renderer/src/viewer/picking';

/** Random points in a 100 m box, some behind the camera, split into two chunks (the second with explicit ids). */
function scene(n: number): { chunks: PickChunk[]; all: Float32Array; idOf: (k: number) => number } {
  const rand = mulberry32(7);
  const all = new Float32Array(n * 3);
  for (let i = 0; i < all.length; i++) all[i] = (rand() - 0.5) * 100;
  const half = Math.floor(n / 2);
  const ids = Uint32Array.from({ length: n - half }, (_, k) => 1_000_000 + k);
  const chunks: PickChunk[] = [
    { start: 0, positions: all.subarray(0, half * 3), visible: null },
    { start: 0, positions: all.subarray(half * 3), ids, visible: (local) => local % 5 !== 0 },
  ];
  const idOf = (k: number) => (k < half ? k : ids[k - half]!);
  return { chunks, all, idOf };
}

const camera: Camera = lookAt([0, -30, 20], [0, 10, 0], [0, 0, 1], perspectiveIntrinsics(800, 600, Math.PI / 3));

describe('picking over loaded points (against the reference projection)', () => {
  const n = 20_000;
  const { chunks, all, idOf } = scene(n);
  const half = Math.floor(n / 2);
  const visible = (k: number) => k < half || (k - half) % 5 !== 0;

  test('pickPoint returns the nearest visible point within the radius, as the reference projection finds it', () => {
    // Cursor positions 2 px off the projections of a few points in front of the camera.
    const spots = [17, 5003, 15_001].map((k) => project(camera, [all[k * 3]!, all[k * 3 + 1]!, all[k * 3 + 2]!]));
    const cursors = spots.filter((q) => q !== null).map((q) => [q.u + 2, q.v - 1] as const);
    expect(cursors.length).toBeGreaterThan(1);
    for (const [u, v] of cursors) {
      let want: { id: number; depth: number } | null = null;
      for (let k = 0; k < n; k++) {
        const q = project(camera, [all[k * 3]!, all[k * 3 + 1]!, all[k * 3 + 2]!]);
        if (!q || (q.u - u) ** 2 + (q.v - v) ** 2 > 36 || !visible(k)) continue;
        if (!want || q.depth < want.depth) want = { id: idOf(k), depth: q.depth };
      }
      const hit = pickPoint(chunks, camera, u, v);
      expect(want).not.toBeNull();
      expect(hit?.index).toBe(want!.id);
      expect(hit?.depth).toBe(want!.depth);
    }
  });

  test('selectInPolygon takes exactly the visible points whose projection is inside', () => {
    const poly: [number, number][] = [
      [100, 100],
      [600, 150],
      [500, 500],
      [150, 420],
    ];
    const want: number[] = [];
    for (let k = 0; k < n; k++) {
      const q = project(camera, [all[k * 3]!, all[k * 3 + 1]!, all[k * 3 + 2]!]);
      if (q && insidePolygon(poly, q.u, q.v) && visible(k)) want.push(idOf(k));
    }
    expect(want.length).toBeGreaterThan(500);
    expect(Array.from(selectInPolygon(chunks, camera, poly))).toEqual(want);
  });
});
