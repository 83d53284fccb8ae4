import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../../electron/services/octree/bufferPool';
import { IndexArena } from '../../../electron/services/octree/indexArena';

describe('BufferPool', () => {
  it('hands back the smallest buffer that fits, keeps only the largest up to its capacity', () => {
    const pool = new BufferPool(2);
    const [a, b, c] = [new ArrayBuffer(100), new ArrayBuffer(300), new ArrayBuffer(200)];
    pool.give(a);
    pool.give(b);
    pool.give(c); // over capacity: the smallest (a) is dropped
    expect(pool.take(150)).toBe(c);
    expect(pool.take(150)).toBe(b);
    const fresh = pool.take(50);
    expect(fresh).not.toBe(a);
    expect(fresh.byteLength).toBe(50);
  });

  it('ignores detached buffers', () => {
    const pool = new BufferPool(2);
    const buffer = new ArrayBuffer(64);
    structuredClone(buffer, { transfer: [buffer] });
    pool.give(buffer);
    expect(pool.take(1).byteLength).toBe(1);
  });
});

describe('IndexArena', () => {
  it('carves disjoint lists, and after a reset reuses a block sized for what was asked', () => {
    const arena = new IndexArena();
    const first = [arena.alloc(10), arena.alloc(20)]; // no block yet: standalone arrays
    first[0]!.fill(1);
    first[1]!.fill(2);
    expect(first[0]!.every((v) => v === 1)).toBe(true);
    arena.reset();
    const x = arena.alloc(10);
    const y = arena.alloc(20);
    expect(x.buffer).toBe(y.buffer); // now from one block
    x.fill(7);
    y.fill(9);
    expect(x.every((v) => v === 7) && y.every((v) => v === 9)).toBe(true);
    arena.reset();
    expect(arena.alloc(30).buffer).toBe(x.buffer); // the same block again
  });
});
