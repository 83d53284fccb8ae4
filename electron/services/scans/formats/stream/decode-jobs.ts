import { LazChunkJobRunner, type LazChunkJob, type LazChunkOutcome } from '../las/laz-chunk-job';
import { decodedBuffers, runLasRecordsJob, type LasRecordsJob, type LasRecordsOutcome } from '../las/las-records-job';
import {
  runPlyBoundsJob,
  runPlyVerticesJob,
  type PlyBoundsJob,
  type PlyBoundsOutcome,
  type PlyVerticesJob,
  type PlyVerticesOutcome,
} from '../ply/ply-vertex-jobs';

/** Work the decode pool's threads take: a LAZ chunk, a range of LAS records, a range of PLY vertices. */
export type DecodeJob = LazChunkJob | LasRecordsJob | PlyBoundsJob | PlyVerticesJob;
export type DecodeOutcome = LazChunkOutcome | LasRecordsOutcome | PlyBoundsOutcome | PlyVerticesOutcome;
/** The answer type of a job type. */
export type OutcomeOf<J extends DecodeJob> = J extends LazChunkJob
  ? LazChunkOutcome
  : J extends LasRecordsJob
    ? LasRecordsOutcome
    : J extends PlyBoundsJob
      ? PlyBoundsOutcome
      : PlyVerticesOutcome;

/** Buffers a job hands over to the worker (moved, not copied). */
export function jobTransfers(job: DecodeJob): ArrayBuffer[] {
  if (job.kind === 'laz-chunk') return [job.compressed.buffer as ArrayBuffer];
  if (job.kind === 'las-records' && job.out) return decodedBuffers(job.out);
  if (job.kind === 'ply-vertices' && job.out)
    return decodedBuffers({ positions: job.out.positions, attributes: job.out.columns.map((values) => ({ values })) });
  return [];
}

/** Buffers an outcome hands back (moved, not copied). */
export function outcomeTransfers(outcome: DecodeOutcome): ArrayBuffer[] {
  if (!outcome.ok) return [];
  if ('raw' in outcome) return [outcome.raw.buffer as ArrayBuffer];
  if ('decoded' in outcome) return decodedBuffers(outcome.decoded);
  if ('positions' in outcome) return decodedBuffers(outcome);
  return [];
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
      case 'ply-bounds':
        return runPlyBoundsJob(job);
      case 'ply-vertices':
        return runPlyVerticesJob(job);
    }
  }
}
