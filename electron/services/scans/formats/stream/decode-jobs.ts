import { LazChunkJobRunner, type LazChunkJob, type LazChunkOutcome } from '../las/laz-chunk-job';
import { decodedBuffers, runLasRecordsJob, type LasRecordsJob, type LasRecordsOutcome } from '../las/las-records-job';

/** Work the decode pool's threads take: a LAZ chunk or a range of LAS records. */
export type DecodeJob = LazChunkJob | LasRecordsJob;
export type DecodeOutcome = LazChunkOutcome | LasRecordsOutcome;
/** The answer type of a job type. */
export type OutcomeOf<J extends DecodeJob> = J extends LazChunkJob ? LazChunkOutcome : LasRecordsOutcome;

/** Buffers a job hands over to the worker (moved, not copied). */
export function jobTransfers(job: DecodeJob): ArrayBuffer[] {
  return job.kind === 'laz-chunk' ? [job.compressed.buffer as ArrayBuffer] : [];
}

/** Buffers an outcome hands back (moved, not copied). */
export function outcomeTransfers(outcome: DecodeOutcome): ArrayBuffer[] {
  if (!outcome.ok) return [];
  return 'raw' in outcome ? [outcome.raw.buffer as ArrayBuffer] : decodedBuffers(outcome.decoded);
}

/** Runs jobs one after another on one thread (a worker's, or the caller's in tests). */
export class DecodeJobRunner {
  private readonly laz = new LazChunkJobRunner();

  async run(job: DecodeJob): Promise<DecodeOutcome> {
    switch (job.kind) {
      case 'laz-chunk':
        return this.laz.run(job);
      case 'las-records':
        return runLasRecordsJob(job);
    }
  }
}
