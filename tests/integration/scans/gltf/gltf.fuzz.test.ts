import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openGltfBytes } from '../../../../electron/services/scans/formats/gltf';
import { expectScanOrBadInput, mutate, prng } from '../mutations';
import { GltfWriter, f32, u16 } from './gltfWriter';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

function smallGlb(): Uint8Array {
  const w = new GltfWriter();
  const pos = w.accessor({ bufferView: w.view(f32([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0])), componentType: 5126, count: 4, type: 'VEC3' });
  const idx = w.accessor({ bufferView: w.view(u16([0, 1, 2, 2, 1, 3])), componentType: 5123, count: 6, type: 'SCALAR' });
  w.push('meshes', { primitives: [{ attributes: { POSITION: pos }, indices: idx }] });
  w.push('nodes', { mesh: 0, translation: [10, 20, 30] });
  w.push('scenes', { nodes: [0] });
  return w.glb();
}

describe('glTF fuzz: every corrupt variant is a valid scan or a BadInputError', () => {
  it('mutated and truncated 0.glb (meshopt + quantization) and a small indexed GLB', async () => {
    const real = new Uint8Array(await readFile(path.resolve(repoRoot, '../shared/data/formats/glb/0.glb')));
    const small = smallGlb();
    const random = prng(0x617f);
    const outcomes = { ok: 0, 'bad-input': 0 };
    for (let i = 0; i < 240; i++) {
      // 0.glb variants are slower (82k points); one in six keeps the run short.
      const base = i % 6 === 0 ? real : small;
      const { bytes, how } = mutate(base, random);
      outcomes[await expectScanOrBadInput(() => openGltfBytes(bytes, '/t/fuzz.glb', async () => null), `glb #${i}: ${how}`)]++;
    }
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes['bad-input']).toBeGreaterThan(0);
  });
});
