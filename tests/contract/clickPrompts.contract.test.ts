import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlCamera, project, type Camera, type Vec3 } from '../../common/geometry/camera';
import { packMask } from '../../electron/services/core/clickHandlers';
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
