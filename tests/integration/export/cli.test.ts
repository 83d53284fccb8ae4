import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/command';
import { runCli } from '../../../electron/cli/run';
import { data, labelRuns, projectWithScan, workDir } from './projectFixture';
import { readSpecLas } from './lasSpecReader';

const work = workDir('cli');
afterAll(() => work.cleanup());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('scanlabel export', async () => {
  const s = await projectWithScan(work.path('p'), data('pdal-sample-c/sample_c.las'));
  const { codes } = labelRuns(s, [2, 6], 3);
  const project = s.store.dir;
  // The CLI opens the project itself (read-only); the store used to label it is closed first.
  s.store.close();
  const base = ['export', '--project', project, '--scan', s.scanId];

  it('writes LAS and reports the result as JSON', async () => {
    const out = work.path('a.las');
    const r = await cli(...base, '--format', 'las', '--out', out, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.ok);
    const json = JSON.parse(r.out) as { pointsWritten: number; details: { point_format: number } };
    expect(json.pointsWritten).toBe(14408);
    expect(json.details.point_format).toBe(3);
    expect(readSpecLas(out).count).toBe(14408);
  });

  it('takes --classes by name or code with --labeled-only', async () => {
    const out = work.path('b.las');
    const r = await cli(...base, '--format', 'las', '--out', out, '--classes', 'building', '--classes', '2', '--labeled-only');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/b\.las: \d+ points \(las\)/);
    expect(readSpecLas(out).count).toBe(codes.filter((c) => c === 2 || c === 6).length);
  });

  it('usage errors exit 64', async () => {
    expect((await cli('export', '--project', project)).code).toBe(EXIT.usage);
    expect((await cli(...base, '--format', 'e57', '--out', work.path('x'))).code).toBe(EXIT.usage);
    const r = await cli(...base, '--format', 'las', '--out', work.path('x'), '--classes', 'nope');
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/"nope" is neither a class code nor a class name/);
    expect((await cli(...base, '--format', 'las', '--out', work.path('x'), '--las-version', '1.3')).code).toBe(EXIT.usage);
  });

  it('bad input exits 2 with one clear line: LAZ, unwritable output, unknown scan, unfit class codes', async () => {
    const laz = await cli(...base, '--format', 'laz', '--out', work.path('x.laz'));
    expect([laz.code, laz.err]).toEqual([EXIT.badInput, expect.stringMatching(/LAZ export is not available.*--format las/)]);
    const unwritable = await cli(...base, '--format', 'ply', '--out', path.join(work.dir, 'missing', 'x.ply'));
    expect([unwritable.code, unwritable.err]).toEqual([EXIT.badInput, expect.stringMatching(/x\.ply: cannot write here/)]);
    const unknown = await cli('export', '--project', project, '--scan', 'nope', '--format', 'las', '--out', work.path('y.las'));
    expect(unknown.code).toBe(EXIT.badInput);
    const kitti = await cli(...base, '--format', 'kitti', '--out', work.path('z.label'), '--labeled-only');
    expect([kitti.code, kitti.err]).toEqual([EXIT.badInput, expect.stringMatching(/labeled-only export is not available/)]);
    expect(existsSync(work.path('z.label'))).toBe(false);
  });
});
