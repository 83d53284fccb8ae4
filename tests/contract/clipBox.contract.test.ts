import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlCamera, type Vec3 } from '../../common/geometry/camera';
import { inMemoryHarness, type Harness } from './support/harness';

describe('scans.selectPolygon with the viewer clipping box', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await inMemoryHarness({ projectDir: fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-clip-')), demo: { seed: 3, points: 10_000 } });
  });
  afterAll(() => h.close());

  it('takes only the points inside the box', async () => {
    const view = await h.client.get('scans.view', { scanId: 'demo-3' });
    const positions = new Float32Array(await h.client.fetchBlob(view.chunks[0]!.blobs.position!));
    const [min, max] = [view.scan.boundsMin, view.scan.boundsMax];
    const c: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
    const camera = fromGlCamera({ position: [c[0], c[1] - 0.01, c[2] + (max[0] - min[0]) * 3], target: c, up: [0, 0, 1], fovDeg: 55 }, 800, 600);
    const polygon: [number, number][] = [
      [0, 0],
      [800, 0],
      [800, 600],
      [0, 600],
    ];
    const all = await h.client.get('scans.selectPolygon', { scanId: 'demo-3', camera, polygon });
    expect(all.count).toBe(10_000);
    // The south-west quarter, below mid height.
    const clipBox = { min: [min[0], min[1], min[2]] as Vec3, max: [c[0], c[1], c[2]] as Vec3 };
    const r = await h.client.get('scans.selectPolygon', { scanId: 'demo-3', camera, polygon, filter: { clipBox } });
    const expected: number[] = [];
    for (let i = 0; i < 10_000; i++)
      if ([0, 1, 2].every((k) => positions[i * 3 + k]! >= clipBox.min[k]! && positions[i * 3 + k]! <= clipBox.max[k]!)) expected.push(i);
    expect(expected.length).toBeGreaterThan(100);
    expect(Array.from(new Uint32Array(Uint8Array.from(Buffer.from(r.idsBase64, 'base64')).buffer))).toEqual(expected);
  });
});
