import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openObjBytes } from '../../../../electron/services/scans/formats/obj';
import { expectScanOrBadInput, mutate, prng } from '../mutations';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

describe('OBJ fuzz: every corrupt variant is a valid scan or a BadInputError', () => {
  it('mutated and truncated magnolia.obj and 1.2-with-color.obj (with its MTL)', async () => {
    const dir = path.resolve(repoRoot, '../shared/data/formats/obj');
    const magnolia = new Uint8Array(await readFile(path.join(dir, 'magnolia.obj')));
    // A 300-line prefix keeps each variant fast while covering colours, normals and usemtl.
    const colored = new TextEncoder().encode(
      (await readFile(path.join(dir, '1.2-with-color.obj'), 'utf8')).split('\n').slice(0, 300).join('\n'),
    );
    const mtl = new Uint8Array(await readFile(path.join(dir, '1.2-with-color.obj.mtl')));
    const random = prng(0x0b1);
    const outcomes = { ok: 0, 'bad-input': 0 };
    for (let i = 0; i < 300; i++) {
      const base = i % 2 === 0 ? magnolia : colored;
      const { bytes, how } = mutate(base, random);
      // Half of the MTL variants are corrupt too.
      const side = i % 4 === 1 ? mutate(mtl, random).bytes : mtl;
      const load = async (p: string) => (p.endsWith('.mtl') ? side : null);
      outcomes[await expectScanOrBadInput(() => openObjBytes(bytes, path.join(dir, 'fuzz.obj'), load), `obj #${i}: ${how}`)]++;
    }
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes['bad-input']).toBeGreaterThan(0);
  });
});
