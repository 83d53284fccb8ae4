import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/run';
import { attribute } from '../../../electron/services/scans/model';
import { readScan } from '../../../electron/services/scans/read';
import { ClickEngine } from '../../../electron/services/segmentation/clickEngine';
import { buildClickScene } from '../../../electron/services/segmentation/scene/clickScene';
import { BuiltinSegmenter } from '../../../electron/services/segmentation/segmenters/builtin';

const repoRoot = resolve(__dirname, '../../..');
const SAMPLE_C = resolve(repoRoot, '../shared/data/pdal-sample-c/sample_c.las');
const tmp = mkdtempSync(join(tmpdir(), 'scanlabel-click-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('a real aerial scan: PDAL sample_c.las (ASPRS classes as truth)', () => {
  it('a click on the large roof labels the building (IoU with class 6 >= 0.9)', async () => {
    const scan = await readScan(SAMPLE_C);
    const cls = attribute(scan, 'classification')!.values;
    const engine = new ClickEngine(buildClickScene(scan), new BuiltinSegmenter());
    const building: number[] = [];
    for (let i = 0; i < scan.pointCount; i++) if (cls[i] === 6) building.push(i);
    // Measured 0.978 at 5 clicks spread over the roof (the roof is 12,305 of the 12,525 class-6 points;
    // the small 220-point building is a separate object, so 0.98 is the ceiling).
    for (const k of [0.25, 0.5, 0.9]) {
      const p = await engine.preview({ positives: [building[Math.floor(k * building.length)]!] });
      let tp = 0;
      for (const id of p.ids) if (cls[id] === 6) tp++;
      expect(tp / (p.ids.length + building.length - tp)).toBeGreaterThanOrEqual(0.9);
    }
  }, 120_000);

  it('a click on the small building stays on it: every class-6 point of it, no ground, little else', async () => {
    const scan = await readScan(SAMPLE_C);
    const cls = attribute(scan, 'classification')!.values;
    const P = scan.positions;
    const engine = new ClickEngine(buildClickScene(scan), new BuiltinSegmenter());
    // The small building: the 220 class-6 points away from the large roof (its wall stands ~19 m
    // lower, x < -15). Its wall also holds 339 class-31 points on the same plane (same normal,
    // intensity and colour, interleaved at ~0.2 m), which no geometric cue can split from class 6,
    // so precision is scored against 6 or 31. Measured over 25 clicks spread on the wall
    // (2026-11-22): class-6 recall 1.0, 0 ground points, 6-or-31 share 0.87 (the rest is class 3/4
    // at the wall's foot and on its face).
    const small: number[] = [];
    for (let i = 0; i < scan.pointCount; i++) if (cls[i] === 6 && P[i * 3]! < -15 && P[i * 3 + 2]! < 0) small.push(i);
    expect(small.length).toBe(220);
    for (const k of [0.1, 0.5, 0.9]) {
      const p = await engine.preview({ positives: [small[Math.floor(k * small.length)]!] });
      const count = (f: (c: number) => boolean) => p.ids.reduce((n, id) => n + (f(cls[id]!) ? 1 : 0), 0);
      const found = small.filter((id) => binaryIncludes(p.ids, id)).length;
      expect(found / small.length).toBeGreaterThanOrEqual(0.95);
      expect(count((c) => c === 2)).toBeLessThanOrEqual(Math.ceil(0.02 * p.ids.length));
      expect(count((c) => c === 6 || c === 31) / p.ids.length).toBeGreaterThanOrEqual(0.8);
    }
  }, 120_000);

  it('scanlabel click stores the preview as one lift edit in the project and reports stages', async () => {
    const dir = join(tmp, 'proj');
    expect((await cli('project', 'create', dir)).code).toBe(0);
    expect((await cli('project', 'add-scan', dir, '--name', 'sample_c', '--points', '14408', '--source', SAMPLE_C, '--id', 'sc')).code).toBe(0);
    const r = await cli('click', '--project', dir, '--scan', 'sc', '--point', '6853', '--class', '6', '--json');
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.stored).toBe(true);
    expect(out.labeled).toBeGreaterThan(12_000);
    expect(Object.keys(out.timingsMs)).toEqual(expect.arrayContaining(['render', 'segment', 'lift', 'fuse', 'refine', 'total']));
    const stats = await cli('labels', 'stats', '--project', dir, '--scan', 'sc');
    expect(stats.out).toContain(`${out.labeled} of 14408 points labeled`);
    const undo = await cli('labels', 'undo', '--project', dir, '--scan', 'sc');
    expect(undo.code).toBe(0);
  }, 120_000);

  it('click without a positive point is a usage error', async () => {
    expect((await cli('click', '--file', SAMPLE_C)).code).toBe(64);
  });
});

function binaryIncludes(sorted: Uint32Array, v: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m] === v) return true;
    if (sorted[m]! < v) lo = m + 1;
    else hi = m - 1;
  }
  return false;
}
