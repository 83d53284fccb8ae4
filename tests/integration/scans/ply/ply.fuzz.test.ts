import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plyFormat } from '../../../../electron/services/scans/formats/ply';
import { dataDir } from '../manifestRows';
import { expectScanOrBadInput, mutate, prng } from '../mutations';
import { tempDir } from '../tempFiles';
import { plyHeader, writePly } from './plyWriter';
import type { PlyElementSpec, PlyEncoding } from './plyWriter';

const tmp = tempDir('ply-fuzz');

function fixture(encoding: PlyEncoding): { bytes: Uint8Array; header: number } {
  const elements: PlyElementSpec[] = [
    {
      name: 'vertex',
      properties: [
        { name: 'x', type: 'float' },
        { name: 'y', type: 'float' },
        { name: 'z', type: 'double' },
        { name: 'red', type: 'uchar' },
        { name: 'green', type: 'uchar' },
        { name: 'blue', type: 'uchar' },
        { name: 'label', type: 'short' },
      ],
      records: Array.from({ length: 30 }, (_, i) => [i, i * 2, 1000 + i, i, 2 * i, 3 * i, i % 3]),
    },
    {
      name: 'face',
      properties: [
        { name: 'vertex_indices', type: 'uint', list: 'uchar' },
        { name: 'texcoord', type: 'float', list: 'int' },
        { name: 'segment_id', type: 'int' },
      ],
      records: Array.from({ length: 12 }, (_, f) => [[f, f + 1, f + 2, f + 3], [0, 0, 1, 0, 1, 1, 0, 1], f]),
    },
    { name: 'tristrips', properties: [{ name: 'vertex_indices', type: 'int', list: 'int' }], records: [[[0, 1, 2, 3, -1, 4, 5, 6]]] },
  ];
  return { bytes: new Uint8Array(writePly(encoding, elements)), header: plyHeader(encoding, elements).length };
}

describe('PLY fuzz: every mutated or truncated file is a valid scan or a BadInputError', () => {
  const seeds: { name: string; bytes: Uint8Array; header: number; runs: number; allowMissingTextures?: boolean }[] = [];
  for (const enc of ['ascii', 'binary_little_endian', 'binary_big_endian'] as PlyEncoding[])
    seeds.push({ name: `fixture-${enc}`, ...fixture(enc), runs: 70 });
  const real = (file: string, runs: number, allowMissingTextures = false) => {
    const bytes = readFileSync(path.join(dataDir, file));
    // plain Uint8Array copies: mutate() relies on slice() copying and fill() clamping, which Buffer does not do
    seeds.push({ name: file, bytes: new Uint8Array(bytes), header: bytes.indexOf('end_header') + 11, runs, allowMissingTextures });
  };
  real('formats/ply/cube_att.ply', 60);
  // texture left behind on purpose: exercises texcoord/texnumber/labels without decoding a 4k JPEG per run
  real('sum-helsinki-tiny/tiny_test_c.ply', 40, true);
  real('formats/ply/bunny.ply', 25);

  for (const seed of seeds) {
    it(`${seed.name}: ${seed.runs} variants`, async () => {
      const random = prng(0x5eed + seed.bytes.length);
      const outcomes = { ok: 0, 'bad-input': 0 };
      for (let run = 0; run < seed.runs; run++) {
        // half the runs keep the header intact so the body decoders see the damage
        const { bytes, how } = mutate(seed.bytes, random, run % 2 === 0 ? seed.header : 0);
        const file = tmp.write(`${seed.name.replace(/\W/g, '_')}.ply`, bytes);
        const outcome = await expectScanOrBadInput(
          () => plyFormat.open(file, { allowMissingTextures: seed.allowMissingTextures }),
          `${seed.name} run ${run} (${how})`,
        );
        outcomes[outcome]++;
      }
      expect(outcomes.ok + outcomes['bad-input']).toBe(seed.runs);
      expect(outcomes['bad-input']).toBeGreaterThan(0);
    });
  }
});
