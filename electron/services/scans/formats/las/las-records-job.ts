import { closeSync, openSync, readSync } from 'node:fs';
import type { Vec3 } from './header';
import { allocateDecoded, decodeInto, type DecodedRecords, type RecordLayout } from './records';

/**
 * A range of uncompressed LAS records for a worker thread: it reads them from the file itself (the
 * read is then off the reader's thread too) and decodes them into fresh, transferable columns.
 */
export interface LasRecordsJob {
  kind: 'las-records';
  id: number;
  path: string;
  /** File offset of the first record. */
  byteOffset: number;
  count: number;
  layout: RecordLayout;
  steps: Vec3;
  scale: Vec3;
}

/** The decoded columns, or how many bytes could be read (the file ends early, or changed since it was opened). */
export type LasRecordsOutcome =
  | { id: number; ok: true; decoded: DecodedRecords }
  | { id: number; ok: false; bytesRead: number; error: string | null };

/** Bytes read and decoded at a time: the records are decoded while they are still in cache. */
const BLOCK_BYTES = 4 << 20;
/** One read buffer per thread, reused by every job. */
let buffer = new Uint8Array(0);

export function runLasRecordsJob(job: LasRecordsJob): LasRecordsOutcome {
  const { id, count, layout } = job;
  const rl = layout.recordLength;
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / rl));
  if (buffer.length < Math.min(count, perBlock) * rl) buffer = new Uint8Array(Buffer.allocUnsafeSlow(Math.min(count, perBlock) * rl).buffer);
  const decoded = allocateDecoded(layout, count);
  let fd: number;
  try {
    fd = openSync(job.path, 'r');
  } catch (e) {
    return { id, ok: false, bytesRead: 0, error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  try {
    for (let first = 0; first < count; first += perBlock) {
      const n = Math.min(perBlock, count - first);
      const raw = buffer.subarray(0, n * rl);
      let done = 0;
      try {
        while (done < raw.length) {
          const got = readSync(fd, raw, done, raw.length - done, job.byteOffset + first * rl + done);
          if (got === 0) break;
          done += got;
        }
      } catch (e) {
        return { id, ok: false, bytesRead: first * rl + done, error: (e as NodeJS.ErrnoException).code ?? String(e) };
      }
      if (done < raw.length) return { id, ok: false, bytesRead: first * rl + done, error: null };
      decodeInto(raw, n, layout, job.steps, job.scale, recordsView(decoded, first, n));
    }
  } finally {
    closeSync(fd);
  }
  return { id, ok: true, decoded };
}

/** Points [first, first + n) of `d`, as views. */
function recordsView(d: DecodedRecords, first: number, n: number): DecodedRecords {
  return {
    positions: d.positions.subarray(first * 3, (first + n) * 3),
    attributes: d.attributes.map((a) => ({ ...a, values: a.values.subarray(first * a.components, (first + n) * a.components) })),
  };
}

/** The distinct buffers of decoded columns, to transfer rather than copy. */
export function decodedBuffers(decoded: { positions: Float32Array; attributes: { values: ArrayBufferView }[] }): ArrayBuffer[] {
  return [...new Set([decoded.positions.buffer, ...decoded.attributes.map((a) => a.values.buffer)])] as ArrayBuffer[];
}
