import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openE57Source } from '../../../../electron/services/scans/formats/e57/reader';
import { bufferSource } from '../../../../electron/services/scans/formats/e57/source';
import { expectScanOrBadInput, mutate, prng } from '../mutations';
import { logicalBytes, rechecksum, writeE57 } from './e57Writer';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

const fixture = writeE57([
  {
    name: 'a',
    fields: [
      { name: 'sphericalRange', type: 'ScaledInteger', minimum: 0, maximum: 5000, scale: 0.01, offset: 0 },
      { name: 'sphericalAzimuth', type: 'Float', precision: 'single' },
      { name: 'sphericalElevation', type: 'Float', precision: 'double' },
      { name: 'sphericalInvalidState', type: 'Integer', minimum: 0, maximum: 2 },
    ],
    records: Array.from({ length: 120 }, (_, i) => [(i * 41) % 5000, Math.fround(i * 0.1), i * 0.01, i % 9 === 0 ? 1 : 0]),
    pose: { rotation: [0.5, 0.5, 0.5, 0.5], translation: [10, 20, 30] },
  },
  {
    name: 'b',
    fields: [
      { name: 'cartesianX', type: 'ScaledInteger', minimum: -100000, maximum: 100000, scale: 0.001, offset: 0 },
      { name: 'cartesianY', type: 'ScaledInteger', minimum: -100000, maximum: 100000, scale: 0.001, offset: 0 },
      { name: 'cartesianZ', type: 'Float', precision: 'single' },
      { name: 'colorRed', type: 'Integer', minimum: 0, maximum: 255 },
      { name: 'colorGreen', type: 'Integer', minimum: 0, maximum: 255 },
      { name: 'colorBlue', type: 'Integer', minimum: 0, maximum: 255 },
    ],
    records: Array.from({ length: 80 }, (_, i) => [i * 999 - 40000, 40000 - i * 1001, i * 0.5, i, 255 - i, (i * 3) % 256]),
    colorLimits: [0, 255],
  },
]);

describe('E57 fuzz: every corrupt variant is a valid scan or a BadInputError', () => {
  it('raw mutations and truncations of the generated fixture and ColouredCubeFloat.e57', async () => {
    const cube = new Uint8Array(await readFile(path.resolve(repoRoot, '../shared/data/formats/e57/ColouredCubeFloat.e57')));
    const random = prng(0xe57);
    const outcomes = { ok: 0, 'bad-input': 0 };
    for (let i = 0; i < 150; i++) {
      const base = i % 3 === 0 ? cube : fixture;
      const { bytes, how } = mutate(base, random);
      outcomes[await expectScanOrBadInput(() => openE57Source(bufferSource(bytes), 'fuzz.e57'), `raw #${i}: ${how}`)]++;
    }
    expect(outcomes['bad-input']).toBeGreaterThan(0);
  });

  it('mutations behind valid checksums reach the XML, section and packet parsers', async () => {
    const random = prng(0x5eed);
    const logical = logicalBytes(fixture);
    const outcomes = { ok: 0, 'bad-input': 0 };
    for (let i = 0; i < 250; i++) {
      // Keep the 48-byte file header intact half of the time so most variants get past it.
      const { bytes, how } = mutate(logical, random, i % 2 === 0 ? 48 : 0);
      const sized = new Uint8Array(Math.floor(bytes.length / 1020) * 1020);
      sized.set(bytes.subarray(0, sized.length));
      const file = new Uint8Array((sized.length / 1020) * 1024);
      if (sized.length >= 24) new DataView(sized.buffer).setBigUint64(16, BigInt(file.length), true);
      rechecksum(file, sized);
      outcomes[await expectScanOrBadInput(() => openE57Source(bufferSource(file), 'fuzz.e57'), `logical #${i}: ${how}`)]++;
    }
    // Both outcomes must occur, or the fuzzer is not reaching the decoder.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes['bad-input']).toBeGreaterThan(0);
  });
});
