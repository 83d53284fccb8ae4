import type { FileHandle } from 'node:fs/promises';
import { BadInputError } from '../../../errors';
import type { LasHeader } from './header';
import { readAt, readInto } from './io';
import { implausiblePoint, layerTableProblem, plausibleWindow, type PlausibleWindow } from './laz-chunk-checks';
import type { LazChunk } from './laz-chunk-table';
import { LazChunkDecoder } from './laz-perf';
import { decodePool, decodeWorkerSettings, type DecodePool } from '../stream/decode-pool';
import type { LazChunkJob } from './laz-chunk-job';

/** Chunks larger than this are streamed in-thread (a worker decodes a whole chunk at once). */
const MAX_WORKER_CHUNK_POINTS = 2_000_000;
/** Decoded points waiting ahead of the reader in worker mode, beyond the next chunk. */
const MAX_AHEAD_POINTS = 4_000_000;

/** Raw point records in file order, a batch at a time; never more than one batch (plus one LAZ chunk) in memory. */
export interface RecordSource {
  /** Up to `maxPoints` records (record-major), or null when all points were read. `raw` may be reused by the next call. */
  next(maxPoints: number): Promise<{ raw: Uint8Array; count: number } | null>;
  close(): void;
}

export class LasRecordSource implements RecordSource {
  private read = 0;
  /** One read buffer for every batch (allocating and zeroing a fresh one per batch costs as much as decoding it). */
  private buffer = new Uint8Array(0);

  constructor(
    private readonly fh: FileHandle,
    private readonly header: LasHeader,
    private readonly file: string,
  ) {}

  async next(maxPoints: number) {
    const h = this.header;
    const count = Math.min(maxPoints, h.pointCount - this.read);
    if (count <= 0) return null;
    const at = h.offsetToPointData + this.read * h.recordLength;
    if (this.buffer.length < count * h.recordLength) this.buffer = new Uint8Array(Buffer.allocUnsafeSlow(count * h.recordLength).buffer);
    const raw = this.buffer.subarray(0, count * h.recordLength);
    const got = await readInto(this.fh, at, raw);
    if (got < raw.length)
      throw new BadInputError(this.file, `point data ends early: expected ${count} records of ${h.recordLength} bytes here`, {
        byte: at + got,
      });
    this.read += count;
    return { raw, count };
  }

  close(): void {}
}

/**
 * Streams a chunked LAZ file in file order. Files big enough (see `decodeWorkerSettings`) are decoded a
 * whole chunk at a time on the worker pool, a few chunks ahead of the reader (bounded memory), and
 * handed out in order; otherwise, or when no worker starts, chunk by chunk on this thread. Either
 * way each chunk's compressed bytes are read only when it is decoded.
 */
export class LazRecordSource implements RecordSource {
  private chunkIndex = 0;
  /** Points already taken from the current chunk (-1: none open). */
  private taken = -1;
  private decoder: LazChunkDecoder | null = null;
  private readonly window: PlausibleWindow | null;
  /** Set on the first `next`: the pool, or null for in-thread decoding. */
  private pool: DecodePool | null | undefined;
  /** Worker mode: decodes in flight, in chunk order, from chunk `chunkIndex` on. */
  private readonly ahead: Promise<Uint8Array>[] = [];
  private aheadPoints = 0;
  private submitted = 0;
  /** Worker mode: the decoded records of chunk `chunkIndex`. */
  private current: Uint8Array | null = null;
  /** One output buffer for every batch (see RecordSource: `raw` may be reused by the next call). */
  private buffer = new Uint8Array(0);

  constructor(
    private readonly fh: FileHandle,
    private readonly header: LasHeader,
    private readonly chunks: readonly LazChunk[],
    private readonly layerCount: number,
    private readonly file: string,
  ) {
    this.window = plausibleWindow(header);
  }

  /** Where chunks are decoded (known after the first `next`), for tests and measurements. */
  get decodedOn(): 'workers' | 'this thread' | 'not started' {
    return this.pool === undefined ? 'not started' : this.pool ? 'workers' : 'this thread';
  }

  async next(maxPoints: number) {
    const rl = this.header.recordLength;
    let remaining = 0;
    for (let i = this.chunkIndex; i < this.chunks.length; i++) {
      remaining += this.chunks[i]!.pointCount - (i === this.chunkIndex && this.taken > 0 ? this.taken : 0);
      if (remaining >= maxPoints) break;
    }
    const count = Math.min(maxPoints, remaining);
    if (count <= 0) return null;
    if (this.pool === undefined) this.pool = this.worthWorkers() ? await decodePool() : null;
    // Every byte is written below, so the reused buffer needs no zeroing.
    if (this.buffer.length < count * rl) this.buffer = new Uint8Array(Buffer.allocUnsafeSlow(count * rl).buffer);
    const raw = this.buffer.subarray(0, count * rl);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[this.chunkIndex]!;
      const n = Math.min(chunk.pointCount - Math.max(0, this.taken), count - filled);
      if (this.pool) await this.takeDecoded(chunk, raw, filled, n);
      else await this.decodeHere(chunk, raw, filled, n);
      filled += n;
      this.taken += n;
      if (this.taken === chunk.pointCount) {
        this.chunkIndex++;
        this.taken = -1;
        this.current = null;
      }
    }
    return { raw, count };
  }

  /** Workers pay off for files of several chunks, each small enough to decode whole. */
  private worthWorkers(): boolean {
    return (
      decodeWorkerSettings.threads > 0 &&
      this.chunks.length >= 2 &&
      this.header.pointCount >= decodeWorkerSettings.minPoints &&
      this.chunks.every((c) => c.pointCount <= MAX_WORKER_CHUNK_POINTS)
    );
  }

  /** Copies `n` records of `chunk` (from `taken`) into `raw`, waiting for its decode. */
  private async takeDecoded(chunk: LazChunk, raw: Uint8Array, filled: number, n: number): Promise<void> {
    const rl = this.header.recordLength;
    if (this.taken < 0) {
      this.submitAhead();
      const next = this.ahead.shift()!;
      this.aheadPoints -= chunk.pointCount;
      this.current = await next;
      this.submitAhead();
      this.taken = 0;
    }
    raw.set(this.current!.subarray(this.taken * rl, (this.taken + n) * rl), filled * rl);
  }

  /** Keeps up to two chunks per worker decoding ahead (and at most MAX_AHEAD_POINTS beyond one). */
  private submitAhead(): void {
    const limit = 2 * this.pool!.size;
    while (this.submitted < this.chunks.length && this.ahead.length < limit) {
      const chunk = this.chunks[this.submitted]!;
      if (this.ahead.length > 0 && this.aheadPoints + chunk.pointCount > MAX_AHEAD_POINTS) break;
      const decoded = this.decodeOnWorker(chunk);
      decoded.catch(() => {}); // awaited in order later; a failure ahead must not go unhandled meanwhile
      this.ahead.push(decoded);
      this.aheadPoints += chunk.pointCount;
      this.submitted++;
    }
  }

  private async decodeOnWorker(chunk: LazChunk): Promise<Uint8Array> {
    const h = this.header;
    const compressed = await this.readChunk(chunk);
    let outcome;
    try {
      outcome = await this.pool!.decode<LazChunkJob>(
        {
          kind: 'laz-chunk',
          pointFormat: h.pointFormat.id,
          recordLength: h.recordLength,
          layerCount: this.layerCount,
          window: this.window,
          firstPoint: chunk.firstPoint,
          pointCount: chunk.pointCount,
          compressed,
        },
        this,
      );
    } catch (e) {
      throw this.chunkError(chunk, `its decoder worker failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!outcome.ok) throw this.chunkError(chunk, outcome.corrupt);
    return outcome.raw;
  }

  private async readChunk(chunk: LazChunk): Promise<Uint8Array> {
    const bytes = await readAt(this.fh, chunk.offset, chunk.byteLength);
    if (bytes.length < chunk.byteLength) throw this.chunkError(chunk, 'the file ends inside it');
    return bytes;
  }

  /** In-thread: decodes the next `n` points of `chunk` straight into `raw`, opening it first if needed. */
  private async decodeHere(chunk: LazChunk, raw: Uint8Array, filled: number, n: number): Promise<void> {
    const rl = this.header.recordLength;
    this.decoder ??= await LazChunkDecoder.create(this.header.pointFormat.id, rl);
    if (this.taken < 0) {
      const bytes = await this.readChunk(chunk);
      const problem = this.layerCount > 0 ? layerTableProblem(bytes, rl, this.layerCount, chunk.pointCount) : null;
      if (problem) throw this.chunkError(chunk, problem);
      this.guard(chunk, () => this.decoder!.open(bytes));
      this.taken = 0;
    }
    this.guard(chunk, () => this.decoder!.decode(raw, filled * rl, n));
    const bad = implausiblePoint(raw, filled, n, rl, this.window, chunk.firstPoint + this.taken);
    if (bad) throw this.chunkError(chunk, bad);
  }

  /** Runs a laz-perf call; when it throws, its instance is dropped and the chunk named. */
  private guard(chunk: LazChunk, call: () => void): void {
    try {
      call();
    } catch (e) {
      this.decoder!.discard();
      this.decoder = null;
      throw this.chunkError(chunk, `laz-perf failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private chunkError(chunk: LazChunk, what: string): BadInputError {
    return new BadInputError(
      this.file,
      `LAZ chunk ${chunk.index} of ${this.chunks.length} (${chunk.byteLength} bytes, points ${chunk.firstPoint}-${chunk.firstPoint + chunk.pointCount - 1}) is corrupt: ${what}`,
      { byte: chunk.offset },
    );
  }

  close(): void {
    this.decoder?.close();
    this.decoder = null;
    if (this.pool) {
      this.pool.cancel(this);
      this.pool.release();
      this.pool = null;
    }
    this.ahead.length = 0;
    this.current = null;
  }
}
