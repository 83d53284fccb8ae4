import { describe, expect, it } from 'vitest';
import { selectPredictions, acceptCommand } from '../../../electron/services/propagation/accept';
import { prepareScan } from '../../../electron/services/propagation/prepare';
import { propagate } from '../../../electron/services/propagation/propagate';
import { suggestClicks } from '../../../electron/services/propagation/suggest';
import { clicksPerClass, demoScene } from './demoFixture';

describe('suggestions and acceptance on the demo block', () => {
  const { scan, truth, instance } = demoScene(60_000);
  const prepared = prepareScan(scan);
  const user = clicksPerClass(scan, truth, instance, 1);
  const locked = new Uint8Array(scan.pointCount);
  for (let p = 0; p < scan.pointCount; p += 10) locked[p] = 1;
  const result = propagate({ prepared, userLabels: user, locked });
  const base = { prepared, positions: scan.positions, origin: scan.origin, userLabels: user, locked };

  const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

  it('points at open, uncertain places, spread out, best first', () => {
    const s = suggestClicks({ ...base, result, n: 8 });
    expect(s.length).toBe(8);
    let meanConf = 0;
    for (let p = 0; p < scan.pointCount; p++) meanConf += result.confidence[p]!;
    meanConf /= scan.pointCount;
    for (const x of s) {
      expect(user[x.point]).toBe(0);
      expect(locked[x.point]).toBe(0);
      expect(x.position).toEqual([scan.positions[x.point * 3], scan.positions[x.point * 3 + 1], scan.positions[x.point * 3 + 2]]);
      expect(x.world[0]).toBeCloseTo(scan.origin[0] + x.position[0], 3);
      expect(x.reason).toMatch(/confidence/);
    }
    // Suggested places are less certain than the scene on average.
    const suggestedConf = s.reduce((a, x) => a + result.segmentConfidence[x.superpoint]! * 255, 0) / s.length;
    expect(suggestedConf).toBeLessThan(meanConf);
    // Spread: no two within 5 m (the demo block is 100 m across; 8 suggestions own ~35 m each).
    for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) expect(dist(s[i]!.position, s[j]!.position)).toBeGreaterThan(5);
    for (let i = 1; i < s.length; i++) expect(s[i]!.gain).toBeLessThanOrEqual(s[i - 1]!.gain + 1e-6);
  });

  it('before any label, covers the scene by region size', () => {
    const s = suggestClicks({ ...base, userLabels: new Uint16Array(scan.pointCount), locked: null, result: null, n: 5 });
    expect(s.length).toBe(5);
    for (const x of s) expect(x.reason).toMatch(/nothing labelled/);
    for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) expect(dist(s[i]!.position, s[j]!.position)).toBeGreaterThan(10);
  });

  it('selects predictions by class, region and confidence, never user-labelled or locked points', () => {
    const all = selectPredictions(result, user, locked, scan.positions);
    for (const p of all.points) {
      expect(user[p]).toBe(0);
      expect(locked[p]).toBe(0);
    }
    const cars = selectPredictions(result, user, locked, scan.positions, { classes: [64] });
    expect([...cars.perClass.keys()]).toEqual([64]);
    expect(cars.points.length).toBeLessThan(all.points.length);
    const sure = selectPredictions(result, user, locked, scan.positions, { minConfidence: 200 });
    for (const p of sure.points) expect(result.confidence[p]).toBeGreaterThanOrEqual(200);
    const box = selectPredictions(result, user, locked, scan.positions, { region: { aabb: { min: [-10, -10, -100], max: [10, 10, 100] } } });
    for (const p of box.points) expect(Math.abs(scan.positions[p * 3]!)).toBeLessThanOrEqual(10);
    const some = Uint32Array.from([5, 3, 3, 1, 2, 10, 999_999]);
    const picked = selectPredictions(result, user, locked, scan.positions, { region: { points: some } });
    expect(Array.from(picked.points)).toEqual([1, 2, 3, 5].filter((p) => result.classes[p] !== 0));
    expect(picked.classes.length).toBe(picked.points.length);
    const cmd = acceptCommand('scan-1', cars);
    expect(cmd).toMatchObject({ kind: 'accept', scanId: 'scan-1', fromLayer: 'predicted' });
  });
});
