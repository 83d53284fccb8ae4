import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/command';
import { runCli } from '../../../electron/cli/run';
import { formatModules } from '../../../electron/services/scans/formats/registry';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const dataRoot = path.resolve(repoRoot, '../shared/data');
const data = (rel: string) => path.join(dataRoot, rel);

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'scanlabel-info-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scanlabel info', () => {
  it('--json: one object with format, counts, bounds, attributes, CRS, details and the class histogram', async () => {
    const r = await cli('info', data('ign-lidarhd/append-bug.laz'), '--json');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out.split('\n')).toHaveLength(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ format: 'laz', version: '1.4', pointCount: 37805, faceCount: 0, crs: 'EPSG:2154' });
    // Header bounds as stored (float64), e.g. 266.03000000000003.
    [698000, 6259242.79, 11.72].forEach((v, k) => expect(j.boundsMin[k]).toBeCloseTo(v, 6));
    [699000, 6260000, 266.03].forEach((v, k) => expect(j.boundsMax[k]).toBeCloseTo(v, 6));
    expect(j.attributes).toContainEqual({ name: 'Deviation', type: 'uint16', components: 1 });
    expect(j.attributes).toContainEqual({ name: 'color', type: 'uint16', components: 3 });
    expect(j.details).toMatchObject({ point_format: 8, record_length: 41, laz_chunks: 1 });
    expect(j.labels).toEqual([
      {
        name: 'classification',
        attribute: 'classification',
        target: 'points',
        histogram: { '1': 355, '2': 22859, '3': 929, '4': 1816, '5': 9974, '17': 1333, '65': 539 },
      },
    ]);
  });

  it('human-readable text by default', async () => {
    const r = await cli('info', data('nebraska-3dep/file_with_both_wkt_and_geotiff_vlrs.las'));
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/^format: +las$/m);
    expect(r.out).toMatch(/^version: +1\.4$/m);
    expect(r.out).toMatch(/^points: +25,408$/m);
    expect(r.out).toMatch(/^crs: +EPSG:32104$/m);
    expect(r.out).toMatch(/^ {2}gps_time +float64$/m);
    expect(r.out).toMatch(/^histogram of classification \(points\):$/m);
    expect(r.out).toMatch(/^ +6 +3,737 +14\.7%$/m);
    expect(r.out).toMatch(/^ +7 +25 +0\.1%$/m);
  });

  it('exit 2 with the BadInputError message for bad files', async () => {
    const bytes = new Uint8Array(readFileSync(data('pdal-sample-c/sample_c.las')));
    const cut = path.join(tmp, 'cut.las');
    writeFileSync(cut, bytes.subarray(0, 5000));
    const r = await cli('info', cut);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toMatch(
      /^scanlabel info: cut\.las: byte 107: header claims 14408 points of 34 bytes but the file holds room for only 140/,
    );
    expect(r.out).toBe('');

    const missing = await cli('info', path.join(tmp, 'nope.laz'));
    expect(missing.code).toBe(EXIT.badInput);
    expect(missing.err).toMatch(/nope\.laz: no such file/);

    const unknown = path.join(tmp, 'notes.md');
    writeFileSync(unknown, '# not a scan\n');
    const u = await cli('info', unknown);
    expect(u.code).toBe(EXIT.badInput);
    expect(u.err).toMatch(/notes\.md: byte 0: unknown scan format \(supported extensions: .*\.las, \.laz/);
  });

  it('exit 64 for usage errors', async () => {
    expect((await cli('info')).code).toBe(EXIT.usage);
    expect((await cli('info', 'a.las', 'b.las')).code).toBe(EXIT.usage);
    const r = await cli('info', data('pdal-sample-c/sample_c.las'), '--color', 'red');
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/unknown option --color/);
  });
});

/** Smallest file under the shared data with one of `extensions` (fast, and a real sample of the format). */
function sampleFor(extensions: string[]): string | null {
  let best: { p: string; size: number } | null = null;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (extensions.some((e) => name.toLowerCase().endsWith(e)) && (!best || st.size < best.size)) best = { p, size: st.size };
    }
  };
  walk(dataRoot);
  return (best as { p: string } | null)?.p ?? null;
}

describe('scanlabel info works for every registered format', () => {
  it('the LAS module is registered', () => {
    expect(formatModules.map((m) => m.id)).toContain('las');
  });
  for (const m of formatModules) {
    const sample = sampleFor(m.extensions);
    if (!sample) continue;
    it(`${m.id}: ${path.relative(dataRoot, sample)}`, async () => {
      const r = await cli('info', sample, '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(EXIT.ok);
      const j = JSON.parse(r.out);
      expect(j.pointCount + j.faceCount).toBeGreaterThan(0);
      expect(Array.isArray(j.attributes)).toBe(true);
      for (const l of j.labels) expect(Object.values(l.histogram as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }, 60_000);
  }
});
