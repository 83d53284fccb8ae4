import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PropagationEngine } from '../../../electron/services/propagation/engine';
import { groundFilter } from '../../../electron/services/geometry/ground';
import { composite, meanIoU } from '../../../electron/services/propagation/metrics';
import { gtValuesFromU8File } from '../../../electron/services/eval/truth';
import { readScan } from '../../../electron/services/scans/read';
import { demoScene, clicksPerClass } from '../../unit/propagation/demoFixture';

const repoRoot = path.resolve(__dirname, '../../..');
const data = (f: string) => path.resolve(repoRoot, '../shared/data', f);

function groundIoU(mask: Uint8Array, classes: ArrayLike<number>): number {
  let i = 0;
  let u = 0;
  for (let p = 0; p < mask.length; p++) {
    const a = classes[p] === 2;
    const b = mask[p] === 1;
    if (a && b) i++;
    if (a || b) u++;
  }
  return i / u;
}

describe('ground filter on real aerial LiDAR (ASPRS class 2, ISPRS reference flags)', () => {
  // Figures from scripts/bench-ground.ts. The thresholds sit ~0.05 below what the filter measures
  // and far above what the previous filter scored, so a regression of either kind shows.
  it('pdal-sample-c/sample_c.las: ground beside a roof that covers most of the tile', async () => {
    const scan = await readScan(data('pdal-sample-c/sample_c.las'));
    const cls = scan.attributes.find((a) => a.name === 'classification')!.values;
    // Measured 0.922. The roof (87% of points, 26 units up) touches the tile edge: only a window
    // spanning the tile removes it; a building-sized window marks the roof as ground (~0.10).
    expect(groundIoU(groundFilter(scan.positions).ground, cls)).toBeGreaterThan(0.87);
  });

  it('nebraska-3dep: ground under trees and two buildings', async () => {
    const scan = await readScan(data('nebraska-3dep/file_with_both_wkt_and_geotiff_vlrs.las'));
    const cls = scan.attributes.find((a) => a.name === 'classification')!.values;
    // Measured 0.988; 0.95 still fails any filter that keeps the buildings (15% of points).
    expect(groundIoU(groundFilter(scan.positions).ground, cls)).toBeGreaterThan(0.95);
  });

  it('ign-lidarhd/append-bug.laz: clumped block and strips with deep isolated low noise', async () => {
    const scan = await readScan(data('ign-lidarhd/append-bug.laz'));
    const cls = scan.attributes.find((a) => a.name === 'classification')!.values;
    // Measured 0.883 (most of the rest is the bridge deck and low vegetation at ground height);
    // with cell minima taken from the isolated noise 10-80 m below the block it scored 0.111.
    expect(groundIoU(groundFilter(scan.positions).ground, cls)).toBeGreaterThan(0.83);
  });

  const isprs = async (sample: string) => {
    const scan = await readScan(data(`isprs-filtertest/${sample}.pcd`));
    const flags = await gtValuesFromU8File(data(`isprs-filtertest/derived/${sample}.ground.u8`), scan.pointCount);
    return groundIoU(groundFilter(scan.positions).ground, Float64Array.from(flags, (v) => (v === 1 ? 2 : 0)));
  };

  it('ISPRS samp11: steep wooded slope with buildings (hills stay terrain)', async () => {
    // Measured 0.815; the previous filter (height threshold capped at 3 m for wide windows) flagged
    // every ridge and scored 0.115.
    expect(await isprs('samp11-utm')).toBeGreaterThan(0.75);
  });

  it('ISPRS samp41: a cluster of low noise 25 m below ground', async () => {
    // Measured 0.868; without the sunken-cluster test the opened surface collapses onto the
    // cluster and the filter scores 0.000.
    expect(await isprs('samp41-utm')).toBeGreaterThan(0.8);
  });

  it('ISPRS samp61: embankment and data gaps', async () => {
    // Measured 0.969 (previous filter 0.445).
    expect(await isprs('samp61-utm')).toBeGreaterThan(0.92);
  });
});

describe('PropagationEngine (worker thread, cached preparation)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scanlabel-propagation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prepares in a worker, caches, reloads from the sidecar and propagates; coalesces bursts', async () => {
    const { scan, truth, instance } = demoScene(50_000);
    const cacheFile = path.join(dir, 'demo.propagation.bin');
    const engine = await PropagationEngine.start();
    try {
      expect(engine.mode).toBe('worker thread');
      expect(await engine.prepare(scan, { cacheFile })).toEqual({ cached: false });
      const user = clicksPerClass(scan, truth, instance, 1);
      const first = await engine.propagate(user, null);
      expect(meanIoU(composite(user, first.classes), truth).miou).toBeGreaterThan(0.75);

      // Three edits in a burst: the second and third share one run on the newest labels.
      const a = engine.propagate(user, null);
      const more = user.slice();
      more[0] = 6;
      const b = engine.propagate(more, null);
      const c = engine.propagate(more, null);
      const [ra, rb, rc] = await Promise.all([a, b, c]);
      expect(ra.classes.length).toBe(scan.pointCount);
      expect(rb).toBe(rc);
      expect(rb.classes[0]).toBe(0);
    } finally {
      await engine.close();
    }
    const again = await PropagationEngine.start({ worker: false });
    expect(await again.prepare(scan, { cacheFile })).toEqual({ cached: true });
    const r = await again.propagate(clicksPerClass(scan, truth, instance, 1), null);
    expect(r.classCodes.length).toBe(new Set(truth).size);
    await again.close();
  });
});
