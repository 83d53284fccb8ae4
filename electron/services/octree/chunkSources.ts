import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Scan } from '../scans/model';
import type { ChunkPlan } from './chunkPlan';
import type { CellGrid, GridKey } from './gridKey';
import { BufferPool } from './bufferPool';
import {
  allocRecords,
  copyRecord,
  exactColumns,
  fillRecords,
  RECORD_BYTES,
  RECORD_WORDS,
  recordsOver,
  scatterExact,
  type AttributeSources,
  type Records,
} from './records';

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

/**
 * Chunks of a scan already in memory. Each point's chunk number is kept (1 byte a point up to 256
 * chunks, 2 up to 65,536); chunks are gathered a group at a time, in load order, by one forward pass
 * over the scan that writes every chunk of the group (scatterExact). Gathering chunk by chunk read
 * each point's columns out of order (on a scan in random spatial order, a cache miss per column per
 * point) on the main thread, the build's serial part; a pass per group reads the columns in order.
 *
 * A group's records go to one of two SharedArrayBuffers, each chunk a slice the worker indexes in
 * place: the next group is gathered into the other buffer while the workers finish this one, and
 * nothing is allocated per chunk (per-chunk buffers waited for a collection to be freed).
 */
export class ScanChunks implements ChunkSource {
  private readonly chunkOf: Uint8Array | Uint16Array | Uint32Array;
  private readonly groups: number[][];
  private readonly groupOfChunk: Int32Array;
  private readonly ready = new Map<number, Records>();
  private readonly slotOf: Int32Array;
  private readonly slots: { buffer: SharedArrayBuffer; pending: number; free: (() => void) | null }[] = [];
  private nextGroup = 0;

  constructor(
    private readonly scan: Scan,
    private readonly plan: ChunkPlan,
    key: GridKey,
    private readonly sources: AttributeSources,
    order: readonly number[],
    groupPoints: number,
  ) {
    const { chunks, cellChunk } = plan;
    const n = scan.pointCount;
    this.chunkOf = chunks.length <= 256 ? new Uint8Array(n) : chunks.length <= 65_536 ? new Uint16Array(n) : new Uint32Array(n);
    const grid = key.cells(plan.bits);
    const p = scan.positions;
    const chunkOf = this.chunkOf;
    for (let i = 0; i < n; i++) chunkOf[i] = cellChunk[grid.cell(p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!)]!;
    this.groups = [];
    this.groupOfChunk = new Int32Array(chunks.length);
    let group: number[] = [];
    let points = 0;
    let largest = 0;
    for (const c of order) {
      const size = chunks[c]!.pointCount;
      if (group.length > 0 && points + size > groupPoints) {
        this.groups.push(group);
        group = [];
        points = 0;
      }
      group.push(c);
      points += size;
      largest = Math.max(largest, points);
      this.groupOfChunk[c] = this.groups.length;
    }
    if (group.length > 0) this.groups.push(group);
    this.slotOf = new Int32Array(chunks.length).fill(-1);
    for (let k = 0; k < Math.min(2, this.groups.length); k++)
      this.slots.push({ buffer: new SharedArrayBuffer(largest * RECORD_BYTES), pending: 0, free: null });
  }

  async load(chunk: number): Promise<Records> {
    let records = this.ready.get(chunk);
    while (!records) {
      if (this.nextGroup >= this.groups.length) throw new Error(`octree chunk ${chunk} is in no group left to gather`);
      const g = this.nextGroup++;
      const slot = this.slots[g % 2]!;
      // The buffer's previous group may still be indexed: wait for its last chunk.
      if (slot.pending > 0) await new Promise<void>((resolve) => (slot.free = resolve));
      this.gather(this.groups[g]!, slot);
      records = this.ready.get(chunk);
    }
    this.ready.delete(chunk);
    return records;
  }

  private gather(group: number[], slot: (typeof this.slots)[number]): void {
    const { chunks } = this.plan;
    const { slotOf, chunkOf, scan } = this;
    let at = 0;
    const outs = group.map((c) => {
      const out = recordsOver(slot.buffer, chunks[c]!.pointCount, at);
      at += out.bytes.byteLength;
      return out;
    });
    group.forEach((c, k) => (slotOf[c] = k));
    const cursors = new Int32Array(group.length);
    const exact = exactColumns(scan.positions, scan.attributes, this.sources);
    if (exact) scatterExact(exact, 0, chunkOf, slotOf, outs, cursors);
    else {
      // Attributes that need rounding: list the group's points, then gather each chunk.
      const lists = group.map((c) => new Uint32Array(chunks[c]!.pointCount));
      for (let s = 0; s < chunkOf.length; s++) {
        const k = slotOf[chunkOf[s]!]!;
        if (k >= 0) lists[k]![cursors[k]!++] = s;
      }
      lists.forEach((order, k) => fillRecords(outs[k]!, 0, scan.positions, scan.attributes, this.sources, 0, { order }));
    }
    group.forEach((c, k) => {
      slotOf[c] = -1;
      if (cursors[k] !== chunks[c]!.pointCount) throw new Error(`octree chunk ${c}: expected ${chunks[c]!.pointCount} points, got ${cursors[k]}`);
      this.ready.set(c, outs[k]!);
    });
    slot.pending = group.length;
  }

  recycle(_buffer: ArrayBufferLike, chunk: number): void {
    const slot = this.slots[this.groupOfChunk[chunk]! % 2]!;
    if (--slot.pending === 0 && slot.free) {
      const free = slot.free;
      slot.free = null;
      free();
    }
  }

  dispose(): void {
    this.ready.clear();
  }
}
