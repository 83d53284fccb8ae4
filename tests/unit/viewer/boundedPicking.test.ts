import { describe, expect, test } from 'vitest';
import { lookAt, perspectiveIntrinsics, project, type Camera } from '../../../common/geometry/camera';
import { mulberry32 } from '../../../common/math/random';
import { BrushIndex } from '../../../renderer/src/viewer/brush';
import { histogram } from '../../../renderer/src/viewer/lod/decodeNode';
import { insidePolygon, pickPoint, selectInPolygon, type PickChunk } from '../../../renderer/src/viewer/picking';
import { screenRectOf } from '../../../renderer/src/viewer/screenBounds';

/** Octree-like chunks: points in the cells of a 4x4x2 grid over a 100 x 100 x 20 m block, each chunk with its cell as bounds. */
function cells(): { withBounds: PickChunk[]; plain: PickChunk[] } {
  const rand = mulberry32(11);
  const withBounds: PickChunk[] = [];
  const plain: PickChunk[] = [];
  let start = 0;
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++)
      for (let k = 0; k < 2; k++) {
        const min = [-50 + i * 25, -50 + j * 25, k * 10];
        const max = [min[0]! + 25, min[1]! + 25, min[2]! + 10];
        const n = 2000;
        const positions = new Float32Array(n * 3);
        for (let p = 0; p < n; p++) for (let a = 0; a < 3; a++) positions[p * 3 + a] = min[a]! + rand() * (max[a]! - min[a]!);
        const ids = Uint32Array.from({ length: n }, (_, p) => start + p * 3);
        const visible = (local: number) => local % 7 !== 0;
        withBounds.push({ start: 0, positions, ids, visible, bounds: { min, max } });
        plain.push({ start: 0, positions, ids, visible });
        start += n * 3;
      }
  return { withBounds, plain };
}

const cameras: Camera[] = [
  lookAt([0, -90, 60], [0, 0, 0], [0, 0, 1], perspectiveIntrinsics(800, 600, Math.PI / 3)),
  // Inside the block: the near plane cuts through chunks.
  lookAt([5, 5, 8], [40, 20, 5], [0, 0, 1], perspectiveIntrinsics(640, 480, Math.PI / 2.5), 0.5),
];

describe('picking and brushing skip chunks by their screen rectangle', () => {
  const { withBounds, plain } = cells();

  test('screenRectOf holds every projected point of the box (or says the box is behind / cut)', () => {
    for (const cam of cameras)
      for (const c of withBounds) {
        const rect = screenRectOf(cam, c.bounds!.min, c.bounds!.max);
        const p = c.positions;
        for (let i = 0; i < p.length / 3; i += 17) {
          const x = p[i * 3]! - cam.eye[0];
          const y = p[i * 3 + 1]! - cam.eye[1];
          const z = p[i * 3 + 2]! - cam.eye[2];
          const r = cam.rotation;
          const d = r[6] * x + r[7] * y + r[8] * z;
          if (d < cam.near) continue;
          expect(rect).not.toBeNull();
          const u = cam.fx * ((r[0] * x + r[1] * y + r[2] * z) / d) + cam.cx;
          const v = cam.fy * ((r[3] * x + r[4] * y + r[5] * z) / d) + cam.cy;
          expect(u >= rect![0] && u <= rect![2] && v >= rect![1] && v <= rect![3]).toBe(true);
        }
      }
  });

  test('pickPoint with bounds finds the same point as without', () => {
    for (const cam of cameras)
      for (let u = 20; u < cam.width; u += 67)
        for (let v = 15; v < cam.height; v += 71) expect(pickPoint(withBounds, cam, u, v, 6)).toEqual(pickPoint(plain, cam, u, v, 6));
  });

  test('polygon selection with bounds selects exactly what projecting every point selects', () => {
    for (const cam of cameras)
      for (const poly of [
        [[100, 80], [300, 90], [260, 300], [120, 260]],
        [[0, 0], [cam.width, 0], [cam.width, cam.height], [0, cam.height]],
        [[400, 300], [420, 300], [420, 320]],
      ] as [number, number][][]) {
        const want: number[] = [];
        for (const c of plain)
          for (let i = 0; i < c.positions.length / 3; i++) {
            const q = project(cam, [c.positions[i * 3]!, c.positions[i * 3 + 1]!, c.positions[i * 3 + 2]!]);
            if (q && insidePolygon(poly, q.u, q.v) && c.visible!(i)) want.push(c.ids![i]!);
          }
        const got = Array.from(selectInPolygon(withBounds, cam, poly));
        expect(got.sort((a, b) => a - b)).toEqual(want.sort((a, b) => a - b));
        expect(Array.from(selectInPolygon(plain, cam, poly)).sort((a, b) => a - b)).toEqual(want);
      }
  });

  test('a lazily indexed brush stroke paints exactly what a fully indexed one paints', () => {
    for (const cam of cameras) {
      const lazy = new BrushIndex(withBounds, cam);
      const full = new BrushIndex(plain, cam);
      // Nothing is projected when the stroke starts.
      expect(lazy.size).toBe(0);
      let painted = 0;
      for (let s = 0; s < 40; s++) {
        const x = 30 + ((s * 97) % (cam.width - 60));
        const y = 30 + ((s * 53) % (cam.height - 60));
        const a: number[] = [];
        const b: number[] = [];
        expect(lazy.stamp(x, y, 25, 3, (id) => a.push(id))).toBe(full.stamp(x, y, 25, 3, (id) => b.push(id)));
        expect(a.sort((p, q) => p - q)).toEqual(b.sort((p, q) => p - q));
        painted += a.length;
      }
      expect(painted).toBeGreaterThan(100);
      // Only the chunks near the stamps were projected.
      expect(lazy.size).toBeLessThanOrEqual(full.size);
    }
  });
});

describe('label histogram (counted in the decoder workers)', () => {
  test('counts per code, unlabeled by name or skipped, and leaves no state between calls', () => {
    const labels = Uint16Array.from([2, 2, 0xffff, 6, 2, 0xffff, 65535, 1000]);
    expect(histogram(labels, false)).toEqual({ '2': 3, '6': 1, '1000': 1, unlabeled: 3 });
    expect(histogram(labels, true)).toEqual({ '2': 3, '6': 1, '1000': 1 });
    expect(histogram(Uint16Array.from([6]), false)).toEqual({ '6': 1 });
    expect(histogram(new Uint16Array(0), false)).toEqual({});
  });
});
