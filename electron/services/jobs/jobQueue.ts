import type { JobInfo } from '../../../common/contracts/jobs';
import { ServiceFailure, toServiceError } from '../../../common/result';

export interface JobContext {
  signal: AbortSignal;
  /** fraction 0..1 (or null when unknown) and a short message; throttled before it reaches clients. */
  progress(fraction: number | null, message?: string): void;
}

export type JobListener = (job: JobInfo) => void;

/**
 * Long work (import, octree build, propagation, export, model warm-up) runs as a job: the RPC call
 * returns a job id at once, progress arrives as `job.progress` events, and cancel aborts the signal.
 * Jobs run concurrently up to `concurrency`; the rest wait in FIFO order.
 */
export class JobQueue {
  private readonly jobs = new Map<string, { info: JobInfo; controller: AbortController; lastEmit: number }>();
  private readonly listeners = new Set<JobListener>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private seq = 0;

  constructor(
    private readonly concurrency = 2,
    private readonly progressIntervalMs = 100,
  ) {}

  onChange(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  get(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new ServiceFailure('not_found', `no job with id "${id}"`);
    return { ...job.info };
  }

  cancel(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new ServiceFailure('not_found', `no job with id "${id}"`);
    job.controller.abort();
    if (job.info.state === 'queued') this.finish(id, 'cancelled', null);
    return { ...job.info };
  }

  /** Starts (or queues) a job and returns its id; `done` resolves with the job's final info. */
  start<T>(kind: string, title: string, work: (ctx: JobContext) => Promise<T>): { id: string; done: Promise<JobInfo> } {
    const id = `job-${++this.seq}`;
    const controller = new AbortController();
    const info: JobInfo = {
      id,
      kind,
      title,
      state: 'queued',
      progress: 0,
      message: 'queued',
      startedAt: Date.now(),
      finishedAt: null,
      error: null,
    };
    this.jobs.set(id, { info, controller, lastEmit: 0 });
    this.emit(id, true);
    const done = new Promise<JobInfo>((resolve) => {
      const run = async () => {
        const job = this.jobs.get(id)!;
        if (job.info.state !== 'queued') return resolve({ ...job.info });
        this.running++;
        job.info.state = 'running';
        job.info.message = 'running';
        this.emit(id, true);
        const ctx: JobContext = {
          signal: controller.signal,
          progress: (fraction, message) => {
            job.info.progress = fraction === null ? null : Math.min(1, Math.max(0, fraction));
            if (message !== undefined) job.info.message = message;
            this.emit(id, false);
          },
        };
        try {
          const result = await work(ctx);
          if (controller.signal.aborted) this.finish(id, 'cancelled', null);
          else {
            job.info.result = result;
            this.finish(id, 'done', null);
          }
        } catch (e) {
          if (controller.signal.aborted) this.finish(id, 'cancelled', null);
          else this.finish(id, 'failed', toServiceError(e));
        } finally {
          this.running--;
          this.waiting.shift()?.();
        }
        resolve({ ...job.info });
      };
      if (this.running < this.concurrency) void run();
      else this.waiting.push(() => void run());
    });
    return { id, done };
  }

  private finish(id: string, state: JobInfo['state'], error: JobInfo['error']) {
    const job = this.jobs.get(id)!;
    job.info.state = state;
    job.info.error = error;
    job.info.finishedAt = Date.now();
    if (state === 'done') job.info.progress = 1;
    job.info.message = state === 'failed' ? (error?.message ?? 'failed') : state;
    this.emit(id, true);
  }

  private emit(id: string, force: boolean) {
    const job = this.jobs.get(id)!;
    const now = Date.now();
    if (!force && now - job.lastEmit < this.progressIntervalMs) return;
    job.lastEmit = now;
    const snapshot = { ...job.info };
    for (const l of this.listeners) l(snapshot);
  }
}
