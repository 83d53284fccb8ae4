import { describe, expect, it } from 'vitest';
import { lookAt, orbitCamera, perspectiveIntrinsics, pixelOf, pixelRay, project, unproject, type Vec3 } from '../../../common/geometry/camera';
import { demoMeshScan, demoPointScan } from '../../../electron/services/scans/demo/demoScene';
import { pickPixel, renderView } from '../../../electron/services/segmentation/render/viewRenderer';
import { buildClickScene } from '../../../electron/services/segmentation/scene/clickScene';

describe('camera model', () => {
  const cam = lookAt([10, -20, 15], [1, 2, 3], [0, 0, 1], perspectiveIntrinsics(640, 480, Math.PI / 3));

  it('projects the target to the image centre and round-trips through unproject', () => {
    const c = project(cam, [1, 2, 3])!;
    expect(c.u).toBeCloseTo(320, 9);
    expect(c.v).toBeCloseTo(240, 9);
    const p: Vec3 = [4, -1, 7];
    const q = project(cam, p)!;
    const back = unproject(cam, q.u, q.v, q.depth);
    for (let k = 0; k < 3; k++) expect(back[k]).toBeCloseTo(p[k]!, 9);
  });

  it('puts up in the world at the top of the image and rays through pixels hit the unprojected points', () => {
    const above = project(cam, [1, 2, 8])!;
    expect(above.v).toBeLessThan(240);
    const ray = pixelRay(cam, 100.5, 50.5);
    const p = unproject(cam, 100.5, 50.5, 10);
    const t = Math.hypot(p[0] - cam.eye[0], p[1] - cam.eye[1], p[2] - cam.eye[2]);
    for (let k = 0; k < 3; k++) expect(cam.eye[k]! + ray[k]! * t).toBeCloseTo(p[k]!, 6);
    expect(project(cam, [10, -25, 15])).toBeNull(); // behind the camera
  });
});

describe('view renderer: a click at a pixel hits the same surface', () => {
  it('points: the id picked at a pixel projects back into that pixel or its splat', () => {
    const scan = demoPointScan({ seed: 3, points: 60_000 });
    const scene = buildClickScene(scan);
    const cam = orbitCamera([0, 0, 2], 60, 0.7, 0.8, perspectiveIntrinsics(200, 150, Math.PI / 3));
    const view = renderView(scene, cam, { cull: null });
    let checked = 0;
    for (let y = 5; y < 150; y += 17)
      for (let x = 5; x < 200; x += 19) {
        const id = pickPixel(view, x + 0.5, y + 0.5);
        if (id < 0) continue;
        const q = project(cam, scene.geometry.position(id))!;
        // Splats are at most a few pixels wide: the point's own centre lies within its splat.
        expect(Math.abs(q.u - (x + 0.5))).toBeLessThanOrEqual(4);
        expect(Math.abs(q.v - (y + 0.5))).toBeLessThanOrEqual(4);
        // and the depth buffer is that point's depth.
        expect(view.depth[y * 200 + x]).toBeCloseTo(q.depth, 3);
        checked++;
      }
    expect(checked).toBeGreaterThan(40);
  });

  it('textured mesh: every drawn pixel shows a face whose plane passes through the unprojected pixel, nearest first', () => {
    const scan = demoMeshScan({ seed: 3 });
    const scene = buildClickScene(scan);
    if (scene.kind !== 'mesh') throw new Error('expected a mesh scene');
    const cam = orbitCamera([0, 0, 2], 70, 2.1, 0.6, perspectiveIntrinsics(160, 120, Math.PI / 3));
    const view = renderView(scene, cam, { cull: null });
    const P = scan.positions;
    const I = scan.mesh!.indices;
    let drawn = 0;
    let coloured = 0;
    for (let p = 0; p < 160 * 120; p++) {
      const f = view.id[p]!;
      if (f < 0) continue;
      drawn++;
      const pt = unproject(cam, (p % 160) + 0.5, Math.floor(p / 160) + 0.5, view.depth[p]!);
      const a = [P[I[f * 3]! * 3]!, P[I[f * 3]! * 3 + 1]!, P[I[f * 3]! * 3 + 2]!];
      const n = [view.normal[p * 3]!, view.normal[p * 3 + 1]!, view.normal[p * 3 + 2]!];
      const dist = (pt[0] - a[0]!) * n[0]! + (pt[1] - a[1]!) * n[1]! + (pt[2] - a[2]!) * n[2]!;
      expect(Math.abs(dist)).toBeLessThan(1e-2);
      if (view.rgb[p * 3]! + view.rgb[p * 3 + 1]! + view.rgb[p * 3 + 2]! > 0) coloured++;
      expect(pixelOf(cam, pt)).toBe(p);
    }
    expect(drawn).toBeGreaterThan(160 * 120 * 0.5);
    expect(coloured).toBe(drawn); // texture sampled everywhere
  });
});
