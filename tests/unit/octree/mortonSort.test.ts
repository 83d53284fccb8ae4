import { describe, expect, it } from 'vitest';
import { cubeFromBounds, GridKey, KEY_BITS } from '../../../electron/services/octree/gridKey';
import { MortonSorter, SORTED_LEVELS } from '../../../electron/services/octree/mortonSort';
import { allocRecords, RECORD_BYTES, RECORD_WORDS, type Records } from '../../../electron/services/octree/records';

/** Reference: the 30-bit Morton code from GridKey's per-axis keys, interleaved bit by bit. */
function referenceCode(key: GridKey, x: number, y: number, z: number): number {
  const shift = KEY_BITS - SORTED_LEVELS;
  const [kx, ky, kz] = [key.x(x) >>> shift, key.y(y) >>> shift, key.z(z) >>> shift];
  let code = 0;
  for (let b = SORTED_LEVELS - 1; b >= 0; b--) code = code * 8 + ((kx >> b) & 1) * 4 + ((ky >> b) & 1) * 2 + ((kz >> b) & 1);
  return code;
}

function randomRecords(n: number, seed: number, spread: number, offset = 0): Records {
  const records = allocRecords(n);
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 4294967296;
  for (let i = 0; i < n; i++) {
    const w = i * RECORD_WORDS;
    // Some exact duplicates, so stability (ties kept in arrival order) is exercised.
    const src = i % 5 === 4 ? w - RECORD_WORDS * 3 : -1;
    for (let k = 0; k < 3; k++) records.f32[w + k] = src >= 0 ? records.f32[src + k]! : offset + rnd() * spread;
    records.u32[w + 3] = i; // original index
    records.u32[w + 4] = i * 7;
  }
  return records;
}

describe('MortonSorter', () => {
  const key = new GridKey(cubeFromBounds([0, 0, 0], [100, 100, 100]));

  it.each([
    ['a whole cube (all 30 bits vary: three radix passes)', 0, 100],
    ['one corner octant two levels down (fewer varying bits)', 25, 25],
    ['a tiny spot (a single radix pass)', 50, 0.05],
  ])('orders records by code, ties in arrival order, in %s', (_label, offset, spread) => {
    const sorter = new MortonSorter();
    for (const n of [1, 2, 1000, 30_000]) {
      const input = randomRecords(n, n, spread, offset);
      const expected = Array.from({ length: n }, (_, i) => i).map((i) => {
        const w = i * RECORD_WORDS;
        return { i, code: referenceCode(key, input.f32[w]!, input.f32[w + 1]!, input.f32[w + 2]!) };
      });
      expected.sort((a, b) => a.code - b.code || a.i - b.i);
      // Sorted as one run placed after a few records that must stay untouched.
      const before = 3;
      const records = allocRecords(n + before);
      records.bytes.set(input.bytes, before * RECORD_BYTES);
      for (let j = 0; j < before; j++) records.u32[j * RECORD_WORDS + 3] = 0xdead;
      const all = sorter.codesFor(n + before);
      sorter.sortRun(records, before, before + n, key, all);
      const codes = all.subarray(before);
      for (let j = 0; j < before; j++) expect(records.u32[j * RECORD_WORDS + 3]).toBe(0xdead);
      for (let j = 0; j < n; j++) {
        const w = (before + j) * RECORD_WORDS;
        if (records.u32[w + 3] !== expected[j]!.i || codes[j] !== expected[j]!.code)
          throw new Error(`n=${n}: slot ${j} holds ${records.u32[w + 3]}, expected ${expected[j]!.i}`);
        if (records.u32[w + 4] !== expected[j]!.i * 7) throw new Error(`n=${n}: record ${j} was not moved whole`);
      }
    }
  });

  it('leaves records already in order where they are', () => {
    const sorter = new MortonSorter();
    const records = randomRecords(5000, 3, 100);
    const codes = sorter.codesFor(records.count);
    sorter.sortRun(records, 0, records.count, key, codes);
    const sorted = records.bytes.slice();
    const firstCodes = Array.from(codes);
    sorter.sortRun(records, 0, records.count, key, codes);
    expect(Buffer.from(records.bytes).equals(Buffer.from(sorted))).toBe(true);
    expect(Array.from(codes)).toEqual(firstCodes);
    for (let i = 1; i < records.count; i++) expect(codes[i]!).toBeGreaterThanOrEqual(codes[i - 1]!);
  });
});
