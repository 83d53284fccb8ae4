import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/command';
import { runCli } from '../../../electron/cli/run';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const SAMPLE_C = path.resolve(repoRoot, '../shared/data/pdal-sample-c/sample_c.las');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'scanlabel-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scanlabel import into a project', () => {
  it('builds the octree and registers the scan in the store, so labels work at once', async () => {
    const project = path.join(tmp, 'p');
    const r = await cli('import', SAMPLE_C, '--project', project, '--id', 'sc', '--json');
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(r.out)).toMatchObject({ scanId: 'sc', pointCount: 14_408 });
    expect(existsSync(path.join(project, 'project.sqlite'))).toBe(true);
    expect(existsSync(path.join(project, 'scans', 'sc', 'octree'))).toBe(true);
    const ids = path.join(tmp, 'ids.txt');
    writeFileSync(ids, '0\n1\n2\n');
    expect((await cli('labels', 'set', '--project', project, '--scan', 'sc', '--ids', ids, '--class', '6')).code).toBe(EXIT.ok);
    const stats = JSON.parse((await cli('labels', 'stats', '--project', project, '--scan', 'sc', '--json')).out);
    expect(stats).toMatchObject({ total: 14_408, labeled: 3 });
  });

  it('refuses a second scan with the same id and leaves no half import', async () => {
    const project = path.join(tmp, 'p');
    const r = await cli('import', SAMPLE_C, '--project', project, '--id', 'sc');
    expect(r.code).not.toBe(EXIT.ok);
    expect(r.err).toMatch(/already exists/);
    expect(existsSync(path.join(project, 'scans', 'sc', 'octree'))).toBe(true); // the first import is intact
  });

  it('exits 2 naming the file for a broken scan', async () => {
    const bad = path.join(tmp, 'bad.las');
    writeFileSync(bad, 'LASF-truncated');
    const r = await cli('import', bad, '--project', path.join(tmp, 'q'));
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toContain('bad.las');
  });
});
