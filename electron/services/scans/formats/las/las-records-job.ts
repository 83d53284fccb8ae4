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

/** One read buffer per thread, grown to the largest job (allocating one per job costs as much as decoding it). */
let buffer = new Uint8Array(0);

export function runLasRecordsJob(job: LasRecordsJob): LasRecordsOutcome {
  const { id, count, layout } = job;
  const bytes = count * layout.recordLength;
  if (buffer.length < bytes) buffer = new Uint8Array(Buffer.allocUnsafeSlow(bytes).buffer);
  const raw = buffer.subarray(0, bytes);
  let done = 0;
  try {
    const fd = openSync(job.path, 'r');
    try {
      while (done < bytes) {
        const n = readSync(fd, raw, done, bytes - done, job.byteOffset + done);
        if (n === 0) break;
        done += n;
      }
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return { id, ok: false, bytesRead: done, error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  if (done < bytes) return { id, ok: false, bytesRead: done, error: null };
  const decoded = allocateDecoded(layout, count);
  decodeInto(raw, count, layout, job.steps, job.scale, decoded);
  return { id, ok: true, decoded };
}

/** The distinct buffers of decoded columns, to transfer rather than copy. */
export function decodedBuffers(decoded: { positions: Float32Array; attributes: { values: ArrayBufferView }[] }): ArrayBuffer[] {
  return [...new Set([decoded.positions.buffer, ...decoded.attributes.map((a) => a.values.buffer)])] as ArrayBuffer[];
}
