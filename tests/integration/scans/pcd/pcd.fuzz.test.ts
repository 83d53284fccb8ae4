import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pcdFormat } from '../../../../electron/services/scans/formats/pcd';
import { dataDir } from '../manifestRows';
import { expectScanOrBadInput, mutate, prng } from '../mutations';
import { tempDir } from '../tempFiles';
import { pcdHeader, writePcd } from './pcdWriter';
import type { PcdData, PcdSpec } from './pcdWriter';

const tmp = tempDir('pcd-fuzz');

const spec: PcdSpec = {
  fields: [
    { name: 'x', type: 'F', size: 4 },
    { name: 'y', type: 'F', size: 4 },
    { name: 'z', type: 'F', size: 8 },
    { name: 'rgb', type: 'F', size: 4 },
    { name: 'label', type: 'U', size: 2 },
    { name: 'feature', type: 'I', size: 4, count: 2 },
  ],
  points: Array.from({ length: 48 }, (_, i) => (i % 7 === 3 ? [NaN, NaN, NaN, 0, 0, 0, 0] : [i, i / 2, 100 + i, 1e-39 * i, i % 4, -i, i])),
  width: 8,
  height: 6,
};

describe('PCD fuzz: every mutated or truncated file is a valid scan or a BadInputError', () => {
  const seeds: { name: string; bytes: Uint8Array; header: number; runs: number }[] = [];
  for (const data of ['ascii', 'binary', 'binary_compressed'] as PcdData[]) {
    seeds.push({ name: `organized-${data}`, bytes: new Uint8Array(writePcd(spec, data)), header: pcdHeader(spec, data).length, runs: 70 });
  }
  for (const [file, runs] of [
    ['formats/pcd/simple-ascii.pcd', 60],
    ['isprs-filtertest/samp24-utm-ground.pcd', 60],
  ] as const) {
    const bytes = readFileSync(path.join(dataDir, file));
    // plain Uint8Array copies: mutate() relies on slice() copying and fill() clamping, which Buffer does not do
    seeds.push({
      name: file,
      bytes: new Uint8Array(bytes),
      header: bytes.indexOf('DATA ') + bytes.subarray(bytes.indexOf('DATA ')).indexOf(10) + 1,
      runs,
    });
  }

  for (const seed of seeds) {
    it(`${seed.name}: ${seed.runs} variants`, async () => {
      const random = prng(0xf00d + seed.bytes.length);
      const outcomes = { ok: 0, 'bad-input': 0 };
      for (let run = 0; run < seed.runs; run++) {
        const { bytes, how } = mutate(seed.bytes, random, run % 2 === 0 ? seed.header : 0);
        const file = tmp.write(`${seed.name.replace(/\W/g, '_')}.pcd`, bytes);
        outcomes[await expectScanOrBadInput(() => pcdFormat.open(file), `${seed.name} run ${run} (${how})`)]++;
      }
      expect(outcomes.ok + outcomes['bad-input']).toBe(seed.runs);
      expect(outcomes['bad-input']).toBeGreaterThan(0);
    });
  }
});
