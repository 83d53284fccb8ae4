import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlCamera, project, type Camera, type Vec3 } from '../../common/geometry/camera';
import { packMask } from '../../electron/services/core/clickHandlers';
import { demoPointScan } from '../../electron/services/scans/demo/demoScene';
import { attribute } from '../../electron/services/scans/model';
import { inMemoryHarness, type Harness } from './support/harness';

const bitsOf = (m: { width: number; height: number; bitsBase64: string }) => {
  const bytes = Buffer.from(m.bitsBase64, 'base64');
  return Array.from({ length: m.width * m.height }, (_, i) => (bytes[i >> 3]! >> (i & 7)) & 1);
};

describe('packMask', () => {
  it('packs one bit per pixel, pixel i in bit i & 7 of byte i >> 3', () => {
    const mask = Uint8Array.from([1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0]);
    const packed = packMask({ width: 11, height: 1, mask });
    expect([...Buffer.from(packed.bitsBase64, 'base64')]).toEqual([0b1001, 0b11]);
    expect(bitsOf(packed)).toEqual([...mask]);
  });
});

describe('click prompts over the API: box prompt and the primary view mask', () => {
  let h: Harness;
  let camera: Camera;
  let positions: Float32Array;
  let truth: Uint16Array;
  beforeAll(async () => {
    h = await inMemoryHarness({ projectDir: fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-prompts-')), demo: { seed: 2, points: 10_000 } });
    const view = await h.client.get('scans.view', { scanId: 'demo-2' });
    positions = new Float32Array(await h.client.fetchBlob(view.chunks[0]!.blobs.position!));
    truth = new Uint16Array(await h.client.fetchBlob(view.chunks[0]!.blobs.classification!));
    const [min, max] = [view.scan.boundsMin, view.scan.boundsMax];
    const c: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
    const height = Math.max(max[0] - min[0], max[1] - min[1]) * 1.1;
    // The user's view: straight down over the scan, 800 x 600 canvas pixels.
    camera = fromGlCamera({ position: [c[0], c[1] - 0.01, c[2] + height], target: c, up: [0, 0, 1], fovDeg: 55 }, 800, 600);
  });
  afterAll(() => h.close());

  it('returns the mask of the user view with a click preview', async () => {
    const clicked = truth.indexOf(6);
    const p = await h.client.get('click.preview', { scanId: 'demo-2', positives: [clicked], camera });
    expect(p.mask).toBeDefined();
    const m = p.mask!;
    // The user's view at model resolution keeps the canvas' aspect ratio.
    expect(m.width / m.height).toBeCloseTo(800 / 600, 1);
    const bits = bitsOf(m);
    const set = bits.reduce((a, b) => a + b, 0);
    expect(set).toBeGreaterThan(0);
    // The clicked point's pixel (scaled to the mask) is inside the mask or next to it.
    const q = project(camera, [positions[clicked * 3]!, positions[clicked * 3 + 1]!, positions[clicked * 3 + 2]!])!;
    const s = m.width / 800;
    const [x, y] = [Math.floor(q.u * s), Math.floor(q.v * s)];
    let near = 0;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) near += bits[(y + dy) * m.width + x + dx] ?? 0;
    expect(near).toBeGreaterThan(0);
  });

  it('segments from a box drawn in canvas pixels of the camera sent with it (with the point under its centre, as the viewer sends it)', async () => {
    // A box around one building as the user sees it: the projections of building points near one of them.
    const first = truth.indexOf(6);
    const [fx, fy] = [positions[first * 3]!, positions[first * 3 + 1]!];
    const us: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < truth.length; i++) {
      if (truth[i] !== 6 || Math.hypot(positions[i * 3]! - fx, positions[i * 3 + 1]! - fy) > 6) continue;
      const q = project(camera, [positions[i * 3]!, positions[i * 3 + 1]!, positions[i * 3 + 2]!])!;
      us.push(q.u);
      vs.push(q.v);
    }
    const box = { x0: Math.min(...us) - 2, y0: Math.min(...vs) - 2, x1: Math.max(...us) + 2, y1: Math.max(...vs) + 2 };
    const p = await h.client.get('click.preview', { scanId: 'demo-2', positives: [first], camera, box });
    const ids = new Uint32Array(Uint8Array.from(Buffer.from(p.idsBase64, 'base64')).buffer);
    expect(ids.length).toBeGreaterThan(20);
    expect(ids).toContain(first);
    // The mask lies within the box, scaled to the model's resolution.
    const m = p.mask!;
    const s = m.width / 800;
    const bits = bitsOf(m);
    let outside = 0;
    let inside = 0;
    bits.forEach((b, i) => {
      if (!b) return;
      const [x, y] = [(i % m.width) + 0.5, Math.floor(i / m.width) + 0.5];
      if (x < box.x0 * s - 1 || x > box.x1 * s + 1 || y < box.y0 * s - 1 || y > box.y1 * s + 1) outside++;
      else inside++;
    });
    expect(inside).toBeGreaterThan(0);
    expect(outside).toBe(0);
  });

  it('refuses a box without the camera it was drawn in', async () => {
    const r = await h.client.call('click.preview', { scanId: 'demo-2', positives: [], box: { x0: 0, y0: 0, x1: 10, y1: 10 } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});

describe('a box prompt without a click (built-in segmenter)', () => {
  // 100k points: at the 10k of the block above a building is too sparse for any prompt (a click on
  // one scores IoU 0.34..0.80 there), which would test the density, not the box.
  const POINTS = 100_000;
  let h: Harness;
  let camera: Camera;
  let positions: Float32Array;
  let truth: Uint16Array;
  let instance: Uint32Array;
  beforeAll(async () => {
    h = await inMemoryHarness({ projectDir: fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-boxonly-')), demo: { seed: 2, points: POINTS } });
    const view = await h.client.get('scans.view', { scanId: 'demo-2' });
    positions = new Float32Array(await h.client.fetchBlob(view.chunks[0]!.blobs.position!));
    truth = new Uint16Array(await h.client.fetchBlob(view.chunks[0]!.blobs.classification!));
    // The API serves classes, not instances: the same demo generated here gives them.
    const demo = demoPointScan({ seed: 2, points: POINTS });
    expect(demo.positions).toEqual(positions);
    instance = attribute(demo, 'instance')!.values as Uint32Array;
    const [min, max] = [view.scan.boundsMin, view.scan.boundsMax];
    const c: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
    const height = Math.max(max[0] - min[0], max[1] - min[1]) * 1.1;
    camera = fromGlCamera({ position: [c[0], c[1] - 0.01, c[2] + height], target: c, up: [0, 0, 1], fovDeg: 55 }, 800, 600);
  }, 120_000); // generating 100k demo points twice takes seconds on a loaded machine
  afterAll(() => h.close());

  /** The points of the `rank`-th largest instance of a class. */
  const instancePoints = (classCode: number, rank: number) => {
    const counts = new Map<number, number>();
    for (let i = 0; i < truth.length; i++) if (truth[i] === classCode) counts.set(instance[i]!, (counts.get(instance[i]!) ?? 0) + 1);
    const which = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[rank]![0];
    const out: number[] = [];
    for (let i = 0; i < instance.length; i++) if (instance[i] === which) out.push(i);
    return out;
  };
  /** The box the user draws around an object: its points' projections, padded by 3 canvas pixels. */
  const boxAround = (ids: number[]) => {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const i of ids) {
      const q = project(camera, [positions[i * 3]!, positions[i * 3 + 1]!, positions[i * 3 + 2]!])!;
      [x0, y0, x1, y1] = [Math.min(x0, q.u), Math.min(y0, q.v), Math.max(x1, q.u), Math.max(y1, q.v)];
    }
    return { x0: x0 - 3, y0: y0 - 3, x1: x1 + 3, y1: y1 + 3 };
  };
  const iou = (ids: Uint32Array, truthIds: number[]) => {
    const t = new Set(truthIds);
    let tp = 0;
    for (const id of ids) if (t.has(id)) tp++;
    return tp / (ids.length + t.size - tp);
  };

  // Scored against every point of the instance, walls and a car's underside included (an overhead
  // box sees roofs; the object views and refinement add the rest). Measured (2026-12-07, 3 largest
  // of each): buildings 0.84..0.86, cars 0.94..0.98; before, a box without a click labelled nothing
  // (refinement had no anchor). Thresholds sit ~0.1 below, so a mask that took the neighbouring
  // ground (IoU < 0.5 for a building, far less for a car) or missed a whole side still fails.
  it.each([
    ['building', 6, 0, 0.75],
    ['building', 6, 1, 0.75],
    ['car', 64, 0, 0.85],
    ['car', 64, 1, 0.85],
  ])('a box around a %s (class %i, rank %i) returns that object: IoU >= %f', async (_kind, classCode, rank, threshold) => {
    const object = instancePoints(classCode, rank);
    const p = await h.client.get('click.preview', { scanId: 'demo-2', positives: [], camera, box: boxAround(object) });
    const ids = new Uint32Array(Uint8Array.from(Buffer.from(p.idsBase64, 'base64')).buffer);
    expect(iou(ids, object)).toBeGreaterThanOrEqual(threshold);
  }, 60_000);
});
