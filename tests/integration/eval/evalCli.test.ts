import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/command';
import { runCli } from '../../../electron/cli/run';
import { evaluateInstances } from '../../../electron/services/eval/evaluate';
import { demoPointScan } from '../../../electron/services/scans/demo/demoScene';
import { BuiltinSegmenter } from '../../../electron/services/segmentation/segmenters/builtin';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const data = (rel: string) => path.resolve(repoRoot, '../shared/data', rel);

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'scanlabel-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The report without wall-clock fields. */
function untimed(j: { runs: { curve: { ms: unknown }[]; msPerClick: unknown }[] }) {
  return j.runs.map((r) => ({ ...r, msPerClick: null, curve: r.curve.map((c) => ({ ...c, ms: null })) }));
}

describe('scanlabel eval (semantic) on sample_c_thin.las', () => {
  it('--json: mIoU per click for ScanLabel and the baseline, scored classes by share, a plot; same result twice', async () => {
    const svg = path.join(tmp, 'curve.svg');
    const args = [
      data('pdal-sample-c/sample_c_thin.las'),
      '--gt',
      'classification',
      '--clicks',
      '3',
      '--min-class-share',
      '0.005',
      '--json',
    ];
    const r = await cli('eval', ...args, '--plot', svg);
    expect(r.code).toBe(EXIT.ok);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ mode: 'semantic', points: 2732, clicks: 3, minClassShare: 0.005, segmenter: 'builtin', propagation: true });
    // sample_c_thin: 2 ground 13.0%, 6 building 86.1% scored; 3, 5, 14, 31 below 0.5%.
    expect(j.classes.filter((c: { scored: boolean }) => c.scored).map((c: { value: number }) => c.value)).toEqual([2, 6]);
    expect(j.runs.map((x: { annotator: string }) => x.annotator)).toEqual(['scanlabel', 'nearest-click']);
    for (const run of j.runs) {
      expect(run.curve.length).toBeGreaterThan(0);
      expect(run.curve.length).toBeLessThanOrEqual(3);
      for (const c of run.curve) expect(c.miou).toBeGreaterThanOrEqual(0);
      expect(run.at['1'].miou).toBe(run.curve[0].miou);
    }
    // The first click is the innermost point of the whole (all wrong) scene: the same for both.
    expect(j.runs[0].curve[0].point).toBe(j.runs[1].curve[0].point);
    expect(j.runs[0].curve[0].value).toBe(6);
    const svgText = readFileSync(svg, 'utf8');
    expect(svgText).toContain('<polyline');
    expect(svgText).toContain('nearest-click baseline');
    const again = await cli('eval', ...args);
    expect(untimed(JSON.parse(again.out))).toEqual(untimed(j));
  });

  it('human text lists the checkpoints and per-class IoU', async () => {
    const r = await cli(
      'eval',
      data('pdal-sample-c/sample_c_thin.las'),
      '--gt',
      'classification',
      '--clicks',
      '1',
      '--no-propagation',
      '--no-baseline',
    );
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('scanlabel mIoU');
    expect(r.out).toMatch(/class +6 \(/);
  });

  it('--gt-file: one uint8 per point (ISPRS ground flags); a wrong length is bad input', async () => {
    const r = await cli(
      'eval',
      data('isprs-filtertest/samp24-utm.pcd'),
      '--gt-file',
      data('isprs-filtertest/derived/samp24-utm.ground.u8'),
      '--clicks',
      '1',
      '--no-propagation',
      '--json',
    );
    expect(r.code).toBe(EXIT.ok);
    const j = JSON.parse(r.out);
    expect(j.classes).toEqual([
      { value: 0, points: 2058, share: 0.2747, scored: true },
      { value: 1, points: 5434, share: 0.7253, scored: true },
    ]);
    const bad = path.join(tmp, 'short.u8');
    writeFileSync(bad, new Uint8Array(10));
    const w = await cli('eval', data('isprs-filtertest/samp24-utm.pcd'), '--gt-file', bad, '--clicks', '1');
    expect(w.code).toBe(EXIT.badInput);
    expect(w.err).toContain('holds 10 values but the scan has 7492 points');
  });

  it('exit codes: missing attribute or file 2, usage 64', async () => {
    const noAttr = await cli('eval', data('pdal-sample-c/sample_c_thin.las'), '--gt', 'treeID');
    expect(noAttr.code).toBe(EXIT.badInput);
    expect(noAttr.err).toContain('no per-point attribute "treeID"');
    expect((await cli('eval', path.join(tmp, 'missing.las'), '--gt', 'classification')).code).toBe(EXIT.badInput);
    expect((await cli('eval', data('pdal-sample-c/sample_c_thin.las'))).code).toBe(EXIT.usage);
    expect((await cli('eval', data('pdal-sample-c/sample_c_thin.las'), '--gt', 'classification', '--mode', 'panoptic')).code).toBe(
      EXIT.usage,
    );
    expect((await cli('eval', data('pdal-sample-c/sample_c_thin.las'), '--gt', 'classification', '--min-class-share', '2')).code).toBe(
      EXIT.usage,
    );
    expect((await cli('eval', data('pdal-sample-c/sample_c_thin.las'), '--gt', 'classification', '--clicks', '0')).code).toBe(EXIT.usage);
  });
});

describe('instance protocol on the demo scene', () => {
  it('clicks each object until IoU 0.9 or the cap, and reports IoU@k and NoC', async () => {
    const scan = demoPointScan({ seed: 3, points: 20_000 });
    const gt = Float64Array.from(scan.attributes.find((a) => a.name === 'instance')!.values);
    const { report, runs } = await evaluateInstances(
      { scan, gt, gtName: 'instance', segmenter: new BuiltinSegmenter() },
      { maxClicks: 3, ignore: [0], minObjectPoints: 50, maxObjects: 2 },
    );
    expect(runs).toHaveLength(2);
    for (const o of runs) {
      expect(o.clicks.length).toBeGreaterThanOrEqual(1);
      expect(o.clicks.length).toBeLessThanOrEqual(3);
      expect(o.clicks[0]!.positive).toBe(true);
      const last = o.clicks[o.clicks.length - 1]!;
      if (o.clicks.length < 3) expect(last.iou).toBeGreaterThanOrEqual(0.9);
    }
    expect(report.summary.objects).toBe(2);
    for (const k of ['80', '85', '90']) {
      expect(report.summary.noc[k]).toBeGreaterThanOrEqual(1);
      expect(report.summary.noc[k]).toBeLessThanOrEqual(3);
    }
    expect(report.summary.iouAt['1']).toBeGreaterThan(0);
  });
});
