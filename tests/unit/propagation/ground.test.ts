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

/**
 * The IGN append-bug pattern (shared/data/ign-lidarhd/append-bug.laz): a 50 x 75 m block of tight
 * clumps ~4.5 m apart, 0.2 m-wide strips across a much larger tile, and isolated low noise 10-80 m
 * below the ground in a large share of the block's cells (singles and close pairs).
 */
function appendBugTile(seed: number): { positions: Float32Array; truth: Uint8Array } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const terrain = (x: number, y: number) => 0.05 * x + 0.02 * y + 2 * Math.sin(x / 40);
  const xyz: number[] = [];
  const truth: number[] = [];
  const add = (x: number, y: number, z: number, ground: boolean) => {
    xyz.push(x, y, z);
    truth.push(ground ? 1 : 0);
  };
  // The block: 60 % of the clumps on the ground, the rest canopy 2-20 m up.
  for (let cy = 0; cy < 17; cy++)
    for (let cx = 0; cx < 11; cx++) {
      const x = cx * 4.5 + rnd() * 3;
      const y = cy * 4.5 + rnd() * 3;
      const tree = rnd() < 0.4;
      const top = 6 + rnd() * 14;
      for (let k = 0; k < 120; k++) {
        const a = rnd() * 2 * Math.PI;
        const r = 0.5 * Math.sqrt(rnd());
        const px = x + r * Math.cos(a);
        const py = y + r * Math.sin(a);
        if (tree) add(px, py, terrain(px, py) + top - rnd() * 4, false);
        else add(px, py, terrain(px, py) + rnd() * 0.05, true);
      }
    }
  for (let k = 0; k < 200; k++) {
    const x = rnd() * 50;
    const y = rnd() * 75;
    const z = terrain(x, y) - 10 - rnd() * 70;
    add(x, y, z, false);
    if (k % 4 === 0) add(x + 0.3, y + 0.2, z - 0.3, false);
  }
  // Strips: ground every 0.3 m, every third 15 m stretch under canopy with a few ground returns.
  const strip = (length: number, at: (t: number) => [number, number]) => {
    for (let t = 0; t < length; t += 0.3) {
      const [x, y] = at(t);
      const z = terrain(x, y);
      if (Math.floor(t / 15) % 3 === 1) {
        add(x, y, z + 8 + rnd() * 4, false);
        if (rnd() < 0.15) add(x, y, z + rnd() * 0.05, true);
      } else add(x, y, z + rnd() * 0.05, true);
    }
  };
  strip(250, (t) => [t, 75 + rnd() * 0.2]);
  strip(300, (t) => [250 + rnd() * 0.2, 75 - t]);
  return { positions: Float32Array.from(xyz), truth: Uint8Array.from(truth) };
}

describe('groundFilter on a clumped tile with deep low noise (IGN append-bug pattern)', () => {
  it.each([1, 7, 42])('finds the ground under the block and along the strips (seed %i)', (seed) => {
    const { positions, truth } = appendBugTile(seed);
    const g = groundFilter(positions);
    // Measured 0.96-0.98; cell minima taken from the noise pulled the terrain tens of metres under
    // the block (0.14-0.21).
    expect(iou(g.ground, Uint16Array.from(truth), 1)).toBeGreaterThan(0.9);
    // True ground sits on the terrain, not metres above it.
    let far = 0;
    let count = 0;
    for (let p = 0; p < truth.length; p++)
      if (truth[p]) {
        count++;
        if (Math.abs(g.heightAboveGround[p]!) > 1) far++;
      }
    expect(far / count).toBeLessThan(0.02);
  });
});
