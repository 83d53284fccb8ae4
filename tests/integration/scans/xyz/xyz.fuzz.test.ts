import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { xyzFormat } from '../../../../electron/services/scans/formats/xyz';
import { dataDir } from '../manifestRows';
import { expectScanOrBadInput, mutate, prng } from '../mutations';
import { tempDir } from '../tempFiles';

const tmp = tempDir('xyz-fuzz');

const csv = `# survey export\nX;Y;Z;R;G;B;Classification\n${Array.from({ length: 40 }, (_, i) => `${512000 + i},5;${5403000 - i};${i / 8};${i};${255 - i};${i * 6};${i % 5}`).join('\n')}\n`;

describe('XYZ fuzz: every mutated or truncated file is a valid scan or a BadInputError', () => {
  const seeds = [
    { name: 'data.xyz', bytes: new Uint8Array(readFileSync(path.join(dataDir, 'formats/xyz/data.xyz'))), runs: 80 },
    { name: 'export.csv', bytes: new TextEncoder().encode(csv), runs: 80 },
  ];
  for (const seed of seeds) {
    it(`${seed.name}: ${seed.runs} variants`, async () => {
      const random = prng(0xcafe + seed.bytes.length);
      const outcomes = { ok: 0, 'bad-input': 0 };
      for (let run = 0; run < seed.runs; run++) {
        const { bytes, how } = mutate(seed.bytes, random);
        const file = tmp.write(seed.name, bytes);
        outcomes[await expectScanOrBadInput(() => xyzFormat.open(file), `${seed.name} run ${run} (${how})`)]++;
      }
      expect(outcomes.ok + outcomes['bad-input']).toBe(seed.runs);
      expect(outcomes['bad-input']).toBeGreaterThan(0);
      expect(outcomes.ok).toBeGreaterThan(0);
    });
  }
});
