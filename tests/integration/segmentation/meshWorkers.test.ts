import { describe, expect, it } from 'vitest';
import { lookAt, perspectiveIntrinsics } from '../../../common/geometry/camera';
import { demoMeshScan } from '../../../electron/services/scans/demo/demoScene';
import { ClickEngine } from '../../../electron/services/segmentation/clickEngine';
import { buildClickScene } from '../../../electron/services/segmentation/scene/clickScene';
import { BuiltinSegmenter } from '../../../electron/services/segmentation/segmenters/builtin';
import { sharedRenderPool } from '../../../electron/services/segmentation/render/renderPool';
import { renderView } from '../../../electron/services/segmentation/render/viewRenderer';

describe('mesh views on render workers', () => {
  it('a worker rasterizes a mesh view exactly as the calling thread does (culled and not)', async () => {
    const mesh = demoMeshScan({ seed: 2 });
    const scene = buildClickScene(mesh);
    const pool = await sharedRenderPool(2);
    expect(pool).not.toBeNull();
    const o = mesh.demo.objects.find((x) => x.kind === 'building')!.center;
    const camera = lookAt([o[0] + 30, o[1] - 30, o[2] + 20], o, [0, 0, 1], perspectiveIntrinsics(256, 256, 1));
    for (const cull of [null, { center: o, radius: 15 }]) {
      // The pool's promise rejects if the worker fails (the engine would then render in-thread).
      const worker = await pool!.run(scene, { camera, cull, pointBudget: 1e6, anchors: [], builtin: null });
      const here = renderView(scene, camera, { cull });
      expect(worker.view.kind).toBe('faces');
      expect(worker.view.id.some((id) => id >= 0)).toBe(true);
      expect(worker.view.id).toEqual(here.id);
      expect(worker.view.depth).toEqual(here.depth);
      expect(worker.view.rgb).toEqual(here.rgb);
      expect(worker.view.hag).toEqual(here.hag);
    }
  }, 120_000);

  it('give the same previews as in-thread rasterization (object clicks, a user view, a negative)', async () => {
    const mesh = demoMeshScan({ seed: 1 });
    const scene = buildClickScene(mesh);
    const pooled = new ClickEngine(scene, new BuiltinSegmenter(), { renderThreads: 2 });
    const inThread = new ClickEngine(scene, new BuiltinSegmenter(), { renderThreads: 0 });
    expect(await pooled.renderMode()).toBe('2 render workers');
    expect(await inThread.renderMode()).toMatch(/^in-thread/);
    const inst = mesh.mesh!.faceAttributes.find((a) => a.name === 'instance')!.values;
    const g = scene.geometry;
    const inputs: Parameters<ClickEngine['preview']>[0][] = [];
    for (const kind of ['building', 'tree', 'car'] as const) {
      const o = mesh.demo.objects.find((x) => x.kind === kind)!;
      const faces: number[] = [];
      for (let f = 0; f < inst.length; f++) if (inst[f] === o.instance) faces.push(f);
      const top = faces.reduce((a, b) => (g.position(b)[2] > g.position(a)[2] ? b : a));
      inputs.push({ positives: [top] });
      if (kind === 'building') {
        const c = o.center;
        inputs.push({ positives: [top], camera: lookAt([c[0], c[1] - 40, c[2] + 25], c, [0, 0, 1], perspectiveIntrinsics(640, 480, 1)) });
        const low = faces.reduce((a, b) => (g.position(b)[2] < g.position(a)[2] ? b : a));
        inputs.push({ positives: [top], negatives: [low] });
      }
    }
    for (const input of inputs) {
      const a = await pooled.preview(input);
      const b = await inThread.preview(input);
      expect(a.target).toBe('faces');
      expect(a.ids.length).toBeGreaterThan(0);
      expect(a.ids).toEqual(b.ids);
      expect(a.confidence).toEqual(b.confidence);
      expect(a.views.map((v) => [v.used, v.score, v.maskPixels, v.seen, v.inside])).toEqual(b.views.map((v) => [v.used, v.score, v.maskPixels, v.seen, v.inside]));
      expect(a.primaryMask?.mask).toEqual(b.primaryMask?.mask);
    }
  }, 300_000);
});
