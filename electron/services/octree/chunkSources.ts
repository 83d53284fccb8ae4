import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Scan } from '../scans/model';
import type { ChunkPlan } from './chunkPlan';
import type { CellGrid, GridKey } from './gridKey';
import { allocRecords, copyRecord, fillRecords, RECORD_BYTES, RECORD_WORDS, type AttributeSources, type Records } from './records';

/** Hands out the records of one chunk at a time, each in its own buffer (so it can be transferred to a worker). */
export interface ChunkSource {
  /** `upcoming`: the chunks that will be asked for next, in order (a source may prepare them together). */
  load(chunk: number, upcoming?: readonly number[]): Promise<Records>;
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
  spills = 0;

  constructor(
    private readonly plan: ChunkPlan,
    key: GridKey,
    private readonly budgetBytes: number,
    private readonly spillDir: string,
  ) {
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
    if (bucket.spilled + held !== expected) throw new Error(`octree chunk ${chunk}: expected ${expected} points, got ${bucket.spilled + held}`);
    const only = bucket.pages[0];
    if (bucket.spilled === 0 && bucket.pages.length === 1 && only && only.count === expected) {
      this.release(bucket);
      return only;
    }
    const out = allocRecords(expected);
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
 * Chunks of a scan already in memory. One sequential pass notes each point's chunk (2 or 4 bytes
 * a point). Records are then gathered a group of chunks at a time (about GROUP_POINTS points): the
 * group's points are read in ascending index order, dense enough that the reads stream through
 * the scan's arrays instead of missing the cache on every point (the scan may be in any order),
 * and are then split into one buffer per chunk. Nothing else is copied up front.
 */
export class ScanChunks implements ChunkSource {
  private readonly chunkOf: Uint16Array | Uint32Array;
  private readonly ready = new Map<number, Records>();
  private readonly slot: Int32Array;

  constructor(
    private readonly scan: Scan,
    private readonly plan: ChunkPlan,
    key: GridKey,
    private readonly sources: AttributeSources,
  ) {
    const { chunks, cellChunk } = plan;
    const grid = key.cells(plan.bits);
    const p = scan.positions;
    this.chunkOf = chunks.length <= 0xffff ? new Uint16Array(scan.pointCount) : new Uint32Array(scan.pointCount);
    for (let i = 0; i < scan.pointCount; i++) this.chunkOf[i] = cellChunk[grid.cell(p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!)]!;
    this.slot = new Int32Array(chunks.length).fill(-1);
  }

  async load(chunk: number, upcoming: readonly number[] = []): Promise<Records> {
    if (!this.ready.has(chunk)) this.gather([chunk, ...upcoming.filter((c) => !this.ready.has(c) && c !== chunk)]);
    const records = this.ready.get(chunk)!;
    this.ready.delete(chunk);
    return records;
  }

  private gather(candidates: number[]): void {
    const { chunks } = this.plan;
    const group: number[] = [];
    let total = 0;
    for (const c of candidates) {
      if (group.length > 0 && total + chunks[c]!.pointCount > GROUP_POINTS) break;
      this.slot[c] = group.length;
      group.push(c);
      total += chunks[c]!.pointCount;
    }
    const { chunkOf, slot } = this;
    const members = new Uint32Array(total);
    let m = 0;
    for (let i = 0; i < chunkOf.length; i++) if (slot[chunkOf[i]!]! >= 0) members[m++] = i;
    const dense = allocRecords(total);
    fillRecords(dense, 0, this.scan.positions, this.scan.attributes, this.sources, 0, { order: members });
    const outs = group.map((c) => allocRecords(chunks[c]!.pointCount));
    const targets = outs.map((o) => o.u32);
    const cursor = new Int32Array(group.length);
    const src = dense.u32;
    for (let j = 0; j < total; j++) {
      const g = slot[chunkOf[members[j]!]!]!;
      const dst = targets[g]!;
      const d = cursor[g]!++ * RECORD_WORDS;
      const s = j * RECORD_WORDS;
      for (let k = 0; k < RECORD_WORDS; k++) dst[d + k] = src[s + k]!;
    }
    group.forEach((c, g) => {
      this.ready.set(c, outs[g]!);
      slot[c] = -1;
    });
  }

  dispose(): void {
    this.ready.clear();
  }
}

/** Points gathered per pass over an in-memory scan (two buffers of 28 bytes a point while splitting). */
const GROUP_POINTS = 1 << 20;
