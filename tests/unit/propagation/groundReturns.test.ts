import { describe, expect, it } from 'vitest';
import { groundFilter } from '../../../electron/services/geometry/ground';
import { groundCandidates } from '../../../electron/services/geometry/groundCandidates';
import { scanShowsGround } from '../../../electron/services/geometry/groundPresence';
import type { ScanAttribute } from '../../../electron/services/scans/model';

function rng(seed: number) {
  let a = seed >>> 0;
  return () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const u8 = (name: string, values: number[]): ScanAttribute => ({ name, type: 'uint8', components: 1, values: Uint8Array.from(values) });

/**
 * A 40 x 40 m forest on flat ground at z = 0: every pulse under the canopy returns first from a
 * dense canopy layer and last from the ground; the canopy's lower side (2-3 m) is as dense as the
 * ground, and three quarters of the cells see no ground at all (their pulses end in the canopy:
 * 2 of 2 there too, but at 2 m). Without returns the filter cannot tell.
 */
function forest() {
  const r = rng(5);
  const pos: number[] = [];
  const ret: number[] = [];
  const of: number[] = [];
  const isGround: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const x = r() * 40;
    const y = r() * 40;
    const open = Math.floor(x / 10) % 2 === 0 && Math.floor(y / 10) % 2 === 0;
    // first return in the canopy
    pos.push(x, y, 8 + r() * 4);
    ret.push(1);
    of.push(2);
    isGround.push(0);
    // second return: the ground where the canopy is open, its underside elsewhere
    pos.push(x + 0.01, y, open ? r() * 0.05 : 2 + r());
    ret.push(2);
    of.push(2);
    isGround.push(open ? 1 : 0);
    // an intermediate return low in the canopy, never ground
    pos.push(x, y + 0.01, open ? 0.3 + r() * 0.2 : 2 + r());
    ret.push(2);
    of.push(3);
    isGround.push(0);
  }
  return { positions: Float32Array.from(pos), ret, of, isGround };
}

describe('ground from last returns', () => {
  it('marks last and single returns as candidates; null when returns say nothing', () => {
    const attrs = (r: number[], n: number[]) => ({ pointCount: r.length, attributes: [u8('return_number', r), u8('number_of_returns', n)] });
    expect(Array.from(groundCandidates(attrs([1, 2, 1, 3, 0], [2, 2, 1, 3, 0]))!)).toEqual([0, 1, 1, 1, 1]);
    expect(groundCandidates(attrs([1, 1, 1], [1, 1, 1]))).toBeNull();
    expect(groundCandidates({ pointCount: 3, attributes: [] })).toBeNull();
  });

  it('never calls an earlier return ground, and fits the terrain to the last returns', () => {
    const f = forest();
    const candidates = groundCandidates({ pointCount: f.ret.length, attributes: [u8('return_number', f.ret), u8('number_of_returns', f.of)] })!;
    const g = groundFilter(f.positions, { candidates });
    let wrong = 0;
    let found = 0;
    let truth = 0;
    for (let p = 0; p < f.ret.length; p++) {
      if (g.ground[p] && !candidates[p]) wrong++;
      if (f.isGround[p]) {
        truth++;
        if (g.ground[p]) found++;
      }
    }
    expect(wrong).toBe(0);
    expect(found / truth).toBeGreaterThan(0.95);
    // Without return numbers the low intermediate returns (0.3-0.5 m) pass as ground.
    const blind = groundFilter(f.positions);
    let blindWrong = 0;
    for (let p = 0; p < f.ret.length; p++) if (blind.ground[p] && !candidates[p]) blindWrong++;
    expect(blindWrong).toBeGreaterThan(100);
    // Every point has a height above the fitted terrain, the canopy well above it.
    expect(g.heightAboveGround.length).toBe(f.ret.length);
    expect(g.heightAboveGround[0]!).toBeGreaterThan(7);
  });

  it('falls back to every point when too few are last returns to fit a terrain', () => {
    const f = forest();
    const few = new Uint8Array(f.ret.length);
    few[0] = 1;
    expect(Array.from(groundFilter(f.positions, { candidates: few }).ground)).toEqual(Array.from(groundFilter(f.positions).ground));
  });
});

describe('scanShowsGround', () => {
  const scan = (classes: number[]) => ({ pointCount: classes.length, attributes: [u8('classification', classes)] });
  it('is false only for a classified scan with no ground class in it', () => {
    expect(scanShowsGround(scan([12, 12, 13, 15]))).toBe(false);
    expect(scanShowsGround(scan([12, 12, 13, 2]))).toBe(true);
    expect(scanShowsGround(scan([6, 6, 11]))).toBe(true);
    // raw surveys: never classified (0) or unassigned (1)
    expect(scanShowsGround(scan([0, 0, 1, 5]))).toBe(true);
    expect(scanShowsGround({ pointCount: 2, attributes: [] })).toBe(true);
  });
});
