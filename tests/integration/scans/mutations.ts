import { expect } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import type { ScanReader } from '../../../electron/services/scans/formats/types';

/** Seeded PRNG (mulberry32): fuzz runs are reproducible from the seed in a failure message. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Mutation = 'flip' | 'byte' | 'truncate' | 'zero-run' | 'duplicate';

/** One random corruption of `bytes` (a copy): bit flips, random bytes, truncation, zeroed or repeated runs. */
export function mutate(bytes: Uint8Array, random: () => number, protect = 0): { bytes: Uint8Array; how: string } {
  const pick = (n: number) => Math.floor(random() * n);
  const at = () => protect + pick(Math.max(1, bytes.length - protect));
  const kinds: Mutation[] = ['flip', 'byte', 'truncate', 'zero-run', 'duplicate'];
  const kind = kinds[pick(kinds.length)]!;
  const out = bytes.slice();
  switch (kind) {
    case 'flip': {
      const n = 1 + pick(4);
      const where: number[] = [];
      for (let i = 0; i < n; i++) {
        const p = at();
        out[p]! ^= 1 << pick(8);
        where.push(p);
      }
      return { bytes: out, how: `flip bits at ${where.join(',')}` };
    }
    case 'byte': {
      const p = at();
      out[p] = pick(256);
      return { bytes: out, how: `byte ${p} = ${out[p]}` };
    }
    case 'truncate': {
      const n = at();
      return { bytes: bytes.slice(0, n), how: `truncate to ${n}` };
    }
    case 'zero-run': {
      const p = at();
      const n = 1 + pick(64);
      out.fill(0, p, p + n);
      return { bytes: out, how: `zero ${n} bytes at ${p}` };
    }
    case 'duplicate': {
      const p = at();
      const n = 1 + pick(32);
      const joined = new Uint8Array(bytes.length + n);
      joined.set(bytes.subarray(0, p + n), 0);
      joined.set(bytes.subarray(p), p + n);
      return { bytes: joined, how: `repeat ${n} bytes at ${p}` };
    }
  }
}

/**
 * Opens and fully reads a (possibly corrupt) input. The only acceptable outcomes: a scan whose
 * chunks add up to its pointCount with finite positions and in-range face indices, or BadInputError.
 */
export async function expectScanOrBadInput(open: () => Promise<ScanReader>, label: string): Promise<'ok' | 'bad-input'> {
  let reader: ScanReader | null = null;
  try {
    reader = await open();
    let count = 0;
    for await (const chunk of reader.chunks({ chunkPoints: 4096 })) {
      expect(chunk.start, label).toBe(count);
      expect(chunk.positions.length, label).toBe(chunk.count * 3);
      for (const v of chunk.positions) if (!Number.isFinite(v)) throw new Error(`${label}: non-finite position`);
      count += chunk.count;
    }
    expect(count, label).toBe(reader.info.pointCount);
    const mesh = await reader.mesh();
    if (mesh) {
      expect(mesh.indices.length, label).toBe(reader.info.faceCount * 3);
      for (const i of mesh.indices) if (i >= count) throw new Error(`${label}: face index ${i} >= ${count} points`);
    }
    return 'ok';
  } catch (err) {
    if (err instanceof BadInputError) return 'bad-input';
    throw new Error(
      `${label}: expected a scan or BadInputError, got ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`,
      { cause: err },
    );
  } finally {
    await reader?.close();
  }
}
