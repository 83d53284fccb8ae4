import { describe, expect, it } from 'vitest';
import { IdBitset } from '../../../electron/services/core/idBitset';

/** Deterministic ids in scattered order (a few repeated), and the ascending distinct reference. */
function scattered(size: number, n: number, seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * size;
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(Math.floor(next()));
  ids.push(ids[0]!, ids[n >> 1]!, size - 1, 0); // repeats and both ends
  return { ids, expected: Uint32Array.from(new Set(ids)).sort() };
}

describe('IdBitset', () => {
  it('lists a few ids among 100 M ascending and distinct (sparse path)', () => {
    const { ids, expected } = scattered(100_000_000, 3_000, 7);
    const set = new IdBitset(100_000_000);
    for (const id of ids) set.add(id);
    expect(set.length).toBe(expected.length);
    expect(set.toArray()).toEqual(expected);
  });

  it('gives the same ids once so many words are set that it scans them all (dense path)', () => {
    const size = 40_000;
    const { ids, expected } = scattered(size, 30_000, 11);
    const set = new IdBitset(size);
    for (const id of ids) set.add(id);
    expect(set.length).toBe(expected.length);
    expect(set.toArray()).toEqual(expected);
  });

  it('handles ids in one word, the last word and an empty set', () => {
    const set = new IdBitset(70);
    expect(set.toArray()).toEqual(new Uint32Array(0));
    for (const id of [69, 3, 31, 32, 3, 64]) set.add(id);
    expect(Array.from(set.toArray())).toEqual([3, 31, 32, 64, 69]);
  });
});
