import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../common/math/random';
import { demoMeshScan, demoPointScan } from '../../../electron/services/scans/demo/demoScene';
import { attribute } from '../../../electron/services/scans/model';
import { ClickEngine, type ClickLabelEdit } from '../../../electron/services/segmentation/clickEngine';
import { rayClear } from '../../../electron/services/segmentation/lift/views';
import { buildClickScene, type ClickScene } from '../../../electron/services/segmentation/scene/clickScene';
import { BuiltinSegmenter } from '../../../electron/services/segmentation/segmenters/builtin';

/**
 * IoU thresholds from measured distributions (1M-point demo, seed 1, built-in segmenter, 20 random
 * visible clicks per kind, 2026-11-22): building min 0.812 / mean 0.876, car min 0.866 / mean 0.936,
 * tree min 0.829 / mean 0.885. Thresholds = minimum minus ~0.06 margin for other seeds/click draws.
 * What limits them: back facades and crown undersides no view sees are grown from the seen parts
 * (grown points near the ground line are cut by the terrain model), and a car's cabin/body crease.
 */
const MIN_IOU = { building: 0.75, car: 0.8, tree: 0.75 } as const;

let scan: ReturnType<typeof demoPointScan>;
let scene: ClickScene;
let instance: Uint32Array;
const byInstance = new Map<number, number[]>();

beforeAll(() => {
  scan = demoPointScan({ seed: 1, points: 1_000_000 });
  scene = buildClickScene(scan);
  instance = attribute(scan, 'instance')!.values as Uint32Array;
  for (let i = 0; i < scan.pointCount; i++) {
    const list = byInstance.get(instance[i]!);
    if (list) list.push(i);
    else byInstance.set(instance[i]!, [i]);
  }
}, 120_000);

/** A random point of the object that some camera above the horizon can see (users click what they see). */
function visibleClick(points: number[], rand: () => number): number {
  for (;;) {
    const id = points[Math.floor(rand() * points.length)]!;
    const p = scene.geometry.position(id);
    for (let a = 0; a < 12; a++)
      for (const el of [0.3, 0.7, 1.1])
        if (rayClear(scene.geometry, p, [Math.cos(el) * Math.cos(a * 0.52), Math.cos(el) * Math.sin(a * 0.52), Math.sin(el)], 30)) return id;
  }
}

function iou(ids: Uint32Array, truth: number[], inst: number, labelOf: ArrayLike<number>): number {
  let tp = 0;
  for (const id of ids) if (labelOf[id] === inst) tp++;
  return tp / (ids.length + truth.length - tp);
}

describe('click -> preview on the procedural demo block (exact ground truth)', () => {
  for (const kind of ['building', 'car', 'tree'] as const) {
    it(`a click on a ${kind} labels that ${kind} (IoU >= ${MIN_IOU[kind]})`, async () => {
      const engine = new ClickEngine(scene, new BuiltinSegmenter());
      const rand = mulberry32(kind.length * 7919);
      const objects = scan.demo.objects.filter((o) => o.kind === kind);
      for (const o of objects.slice(0, 4)) {
        const truth = byInstance.get(o.instance)!;
        const p = await engine.preview({ positives: [visibleClick(truth, rand)] });
        const score = iou(p.ids, truth, o.instance, instance);
        expect(score, `${kind} ${o.instance}`).toBeGreaterThanOrEqual(MIN_IOU[kind]);
        expect(p.confidence.length).toBe(p.ids.length);
        expect(Math.min(...p.confidence)).toBeGreaterThanOrEqual(0.5);
        for (let i = 1; i < p.ids.length; i++) expect(p.ids[i]!).toBeGreaterThan(p.ids[i - 1]!);
        expect(Object.keys(p.timings).sort()).toEqual(['fuse', 'lift', 'refine', 'render', 'segment', 'total']);
      }
    }, 180_000);
  }

  it('a negative click splits a roof from its facades; accept hands one edit with the 3D anchors; cancel drops a preview', async () => {
    const edits: ClickLabelEdit[] = [];
    const engine = new ClickEngine(scene, new BuiltinSegmenter(), { sink: (e) => void edits.push(e) });
    const building = scan.demo.objects.find((o) => o.kind === 'building')!;
    const pts = byInstance.get(building.instance)!;
    const surface = attribute(scan, 'surface')!.values;
    const rand = mulberry32(5);
    const roof = visibleClick(pts.filter((i) => surface[i] === 1), rand);
    const facade = visibleClick(pts.filter((i) => surface[i] === 2), rand);
    const whole = await engine.preview({ positives: [roof] });
    const split = await engine.preview({ positives: [roof], negatives: [facade] });
    let facadeWhole = 0;
    let facadeSplit = 0;
    for (const id of whole.ids) if (surface[id] === 2 && instance[id] === building.instance) facadeWhole++;
    for (const id of split.ids) if (surface[id] === 2 && instance[id] === building.instance) facadeSplit++;
    expect(facadeSplit).toBeLessThan(facadeWhole * 0.6);
    expect(split.anchors.map((a) => [a.id, a.positive])).toEqual([[roof, true], [facade, false]]);

    expect(engine.cancel(whole.previewId)).toBe(true);
    await expect(engine.accept(whole.previewId, 6)).rejects.toThrow(/no preview/);
    const edit = await engine.accept(split.previewId, 6);
    expect(edits).toEqual([edit]);
    expect(edit).toMatchObject({ kind: 'click-label', classCode: 6, target: 'points', segmenter: 'builtin' });
    expect(edit.ids).toBe(split.ids);
  }, 180_000);

  it('a negative on the ground at a building foot (its voxel next to the positive) carves out ground only; the building stays', async () => {
    const engine = new ClickEngine(scene, new BuiltinSegmenter());
    const g = scene.geometry;
    const grid = g.grid;
    const surface = attribute(scan, 'surface')!.values;
    const chebyshev = (a: number, b: number) =>
      Math.max(Math.abs(grid.cellI[a]! - grid.cellI[b]!), Math.abs(grid.cellJ[a]! - grid.cellJ[b]!), Math.abs(grid.cellK[a]! - grid.cellK[b]!));
    const hagOf = (id: number) => g.hag![g.slotOf(id)]!;
    const rand = mulberry32(11);
    for (const building of scan.demo.objects.filter((o) => o.kind === 'building').slice(0, 3)) {
      const pts = byInstance.get(building.instance)!;
      // The facade's lowest voxel layer above the ground line, and a visible ground point of the
      // scene (another instance, on the terrain) whose voxel touches that one.
      let foot = -1;
      let ground = -1;
      for (const id of pts.filter((i) => surface[i] === 2 && hagOf(i) > 0.4 && hagOf(i) < 0.8)) {
        const c = grid.cellOfPoint[id]!;
        grid.forEachNeighbourCell(c, (nb) => {
          for (let s = grid.cellStart[nb]!; s < grid.cellStart[nb + 1]! && ground < 0; s++) {
            const q = grid.order[s]!;
            if (instance[q] !== building.instance && g.hag![s]! < 0.1 && rayClear(g, g.position(q), [0, 0, 1], 30)) ground = q;
          }
        });
        if (ground >= 0) {
          foot = id;
          break;
        }
      }
      expect(ground, `building ${building.instance} has ground next to its facade`).toBeGreaterThanOrEqual(0);
      expect(chebyshev(grid.cellOfPoint[foot]!, grid.cellOfPoint[ground]!)).toBeLessThanOrEqual(1);
      const roof = visibleClick(pts.filter((i) => surface[i] === 1), rand);
      for (const positive of [roof, foot]) {
        const alone = iou((await engine.preview({ positives: [positive] })).ids, pts, building.instance, instance);
        const carved = await engine.preview({ positives: [positive], negatives: [ground] });
        const score = iou(carved.ids, pts, building.instance, instance);
        // Before the fix the negative's blocked neighbourhood swallowed the positive's voxel: 1 point.
        expect(score, `building ${building.instance} ${positive === roof ? 'roof' : 'facade foot'}: alone ${alone.toFixed(3)}`).toBeGreaterThanOrEqual(Math.min(0.7, alone * 0.9));
        expect(carved.ids.includes(ground)).toBe(false);
      }
    }
  }, 240_000);
});

describe('textured mesh variant (per-face truth)', () => {
  it('a click on the top face of a building, car or tree labels its faces', async () => {
    const mesh = demoMeshScan({ seed: 1 });
    const ms = buildClickScene(mesh);
    const inst = mesh.mesh!.faceAttributes.find((a) => a.name === 'instance')!.values;
    const engine = new ClickEngine(ms, new BuiltinSegmenter());
    // Face-count IoU (faces differ in area by 100x). Measured: buildings 1.0, trees 0.74-0.98, cars 0.65-0.80.
    const min = { building: 0.9, tree: 0.65, car: 0.55 };
    for (const kind of ['building', 'tree', 'car'] as const) {
      for (const o of mesh.demo.objects.filter((x) => x.kind === kind).slice(0, 2)) {
        const faces: number[] = [];
        for (let f = 0; f < inst.length; f++) if (inst[f] === o.instance) faces.push(f);
        const top = faces.reduce((a, b) => (ms.geometry.position(b)[2] > ms.geometry.position(a)[2] ? b : a));
        const p = await engine.preview({ positives: [top] });
        expect(p.target).toBe('faces');
        expect(iou(p.ids, faces, o.instance, inst), `${kind} ${o.instance}`).toBeGreaterThanOrEqual(min[kind]);
      }
    }
  }, 180_000);
});
