import type { FileHandle } from 'node:fs/promises';
import { BadInputError } from '../../../errors';
import type { DecodePool } from '../stream/decode-pool';
import { decodeWorkerSettings } from '../stream/decode-pool';
import { inOrderJobs } from '../stream/in-order-jobs';
import type { LasHeader, Vec3 } from './header';
import { readAt } from './io';
import type { LasRecordsJob } from './las-records-job';
import { allocateDecoded, decodeRecords, type DecodedRecords, type RecordLayout } from './records';

/** Smaller chunks are decoded on the calling thread (per-message costs would show). */
const MIN_JOB_POINTS = 65_536;

export interface RecordsChunk extends DecodedRecords {
  start: number;
  count: number;
}

/** Uncompressed records pay for workers in large files read in chunks big enough to hand out. */
export function worthRecordWorkers(pointCount: number, chunkPoints: number): boolean {
  return (
    decodeWorkerSettings.threads > 1 &&
    pointCount >= decodeWorkerSettings.minRecordPoints &&
    chunkPoints >= MIN_JOB_POINTS &&
    pointCount > Math.min(chunkPoints, decodeWorkerSettings.jobPoints)
  );
}

/**
 * Decodes uncompressed LAS records on the decode pool, each job a chunk of consecutive records that
 * its worker reads from the file and decodes, several jobs ahead of the caller (bounded memory),
 * handed out in file order. Chunks hold at most min(chunkPoints, 1 M) points. A job whose worker
 * fails is decoded on this thread instead; a file that ends early is a BadInputError at the byte.
 */
export async function* recordsOnWorkers(
  pool: DecodePool,
  fh: FileHandle,
  path: string,
  file: string,
  header: LasHeader,
  layout: RecordLayout,
  steps: Vec3,
  chunkPoints: number,
  signal?: AbortSignal,
): AsyncGenerator<RecordsChunk> {
  const per = Math.min(chunkPoints, decodeWorkerSettings.jobPoints);
  const rl = header.recordLength;
  const job = (start: number, count: number): Omit<LasRecordsJob, 'id'> => ({
    kind: 'las-records',
    path,
    byteOffset: header.offsetToPointData + start * rl,
    count,
    layout,
    steps,
    scale: header.scale,
    // Allocated here, filled there: this thread's allocator then recycles the memory of chunks the
    // caller dropped (fresh pages in each worker cost page faults that serialise the threads).
    out: allocateDecoded(layout, count),
  });
  try {
    for await (const { first, count, outcome } of inOrderJobs<LasRecordsJob>(pool, header.pointCount, per, job, signal)) {
      const at = header.offsetToPointData + first * rl;
      let decoded: DecodedRecords;
      if (outcome?.ok) decoded = outcome.decoded;
      else if (outcome && outcome.error) throw new BadInputError(file, `cannot read the point data (${outcome.error})`, { byte: at });
      else if (outcome)
        throw new BadInputError(file, `point data ends early: expected ${count} records of ${rl} bytes here`, {
          byte: at + outcome.bytesRead,
        });
      else decoded = await decodeHere(fh, file, at, count, layout, steps, header.scale);
      yield { start: first, count, ...decoded };
    }
  } finally {
    pool.release();
  }
}

async function decodeHere(fh: FileHandle, file: string, at: number, count: number, layout: RecordLayout, steps: Vec3, scale: Vec3) {
  const raw = await readAt(fh, at, count * layout.recordLength);
  if (raw.length < count * layout.recordLength)
    throw new BadInputError(file, `point data ends early: expected ${count} records of ${layout.recordLength} bytes here`, {
      byte: at + raw.length,
    });
  return decodeRecords(raw, count, layout, steps, scale);
}
