import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFeatureCache, writeFeatureCache } from '../../../electron/services/propagation/featureCache';
import { prepareScan } from '../../../electron/services/propagation/prepare';
import { demoScene } from './demoFixture';

describe('feature cache sidecar', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanlabel-propcache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { scan } = demoScene(30_000);
  const prepared = prepareScan(scan);
  const file = join(dir, 'scan.propagation.bin');
  writeFeatureCache(file, prepared, scan.positions);

  it('round-trips the prepared scan exactly', () => {
    const back = readFeatureCache(file, scan.positions);
    expect(back).not.toBeNull();
    // The point rows (a byte per feature per point) compared as bytes: a deep toEqual of ~1 M
    // elements takes seconds.
    const { pointRows, ...rest } = back!;
    const { pointRows: expectedRows, ...expectedRest } = prepared;
    expect(pointRows.dim).toBe(expectedRows.dim);
    expect(Buffer.compare(Buffer.from(pointRows.values), Buffer.from(expectedRows.values))).toBe(0);
    expect(rest).toEqual(expectedRest);
  });

  it('rejects a cache made for other positions, another version, or a torn file', () => {
    const moved = scan.positions.slice();
    moved[100]! += 1;
    expect(readFeatureCache(file, moved)).toBeNull();
    const bytes = readFileSync(file);
    const other = Buffer.from(bytes);
    other.writeUInt32LE(999, 8);
    writeFileSync(join(dir, 'v.bin'), other);
    expect(readFeatureCache(join(dir, 'v.bin'), scan.positions)).toBeNull();
    writeFileSync(join(dir, 't.bin'), bytes.subarray(0, bytes.length >> 1));
    expect(readFeatureCache(join(dir, 't.bin'), scan.positions)).toBeNull();
    expect(readFeatureCache(join(dir, 'missing.bin'), scan.positions)).toBeNull();
  });
});
