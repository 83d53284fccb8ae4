import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import { addToHistogram, classHistogram, openScan, readScan } from '../../../electron/services/scans/read';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const data = (rel: string) => path.resolve(repoRoot, '../shared/data', rel);
const tmp = mkdtempSync(path.join(tmpdir(), 'scanlabel-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('classHistogram / addToHistogram', () => {
  it('counts small and large arrays alike, keys ascending', () => {
    expect([...classHistogram(Uint8Array.from([5, 2, 2, 9, 5, 2]))]).toEqual([
      [2, 3],
      [5, 2],
      [9, 1],
    ]);
    const big = new Uint16Array(100_000).map((_, i) => (i % 3 === 0 ? 65535 : i % 7));
    const h = classHistogram(big);
    expect(h.get(65535)).toBe(33_334);
    expect([...h.values()].reduce((a, b) => a + b, 0)).toBe(100_000);
    expect([...h.keys()]).toEqual([...h.keys()].sort((a, b) => a - b));
  });

  it('keeps values outside the dense range (negative, fractional, large) exact', () => {
    const v = new Float64Array(40_000).fill(-1);
    v[0] = 1e12;
    v[1] = 0.5;
    v[2] = 3;
    expect([...classHistogram(v)]).toEqual([
      [-1, 39_997],
      [0.5, 1],
      [3, 1],
      [1e12, 1],
    ]);
  });

  it('accumulates across chunks', () => {
    const h = new Map<number, number>();
    addToHistogram(h, [1, 2]);
    addToHistogram(h, new Uint8Array(20_000).fill(2));
    expect([...h].sort()).toEqual([
      [1, 1],
      [2, 20_001],
    ]);
  });
});

describe('openScan', () => {
  it('picks the module by magic before extension: a LAZ renamed .bin still opens', async () => {
    const renamed = path.join(tmp, 'autzen.bin');
    copyFileSync(data('autzen/autzen_trim.laz'), renamed);
    const reader = await openScan(renamed);
    await reader.close();
    expect(reader.info.format).toBe('laz');
    expect(reader.info.pointCount).toBe(110000);
  });

  it('names the supported extensions for unknown files and reports missing files as bad input', async () => {
    const e = await openScan(data('MANIFEST.md')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadInputError);
    expect((e as Error).message).toMatch(/^MANIFEST\.md: byte 0: unknown scan format \(supported extensions: .*\.las, \.laz/);
    await expect(openScan(path.join(tmp, 'missing.las'))).rejects.toThrow(/missing\.las: no such file/);
  });

  it('readScan builds the canonical scan with an imported classification layer', async () => {
    const scan = await readScan(data('pdal-sample-c/sample_c_thin.las'));
    expect(scan).toMatchObject({ name: 'sample_c_thin.las', format: 'las', pointCount: 2732, crs: null, mesh: null });
    expect(scan.positions).toHaveLength(2732 * 3);
    expect(scan.labelLayers).toHaveLength(1);
    // shared with the uint8 classification attribute, not a uint16 copy
    expect(scan.labelLayers[0]!.values).toBe(scan.attributes.find((a) => a.name === 'classification')!.values);
    expect([...classHistogram(scan.labelLayers[0]!.values)]).toEqual([
      [2, 354],
      [3, 10],
      [5, 1],
      [6, 2353],
      [14, 9],
      [31, 5],
    ]);
  });
});
