import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ChunkPlan } from './chunkPlan';
import type { OctreeCube } from './format';
import type { CellGrid, GridKey } from './gridKey';
import { BufferPool } from './bufferPool';
import { allocRecords, copyRecord, RECORD_BYTES, RECORD_WORDS, recordsOver, type Records } from './records';
import { BLOCK_POINTS, type ChunkGrid, type GroupIndex, type ScanColumns, type SliceResult, type SliceTask } from './scanSlices';

/** Hands out the records of one chunk at a time, each in its own buffer (so it can be transferred to a worker). */
export interface ChunkSource {
  load(chunk: number): Promise<Records>;
  /** A buffer from load() whose chunk is indexed: it may back a later chunk (the buffer can be larger than count records). */
  recycle(buffer: ArrayBufferLike, chunk: number): void;
  dispose(): void;
}

interface Bucket {
  /** Full or partly filled pages still in memory, in arrival order. */
  pages: Records[];
  filled: number;
  spilled: number;
  file: string | null;
}

/**
 * Pass 2 of a scan read from a file: records arrive in file order and are appended to their chunk's
 * bucket. When the memory held by buckets passes the budget, every bucket appends what it holds to
 * its own spill file and starts afresh; loading a chunk reads its file back, then its pages. Order
 * within a chunk stays file order either way, so spilling never changes the octree.
 */
export class ChunkBuckets implements ChunkSource {
  private readonly buckets: Bucket[];
  private readonly pageCapacity: number;
  private heldBytes = 0;
  private readonly grid: CellGrid;
  private readonly pool: BufferPool;
  spills = 0;

  constructor(
    private readonly plan: ChunkPlan,
    key: GridKey,
    private readonly budgetBytes: number,
    private readonly spillDir: string,
    inFlight: number,
  ) {
    this.pool = new BufferPool(inFlight);
    this.grid = key.cells(plan.bits);
    this.buckets = plan.chunks.map(() => ({ pages: [], filled: 0, spilled: 0, file: null }));
    const total = plan.chunks.reduce((s, c) => s + c.pointCount, 0);
    // When everything fits, one exact page per chunk: no copies at load time.
    this.pageCapacity =
      total * RECORD_BYTES <= budgetBytes
        ? Infinity
        : Math.min(1 << 16, Math.max(64, Math.floor(budgetBytes / RECORD_BYTES / plan.chunks.length / 2)));
  }

  add(records: Records): void {
    const { grid, plan } = this;
    const { cellChunk } = plan;
    const f32 = records.f32;
    for (let i = 0; i < records.count; i++) {
      const w = i * RECORD_WORDS;
      const chunk = cellChunk[grid.cell(f32[w]!, f32[w + 1]!, f32[w + 2]!)]!;
      const bucket = this.buckets[chunk]!;
      let page = bucket.pages[bucket.pages.length - 1];
      if (!page || bucket.filled === page.count) {
        const remaining = plan.chunks[chunk]!.pointCount - bucket.spilled - this.heldPoints(bucket);
        page = allocRecords(Math.max(1, Math.min(remaining, this.pageCapacity)));
        bucket.pages.push(page);
        bucket.filled = 0;
        this.heldBytes += page.bytes.byteLength;
      }
      copyRecord(records, i, page, bucket.filled++);
      if (this.heldBytes > this.budgetBytes) this.spillAll();
    }
  }

  private heldPoints(bucket: Bucket): number {
    let n = 0;
    for (let p = 0; p < bucket.pages.length; p++) n += p === bucket.pages.length - 1 ? bucket.filled : bucket.pages[p]!.count;
    return n;
  }

  private spillAll(): void {
    this.spills++;
    this.buckets.forEach((bucket, chunk) => {
      if (bucket.pages.length === 0) return;
      bucket.file ??= join(this.spillDir, `chunk-${chunk}.bin`);
      const fd = openSync(bucket.file, 'a');
      try {
        bucket.pages.forEach((page, p) => {
          const n = p === bucket.pages.length - 1 ? bucket.filled : page.count;
          writeAll(fd, page.bytes.subarray(0, n * RECORD_BYTES));
          bucket.spilled += n;
        });
      } finally {
        closeSync(fd);
      }
      bucket.pages = [];
      bucket.filled = 0;
    });
    this.heldBytes = 0;
  }

  async load(chunk: number): Promise<Records> {
    const bucket = this.buckets[chunk]!;
    const expected = this.plan.chunks[chunk]!.pointCount;
    const held = this.heldPoints(bucket);
    if (bucket.spilled + held !== expected)
      throw new Error(`octree chunk ${chunk}: expected ${expected} points, got ${bucket.spilled + held}`);
    const only = bucket.pages[0];
    if (bucket.spilled === 0 && bucket.pages.length === 1 && only && only.count === expected) {
      this.release(bucket);
      return only;
    }
    const out = recordsOver(this.pool.take(expected * RECORD_BYTES), expected);
    let at = 0;
    if (bucket.file) {
      const fd = openSync(bucket.file, 'r');
      try {
        const bytes = bucket.spilled * RECORD_BYTES;
        while (at < bytes) {
          const n = readSync(fd, out.bytes, at, bytes - at, at);
          if (n <= 0) throw new Error(`octree spill file ${bucket.file} is short`);
          at += n;
        }
      } finally {
        closeSync(fd);
      }
      rmSync(bucket.file, { force: true });
    }
    bucket.pages.forEach((page, p) => {
      const n = p === bucket.pages.length - 1 ? bucket.filled : page.count;
      out.bytes.set(page.bytes.subarray(0, n * RECORD_BYTES), at);
      at += n * RECORD_BYTES;
    });
    this.release(bucket);
    return out;
  }

  recycle(buffer: ArrayBufferLike): void {
    if (!(buffer instanceof ArrayBuffer)) return;
    // Chunks that fitted are loaded from their own exact page, never from the pool.
    if (this.pageCapacity !== Infinity) this.pool.give(buffer);
  }

  private release(bucket: Bucket) {
    for (const page of bucket.pages) this.heldBytes -= page.bytes.byteLength;
    bucket.pages = [];
    bucket.filled = 0;
  }

  dispose(): void {
    for (const bucket of this.buckets) {
      if (bucket.file) rmSync(bucket.file, { force: true });
      bucket.pages = [];
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array) {
  let at = 0;
  while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at);
}

/** Runs a pass over a slice of an in-memory scan: on a worker (shared columns) or on the calling thread. */
export type SliceRunner = (task: SliceTask) => Promise<SliceResult>;

interface GroupSlot {
  buffer: SharedArrayBuffer | null;
  /** Chunks of the slot's group not indexed yet (0: free). */
  pending: number;
}

/**
 * Chunks of a scan already in memory, gathered a group of chunks at a time in load order. The
 * grouping pass (scanSlices.ts) sorts every block of points by group once; gathering a group then
 * visits only its points. Both passes, like the bounds and cell counts before them, run slice by
 * slice on the workers when the scan's columns are shared, so the calling thread only coordinates.
 * Each chunk's records are in ascending point order: its points of slice 0, then of slice 1, ...
 *
 * A group's records go to a free one of `slotCount` SharedArrayBuffers, each chunk a slice the
 * worker indexes in place, and nothing is allocated per chunk. With one slot per thread and one
 * more, the next group always finds a free buffer: at most a slot per thread holds chunks still
 * being indexed. The group index and the buffers are dropped once the last group is gathered and
 * indexed.
 */
export class ScanChunks implements ChunkSource {
  private readonly ready = new Map<number, Records>();
  private readonly slots: GroupSlot[] = [];
  private readonly slotOfChunk: Int32Array;
  private slotFreed: (() => void) | null = null;
  private nextGroup = 0;

  private constructor(
    private readonly plan: ChunkPlan,
    private readonly columns: ScanColumns,
    private readonly grid: ChunkGrid,
    private readonly ranges: { from: number; to: number }[],
    private readonly run: SliceRunner,
    private readonly groups: Int32Array[],
    private readonly groupOfChunk: Int32Array,
    private index: GroupIndex | null,
    /** Per chunk and slice (chunk-major): where the slice's records of the chunk start in its group buffer. */
    private readonly sliceAt: Int32Array,
    largestGroupPoints: number,
    slotCount: number,
  ) {
    this.slotOfChunk = new Int32Array(plan.chunks.length);
    for (let k = 0; k < Math.min(slotCount, groups.length); k++)
      this.slots.push({ buffer: new SharedArrayBuffer(largestGroupPoints * RECORD_BYTES), pending: 0 });
  }

  /** Plans the groups (at most `groupPoints` points each, a chunk at least) and runs the grouping pass. */
  static async create(
    columns: ScanColumns,
    plan: ChunkPlan,
    cube: OctreeCube,
    order: readonly number[],
    groupPoints: number,
    ranges: { from: number; to: number }[],
    run: SliceRunner,
    slotCount: number,
  ): Promise<ScanChunks> {
    const { chunks } = plan;
    const groups: number[][] = [];
    const groupOfChunk = new Int32Array(shared(chunks.length * 4));
    let group: number[] = [];
    let points = 0;
    let largest = 0;
    for (const c of order) {
      const size = chunks[c]!.pointCount;
      if (group.length > 0 && points + size > groupPoints) {
        groups.push(group);
        group = [];
        points = 0;
      }
      group.push(c);
      points += size;
      largest = Math.max(largest, points);
      groupOfChunk[c] = groups.length;
    }
    if (group.length > 0) groups.push(group);
    const n = columns.positions.length / 3;
    const blocks = Math.ceil(n / BLOCK_POINTS);
    const index: GroupIndex = {
      groups: groups.length,
      order: new Uint8Array(shared(n)),
      starts: new Uint16Array(shared(blocks * (groups.length + 1) * 2)),
    };
    const grid: ChunkGrid = { cube, bits: plan.bits, cellChunk: plan.cellChunk };
    const counts = await Promise.all(
      ranges.map(async (r) => {
        const result = await run({ kind: 'group', columns, ...r, grid, groupOfChunk, chunkCount: chunks.length, index });
        return (result as Extract<SliceResult, { kind: 'group' }>).chunkCounts;
      }),
    );
    // Chunk c's records in its group buffer: after the chunks before it in the group, slice by slice.
    const sliceAt = new Int32Array(chunks.length * ranges.length);
    for (const g of groups) {
      let at = 0;
      for (const c of g) {
        for (let k = 0; k < ranges.length; k++) {
          sliceAt[c * ranges.length + k] = at;
          at += counts[k]![c]!;
        }
        const got = at - sliceAt[c * ranges.length]!;
        if (got !== chunks[c]!.pointCount) throw new Error(`octree chunk ${c}: expected ${chunks[c]!.pointCount} points, got ${got}`);
      }
    }
    return new ScanChunks(plan, columns, grid, ranges, run, groups.map((g) => Int32Array.from(g)), groupOfChunk, index, sliceAt, largest, slotCount);
  }

  async load(chunk: number): Promise<Records> {
    let records = this.ready.get(chunk);
    while (!records) {
      if (this.nextGroup >= this.groups.length) throw new Error(`octree chunk ${chunk} is in no group left to gather`);
      const g = this.nextGroup++;
      let slot = this.slots.find((s) => s.pending === 0);
      // Every buffer still holds chunks being indexed (fewer slots than threads + 1): wait for one.
      while (!slot) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        slot = this.slots.find((s) => s.pending === 0);
      }
      await this.gather(g, slot);
      records = this.ready.get(chunk);
    }
    this.ready.delete(chunk);
    return records;
  }

  private async gather(g: number, slot: GroupSlot): Promise<void> {
    const { columns, grid, ranges, sliceAt } = this;
    const index = this.index!;
    const buffer = slot.buffer!;
    const chunks = this.groups[g]!;
    const S = ranges.length;
    const written = await Promise.all(
      ranges.map(async (r, k) => {
        const at = chunks.map((c) => sliceAt[c * S + k]!);
        const result = await this.run({ kind: 'gather', columns, ...r, grid, index, group: g, chunks, at, buffer });
        return (result as Extract<SliceResult, { kind: 'gather' }>).written;
      }),
    );
    let total = 0;
    for (const c of chunks) {
      const start = sliceAt[c * S]!;
      const records = recordsOver(buffer, this.plan.chunks[c]!.pointCount, start * RECORD_BYTES);
      total += records.count;
      this.ready.set(c, records);
      this.slotOfChunk[c] = this.slots.indexOf(slot);
    }
    if (written.reduce((a, b) => a + b, 0) !== total) throw new Error(`octree group ${g}: gathered ${written.join('+')} of ${total} points`);
    slot.pending = chunks.length;
    if (this.nextGroup >= this.groups.length) this.index = null; // the last group: the index is not read again
  }

  recycle(_buffer: ArrayBufferLike, chunk: number): void {
    const slot = this.slots[this.slotOfChunk[chunk]!]!;
    if (--slot.pending > 0) return;
    if (this.nextGroup >= this.groups.length) slot.buffer = null; // no group left to gather into it
    const freed = this.slotFreed;
    this.slotFreed = null;
    freed?.();
  }

  dispose(): void {
    this.ready.clear();
    this.index = null;
    for (const slot of this.slots) slot.buffer = null;
  }
}

function shared(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
}
