import { describe, expect, it } from 'vitest';
import { groundFilter, groundPoints } from '../../../electron/services/geometry/ground';
import { DemoClass } from '../../../electron/services/scans/demo/demoScene';
import { demoScene } from './demoFixture';

function iou(mask: Uint8Array, truth: Uint16Array, cls: number): number {
  let i = 0;
  let u = 0;
  for (let p = 0; p < mask.length; p++) {
    const a = truth[p] === cls;
    const b = mask[p] === 1;
    if (a && b) i++;
    if (a || b) u++;
  }
  return i / u;
}

describe('groundFilter on the demo block', () => {
  const { scan, truth } = demoScene(100_000);
  const g = groundFilter(scan.positions);

  it('finds the demo terrain', () => {
    // Measured 0.96 (100k and 200k points). What it misses is inherent to a height-band filter:
    // car undersides and the lowest centimetres of facades and trunks lie within the 0.35 band.
    // 0.93 leaves room for seeds and densities without letting a broken filter pass (labelling
    // everything ground scores ~0.6 here; missing buildings' footprints drops it below 0.9).
    expect(iou(g.ground, truth, DemoClass.ground)).toBeGreaterThan(0.93);
  });

  it('gives heights above ground that put roofs high and the ground near zero', () => {
    let groundSum = 0;
    let groundN = 0;
    let roofHigh = 0;
    let roofN = 0;
    const surface = scan.attributes.find((a) => a.name === 'surface')!.values;
    for (let p = 0; p < scan.pointCount; p++) {
      if (truth[p] === DemoClass.ground) {
        groundSum += Math.abs(g.heightAboveGround[p]!);
        groundN++;
      }
      if (surface[p] === 1) {
        roofN++;
        if (g.heightAboveGround[p]! > 2.5) roofHigh++;
      }
    }
    expect(groundSum / groundN).toBeLessThan(0.15);
    expect(roofHigh / roofN).toBeGreaterThan(0.95);
  });

  it('returns the ground selection as sorted point indices (the one-click tool)', () => {
    const sel = groundPoints(g);
    let count = 0;
    for (const v of g.ground) count += v;
    expect(sel.length).toBe(count);
    for (let i = 1; i < sel.length; i++) expect(sel[i]!).toBeGreaterThan(sel[i - 1]!);
    expect(g.ground[sel[0]!]).toBe(1);
  });

  it('handles empty and flat inputs', () => {
    expect(groundFilter(new Float32Array(0)).ground.length).toBe(0);
    const flat = new Float32Array(3000);
    for (let p = 0; p < 1000; p++) {
      flat[p * 3] = p % 40;
      flat[p * 3 + 1] = Math.floor(p / 40);
    }
    const r = groundFilter(flat);
    expect(r.ground.every((v) => v === 1)).toBe(true);
  });
});
