import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/run';
import { readScan } from '../../../electron/services/scans/read';

const repoRoot = path.resolve(__dirname, '../../..');
const file = path.resolve(repoRoot, '../shared/data/pdal-sample-c/sample_c.las');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('scanlabel suggest', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scanlabel-suggest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('suggests N spread-out unlabelled points from a labels file, as JSON', async () => {
    const scan = await readScan(file);
    const cls = scan.attributes.find((a) => a.name === 'classification')!.values;
    // The user has labelled the building's first 3000 points and nothing else.
    const labels = Buffer.alloc(scan.pointCount * 2);
    let labelled = 0;
    for (let p = 0; p < scan.pointCount && labelled < 3000; p++)
      if (cls[p] === 6) {
        labels.writeUInt16LE(6, p * 2);
        labelled++;
      }
    const labelsFile = path.join(dir, 'labels.bin');
    writeFileSync(labelsFile, labels);
    const c = capture();
    const code = await runCli(['suggest', file, '--labels', labelsFile, '--n', '5', '--json', '--cache', path.join(dir, 'f.bin')], c.io);
    expect(code).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as { suggestions: { point: number; world: number[]; gain: number }[] };
    expect(json.suggestions.length).toBe(5);
    for (const s of json.suggestions) {
      expect(labels.readUInt16LE(s.point * 2)).toBe(0);
      expect(s.world[0]).toBeCloseTo(scan.origin[0] + scan.positions[s.point * 3]!, 2);
    }
    // Text form, reusing the cached features.
    const t = capture();
    expect(await runCli(['suggest', file, '--labels', labelsFile, '--n', '2', '--cache', path.join(dir, 'f.bin')], t.io)).toBe(0);
    expect(t.out[0]).toMatch(/2 suggestion\(s\)/);
  });

  it('rejects a labels file of the wrong size and bad options', async () => {
    const bad = path.join(dir, 'bad.bin');
    writeFileSync(bad, Buffer.alloc(10));
    const c = capture();
    expect(await runCli(['suggest', file, '--labels', bad], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/expected 28816/);
    expect(await runCli(['suggest', file, '--n', '0'], capture().io)).toBe(64);
    expect(await runCli(['suggest'], capture().io)).toBe(64);
  });
});
