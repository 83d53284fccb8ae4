import { forEachRecordBlock } from '../stream/sync-records';
import type { Vec3 } from './header';
import { allocateDecoded, decodeInto, type DecodedRecords, type RecordLayout } from './records';

/**
 * A range of uncompressed LAS records for a worker thread: it reads them from the file itself (the
 * read is then off the reader's thread too) and decodes them into `out`, columns the caller allocated
 * and transferred with the job, which come back in the outcome (moved both ways, never copied).
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
  /** Columns for exactly `count` points (`allocateDecoded`); without them the worker allocates its own. */
  out?: DecodedRecords;
}

/** The decoded columns, or how many bytes could be read (the file ends early, or changed since it was opened). */
export type LasRecordsOutcome =
  | { id: number; ok: true; decoded: DecodedRecords }
  | { id: number; ok: false; bytesRead: number; error: string | null };

export function runLasRecordsJob(job: LasRecordsJob): LasRecordsOutcome {
  const { id, count, layout } = job;
  const decoded = job.out ?? allocateDecoded(layout, count);
  const short = forEachRecordBlock(job.path, job.byteOffset, count, layout.recordLength, (raw, _view, first, n) =>
    decodeInto(raw, n, layout, job.steps, job.scale, recordsView(decoded, first, n)),
  );
  return short ? { id, ok: false, ...short } : { id, ok: true, decoded };
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
