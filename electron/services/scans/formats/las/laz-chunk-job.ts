import { implausiblePoint, layerTableProblem, type PlausibleWindow } from './laz-chunk-checks';
import { LazChunkDecoder } from './laz-perf';

/** One whole LAZ chunk to decode on a worker thread (the compressed bytes are transferred). */
export interface LazChunkJob {
  kind: 'laz-chunk';
  id: number;
  pointFormat: number;
  recordLength: number;
  /** Layers per chunk (LAS 1.4 layered compression), 0 for pointwise chunks. */
  layerCount: number;
  window: PlausibleWindow | null;
  /** File-order number of the chunk's first point (for messages). */
  firstPoint: number;
  pointCount: number;
  compressed: Uint8Array;
}

/** The chunk's records (pointCount × recordLength bytes), or what is wrong with the chunk. */
export type LazChunkOutcome = { id: number; ok: true; raw: Uint8Array } | { id: number; ok: false; corrupt: string };

/** Decodes jobs one after another on this thread, reusing one decoder while the point layout stays. */
export class LazChunkJobRunner {
  private decoder: LazChunkDecoder | null = null;
  private layout = '';

  async run(job: LazChunkJob): Promise<LazChunkOutcome> {
    const { id, recordLength: rl, pointCount } = job;
    if (job.layerCount > 0) {
      const problem = layerTableProblem(job.compressed, rl, job.layerCount, pointCount);
      if (problem) return { id, ok: false, corrupt: problem };
    }
    const layout = `${job.pointFormat}/${rl}`;
    if (this.decoder && this.layout !== layout) this.close();
    this.decoder ??= await LazChunkDecoder.create(job.pointFormat, rl);
    this.layout = layout;
    // Not zeroed: the decoder writes every record, and on failure the buffer is dropped.
    const raw = new Uint8Array(Buffer.allocUnsafeSlow(pointCount * rl).buffer, 0, pointCount * rl);
    try {
      this.decoder.open(job.compressed);
      this.decoder.decode(raw, 0, pointCount);
    } catch (e) {
      this.decoder.discard();
      this.decoder = null;
      return { id, ok: false, corrupt: `laz-perf failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    const bad = implausiblePoint(raw, 0, pointCount, rl, job.window, job.firstPoint);
    return bad ? { id, ok: false, corrupt: bad } : { id, ok: true, raw };
  }

  close(): void {
    this.decoder?.close();
    this.decoder = null;
  }
}
