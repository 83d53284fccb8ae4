import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlCamera, project, type Vec3 } from '../../../common/geometry/camera';
import { clickSourceFor } from '../../../electron/services/core/clickHandlers';
import { buildOctree } from '../../../electron/services/octree/buildOctree';
import { importScan } from '../../../electron/services/octree/importScan';
import { OctreeStore } from '../../../electron/services/octree/octreeStore';
import { demoPointScan } from '../../../electron/services/scans/demo/demoScene';
import { attribute, type Scan } from '../../../electron/services/scans/model';
import { readScan } from '../../../electron/services/scans/read';
import { ClickEngine } from '../../../electron/services/segmentation/clickEngine';
import { buildClickScene } from '../../../electron/services/segmentation/scene/clickScene';
import { OctreeClickEngine } from '../../../electron/services/segmentation/scene/octreeClickEngine';
import { OctreePointSource } from '../../../electron/services/segmentation/scene/octreePointSource';
import { BuiltinSegmenter } from '../../../electron/services/segmentation/segmenters/builtin';

import { inMemoryHarness, waitJob } from '../../contract/support/harness';

const SAMPLE_C = resolve(__dirname, '../../../../shared/data/pdal-sample-c/sample_c.las');
let work: string;
const stores: OctreeStore[] = [];
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'scanlabel-octree-click-'));
});
afterAll(async () => {
  for (const s of stores) await s.close();
  rmSync(work, { recursive: true, force: true });
});

// A coarse window (budget 60k of 300k points: 22-26k loaded at level spacing 0.39 m) carried to full
// resolution, scored against every point of the instance. Measured 2026-12-07: building 0.846, car
// 0.949 (0.15 for both when only the loaded points were labelled); in memory the same clicks score
// 0.874 and 0.987. Thresholds ~0.1 below.
const COARSE_IOU = { building: 0.75, car: 0.85 };

const iou = (a: Uint32Array, b: ArrayLike<number>) => {
  const t = new Set(Array.from(b));
  let tp = 0;
  for (const id of a) if (t.has(id)) tp++;
  return tp / (a.length + t.size - tp);
};

async function openSource(dir: string, cacheBytes?: number) {
  const store = await OctreeStore.open(dir);
  stores.push(store);
  return OctreePointSource.open(store, cacheBytes === undefined ? {} : { cacheBytes });
}

describe('OctreePointSource', () => {
  let scan: Scan;
  let dir: string;
  beforeAll(async () => {
    scan = demoPointScan({ seed: 3, points: 120_000 });
    dir = join(work, 'demo3');
    // Small leaves, so the tree has several levels to stop at.
    await buildOctree(scan, dir, { threads: 0, maxLeafPoints: 4_000 });
  }, 120_000);

  it('visits every point once at full resolution, ids are scan indices with their positions', async () => {
    const source = await openSource(dir);
    await source.load([0, 0, 0], Infinity);
    const seen = new Uint8Array(scan.pointCount);
    source.visitNear([0, 0, 0], Infinity, (chunk, start, end) => {
      expect(chunk.geometryOrder).toBe(false);
      for (let s = start; s < end; s++) {
        const id = chunk.ids[s]!;
        seen[id]!++;
        for (let k = 0; k < 3; k++) if (chunk.positions[s * 3 + k] !== scan.positions[id * 3 + k]) throw new Error(`position of ${id}`);
      }
    });
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('stops at the level that fits maxSpacing, covers the sphere, and keeps the cache under its byte limit', async () => {
    const limit = 2 * 1024 * 1024;
    const source = await openSource(dir, limit);
    const center: [number, number, number] = [scan.positions[0]!, scan.positions[1]!, scan.positions[2]!];
    const coarse = source.spacingOf(2);
    await source.load(center, 20, coarse);
    let coarseCount = 0;
    let coarseNear = 0;
    let near = 0;
    const within = (P: Float32Array, s: number) => Math.hypot(P[s * 3]! - center[0], P[s * 3 + 1]! - center[1], P[s * 3 + 2]! - center[2]) <= 20;
    source.visitNear(
      center,
      20,
      (chunk, start, end) => {
        coarseCount += end - start;
        for (let s = start; s < end; s++) {
          // Levels 0..2 only: their spacing is at least level 2's.
          expect(chunk.spacing[s]).toBeGreaterThanOrEqual(coarse * 0.999);
          if (within(chunk.positions, s)) coarseNear++;
        }
      },
      coarse,
    );
    expect(coarseCount).toBe(source.countNear(center, 20, coarse));
    await source.load(center, 20);
    source.visitNear(center, 20, (chunk, start, end) => {
      for (let s = start; s < end; s++) if (within(chunk.positions, s)) near++;
    });
    let truthNear = 0;
    for (let i = 0; i < scan.pointCount; i++) if (Math.hypot(scan.positions[i * 3]! - center[0], scan.positions[i * 3 + 1]! - center[1], scan.positions[i * 3 + 2]! - center[2]) <= 20) truthNear++;
    // Loading beyond the limit evicts: what is visited at full resolution may be partly gone again.
    expect(near).toBeLessThanOrEqual(truthNear);
    expect(source.cacheSize.bytes).toBeLessThanOrEqual(limit + 4_000 * 40);
    // A coarse level is a subsample of the sphere's points.
    expect(coarseNear).toBeGreaterThan(0);
    expect(coarseNear).toBeLessThan(truthNear);
  });

  it('finds a point by its index through the nodes', async () => {
    const source = await openSource(dir);
    const found = await source.findPoints([7, 99_999]);
    expect(found.get(7)).toEqual([scan.positions[21], scan.positions[22], scan.positions[23]]);
    expect(found.get(99_999)).toEqual([scan.positions[299_997], scan.positions[299_998], scan.positions[299_999]]);
  });
});

describe('a click through the octree source matches the in-memory click', () => {
  it('PDAL sample_c.las: a click on the large roof, octree vs in memory IoU >= 0.9, ids are scan indices (class 6 IoU >= 0.9)', async () => {
    const project = join(work, 'sample-c');
    const imported = await importScan(SAMPLE_C, project);
    const source = await openSource(join(project, 'scans', imported.scanId, 'octree'));
    const scan = await readScan(SAMPLE_C);
    const cls = attribute(scan, 'classification')!.values;
    const building: number[] = [];
    for (let i = 0; i < scan.pointCount; i++) if (cls[i] === 6) building.push(i);
    const memory = new ClickEngine(buildClickScene(scan), new BuiltinSegmenter());
    // No locate: the clicked point is found through the octree's index blocks.
    const octree = new OctreeClickEngine('sc', source, new BuiltinSegmenter());
    for (const k of [0.25, 0.5, 0.9]) {
      const click = building[Math.floor(k * building.length)]!;
      const a = await memory.preview({ positives: [click] });
      const b = await octree.preview({ positives: [click] });
      expect(b.anchors[0]!.id).toBe(click);
      expect(b.target).toBe('points');
      expect([...b.ids].every((id, i) => id < scan.pointCount && (i === 0 || id > b.ids[i - 1]!))).toBe(true);
      const vsMemory = iou(b.ids, a.ids);
      const vsTruth = iou(b.ids, building);
      console.log(`sample_c click ${click}: memory ${a.ids.length}, octree ${b.ids.length}, IoU octree/memory ${vsMemory.toFixed(3)}, octree/class 6 ${vsTruth.toFixed(3)}, window ${octree.window!.ids.length} pts`);
      expect(vsMemory).toBeGreaterThanOrEqual(0.9);
      expect(vsTruth).toBeGreaterThanOrEqual(0.9);
    }
  }, 180_000);

  it('a box without a click through the octree source: sample_c, a box around the large roof seen from above labels the building (class 6 IoU >= 0.85)', async () => {
    const projectDir = join(work, 'sample-c-box');
    const imported = await importScan(SAMPLE_C, projectDir);
    const source = await openSource(join(projectDir, 'scans', imported.scanId, 'octree'));
    const scan = await readScan(SAMPLE_C);
    const cls = attribute(scan, 'classification')!.values;
    const P = scan.positions;
    const min = [Infinity, Infinity, Infinity];
    const max = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < scan.pointCount; i++)
      for (let k = 0; k < 3; k++) {
        min[k] = Math.min(min[k]!, P[i * 3 + k]!);
        max[k] = Math.max(max[k]!, P[i * 3 + k]!);
      }
    const c: Vec3 = [(min[0]! + max[0]!) / 2, (min[1]! + max[1]!) / 2, (min[2]! + max[2]!) / 2];
    const camera = fromGlCamera({ position: [c[0], c[1] - 0.01, c[2] + 1.2 * Math.max(max[0]! - min[0]!, max[1]! - min[1]!)], target: c, up: [0, 0, 1], fovDeg: 55 }, 800, 600);
    // The large roof: class-6 points above the small building's wall (z >= 0).
    const roof: number[] = [];
    const building: number[] = [];
    for (let i = 0; i < scan.pointCount; i++) {
      if (cls[i] !== 6) continue;
      building.push(i);
      if (P[i * 3 + 2]! >= 0) roof.push(i);
    }
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const i of roof) {
      const q = project(camera, [P[i * 3]!, P[i * 3 + 1]!, P[i * 3 + 2]!])!;
      [x0, y0, x1, y1] = [Math.min(x0, q.u), Math.min(y0, q.v), Math.max(x1, q.u), Math.max(y1, q.v)];
    }
    // The window is centred from the coarse points inside the box (no clicked point to start from).
    // Measured 0.978 (2026-12-07); 0.98 is the ceiling (the small building is a separate object).
    const octree = new OctreeClickEngine('sc', source, new BuiltinSegmenter());
    const p = await octree.preview({ positives: [], camera, box: { x0: x0 - 3, y0: y0 - 3, x1: x1 + 3, y1: y1 + 3 } });
    console.log(`sample_c box only: ${p.ids.length} ids, class 6 IoU ${iou(p.ids, building).toFixed(3)}`);
    expect(iou(p.ids, building)).toBeGreaterThanOrEqual(0.85);
  }, 180_000);

  it('demo scene (300k points): building and car clicks, octree vs in memory IoU >= 0.9; a window over budget reads a coarser level', async () => {
    const scan = demoPointScan({ seed: 1, points: 300_000 });
    const dir = join(work, 'demo1');
    await buildOctree(scan, dir, { threads: 0 });
    const source = await openSource(dir);
    const inst = attribute(scan, 'instance')!.values;
    const memoryScene = buildClickScene(scan);
    const memory = new ClickEngine(memoryScene, new BuiltinSegmenter());
    const locate = (id: number) => memoryScene.geometry.position(id);
    const octree = new OctreeClickEngine('demo', source, new BuiltinSegmenter(), { locate });
    const coarse = new OctreeClickEngine('demo', source, new BuiltinSegmenter(), { locate, windowPointBudget: 60_000 });
    for (const kind of ['building', 'car'] as const) {
      const object = scan.demo.objects.find((o) => o.kind === kind)!;
      const pts: number[] = [];
      for (let i = 0; i < scan.pointCount; i++) if (inst[i] === object.instance) pts.push(i);
      // A point on the object's top (highest z), which the orbiting views all see.
      const click = pts.reduce((b, i) => (scan.positions[i * 3 + 2]! > scan.positions[b * 3 + 2]! ? i : b));
      const a = await memory.preview({ positives: [click] });
      const b = await octree.preview({ positives: [click] });
      const c = await coarse.preview({ positives: [click] });
      console.log(
        `demo ${kind}: truth ${pts.length}, memory ${a.ids.length} (IoU ${iou(a.ids, pts).toFixed(3)}), octree ${b.ids.length} (vs memory ${iou(b.ids, a.ids).toFixed(3)}, truth ${iou(b.ids, pts).toFixed(3)}), coarse window ${coarse.window!.ids.length} pts spacing ${coarse.window!.spacing.toFixed(3)}: ${c.ids.length} ids (truth ${iou(c.ids, pts).toFixed(3)})`,
      );
      expect(iou(b.ids, a.ids)).toBeGreaterThanOrEqual(0.9);
      expect(coarse.window!.full).toBe(false);
      expect(coarse.window!.ids.length).toBeLessThanOrEqual(60_001);
      expect(c.ids).toContain(click);
      expect(new Set(c.ids).size).toBe(c.ids.length);
      expect([...c.ids].every((id, i) => i === 0 || id > c.ids[i - 1]!)).toBe(true);
      // The coarse window's verdict carried to the deeper points: the whole object, not its subsample.
      expect(iou(c.ids, pts)).toBeGreaterThanOrEqual(COARSE_IOU[kind]);
    }
  }, 300_000);
});

describe('the core picks the click source', () => {
  it('memory while the scan is loaded, the octree when it is not (or when forced), memory without an octree', () => {
    expect(clickSourceFor(true, true, undefined)).toBe('memory');
    expect(clickSourceFor(false, true, undefined)).toBe('octree');
    expect(clickSourceFor(true, true, 'octree')).toBe('octree');
    expect(clickSourceFor(false, true, 'memory')).toBe('memory');
    expect(clickSourceFor(true, false, 'octree')).toBe('memory');
  });

  it('SCANLABEL_CLICK_SOURCE=octree: click.preview and accept over the API read an imported scan through its octree', async () => {
    const before = process.env.SCANLABEL_CLICK_SOURCE;
    process.env.SCANLABEL_CLICK_SOURCE = 'octree';
    const h = await inMemoryHarness({ projectDir: join(work, 'api-project'), demo: false });
    try {
      const { jobId } = await h.client.get('scans.import', { path: SAMPLE_C });
      expect((await waitJob(h.client, jobId)).state).toBe('done');
      const scan = await readScan(SAMPLE_C);
      const cls = attribute(scan, 'classification')!.values;
      const building: number[] = [];
      for (let i = 0; i < scan.pointCount; i++) if (cls[i] === 6) building.push(i);
      const p = await h.client.get('click.preview', { scanId: 'sample_c', positives: [building[building.length >> 1]!] });
      expect(p.previewId).toMatch(/^o/); // the octree engine's previews
      const ids = new Uint32Array(Uint8Array.from(Buffer.from(p.idsBase64, 'base64')).buffer);
      expect(iou(ids, building)).toBeGreaterThanOrEqual(0.9);
      const accepted = await h.client.get('click.accept', { previewId: p.previewId, classCode: 6 });
      expect(accepted.pointCount).toBe(ids.length);
    } finally {
      if (before === undefined) delete process.env.SCANLABEL_CLICK_SOURCE;
      else process.env.SCANLABEL_CLICK_SOURCE = before;
      await h.close();
    }
  }, 180_000);
});
