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
