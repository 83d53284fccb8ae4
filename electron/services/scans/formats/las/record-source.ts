import type { FileHandle } from 'node:fs/promises';
import { BadInputError } from '../../../errors';
import type { LasHeader } from './header';
import { readAt, readInto } from './io';
import type { LazChunk } from './laz-chunk-table';
import { LazChunkDecoder } from './laz-perf';

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

/** Integer coordinate window a decompressed point must fall in; see `plausibleWindow`. */
interface Window {
  lo: [number, number, number];
  hi: [number, number, number];
}

/**
 * LAZ has no checksums: a corrupted chunk decodes to garbage instead of failing. Garbage in the
 * arithmetic-coded XYZ drifts far outside the header bounds within a few points, so points beyond
 * the bounds widened by their own extent on every side (plus 1000 steps) are taken as corruption.
 * Null when the header has no usable bounds (then no check is made).
 */
export function plausibleWindow(h: LasHeader): Window | null {
  const lo: [number, number, number] = [0, 0, 0];
  const hi: [number, number, number] = [0, 0, 0];
  let allZero = true;
  for (let k = 0; k < 3; k++) {
    const a = (h.min[k]! - h.offset[k]!) / h.scale[k]!;
    const b = (h.max[k]! - h.offset[k]!) / h.scale[k]!;
    if (!Number.isFinite(a) || !Number.isFinite(b) || h.min[k]! > h.max[k]!) return null;
    if (h.min[k] !== 0 || h.max[k] !== 0) allZero = false;
    const extent = Math.abs(b - a);
    lo[k] = Math.min(a, b) - extent - 1000;
    hi[k] = Math.max(a, b) + extent + 1000;
  }
  return allZero ? null : { lo, hi };
}

/**
 * Streams a chunked LAZ file: chunk by chunk through laz-perf, using the chunk table so each chunk's
 * compressed bytes are read only when it is decoded.
 */
export class LazRecordSource implements RecordSource {
  private chunkIndex = 0;
  /** Points already taken from the open chunk (-1: no chunk open). */
  private taken = -1;
  private decoder: LazChunkDecoder | null = null;
  private readonly window: Window | null;

  constructor(
    private readonly fh: FileHandle,
    private readonly header: LasHeader,
    private readonly chunks: readonly LazChunk[],
    private readonly layerCount: number,
    private readonly file: string,
  ) {
    this.window = plausibleWindow(header);
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
    this.decoder ??= await LazChunkDecoder.create(this.header.pointFormat.id, rl);
    const raw = new Uint8Array(count * rl);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[this.chunkIndex]!;
      if (this.taken < 0) await this.openChunk(chunk);
      const n = Math.min(chunk.pointCount - this.taken, count - filled);
      try {
        this.decoder.decode(raw, filled * rl, n);
      } catch (e) {
        this.decoder.discard();
        this.decoder = null;
        throw this.chunkError(chunk, `laz-perf failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.checkPlausible(raw, filled, n, chunk);
      filled += n;
      this.taken += n;
      if (this.taken === chunk.pointCount) {
        this.chunkIndex++;
        this.taken = -1;
      }
    }
    return { raw, count };
  }

  private chunkError(chunk: LazChunk, what: string): BadInputError {
    return new BadInputError(
      this.file,
      `LAZ chunk ${chunk.index} of ${this.chunks.length} (${chunk.byteLength} bytes, points ${chunk.firstPoint}-${chunk.firstPoint + chunk.pointCount - 1}) is corrupt: ${what}`,
      { byte: chunk.offset },
    );
  }

  private async openChunk(chunk: LazChunk): Promise<void> {
    const bytes = await readAt(this.fh, chunk.offset, chunk.byteLength);
    if (bytes.length < chunk.byteLength) throw this.chunkError(chunk, 'the file ends inside it');
    if (this.layerCount > 0) this.checkLayers(bytes, chunk);
    try {
      this.decoder!.open(bytes);
    } catch (e) {
      this.decoder!.discard();
      this.decoder = null;
      throw this.chunkError(chunk, `laz-perf failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.taken = 0;
  }

  /**
   * A layered (LAS 1.4) chunk opens with its first point raw, a u32 point count and one u32 byte
   * count per layer. laz-perf allocates from those counts without checking them, so they are checked
   * here: the count must match the chunk table, the layers must fill the chunk exactly.
   */
  private checkLayers(bytes: Uint8Array, chunk: LazChunk): void {
    const rl = this.header.recordLength;
    const headerEnd = rl + 4 + 4 * this.layerCount;
    if (bytes.length < headerEnd) throw this.chunkError(chunk, `too short for its ${this.layerCount} layer sizes`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const points = dv.getUint32(rl, true);
    if (points !== chunk.pointCount) throw this.chunkError(chunk, `it says ${points} points, the chunk table ${chunk.pointCount}`);
    let sum = headerEnd;
    for (let i = 0; i < this.layerCount; i++) sum += dv.getUint32(rl + 4 + 4 * i, true);
    if (sum !== bytes.length) throw this.chunkError(chunk, `its layers add up to ${sum} bytes, the chunk table says ${bytes.length}`);
  }

  private checkPlausible(raw: Uint8Array, first: number, count: number, chunk: LazChunk): void {
    const w = this.window;
    if (!w) return;
    const rl = this.header.recordLength;
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = first, o = first * rl; i < first + count; i++, o += rl) {
      for (let k = 0; k < 3; k++) {
        const v = dv.getInt32(o + 4 * k, true);
        if (v < w.lo[k]! || v > w.hi[k]!) {
          const point = chunk.firstPoint + this.taken + (i - first);
          throw this.chunkError(chunk, `point ${point} decodes to ${'XYZ'[k]} = ${v} steps, far outside the header bounds`);
        }
      }
    }
  }

  close(): void {
    this.decoder?.close();
    this.decoder = null;
  }
}
