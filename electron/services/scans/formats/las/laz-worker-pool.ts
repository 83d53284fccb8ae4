import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { moduleDir, startReadyWorker } from '../../../workers/workerLauncher';
import type { LazChunkJob, LazChunkOutcome } from './laz-chunk-job';

/**
 * A process-wide pool of LAZ chunk decoders on worker threads, one per core, started on first use
 * and stopped after a while without work. Idle workers are unref'd, so they never keep a CLI alive.
 *
 * Where the worker code lives depends on how we run (as octree/octreeWorkers.ts): built,
 * scripts/build.mjs bundles lazChunkWorker.ts to dist/workers/lazChunkWorker.js, found at ../workers/,
 * ./workers/ or next to the running bundle; from sources (tests, tsx), the .ts next to this file,
 * loaded through tsx's ESM API registered inside the worker.
 */
export const lazWorkerSettings = {
  /** Worker threads to start (one per core, at most 8: beyond that the reader's own thread limits); 0 decodes in-thread. */
  threads: Math.min(8, availableParallelism()),
  /** Files with fewer points are decoded on the calling thread (starting a decode costs more than it saves). */
  minPoints: 100_000,
  /** Workers stop after this long without a job (their WASM heaps are released). */
  idleMs: 20_000,
};

const WORKER_NAME = 'lazChunkWorker';
const START_TIMEOUT_MS = 30_000;

/** A started worker, or null (the caller then works in-thread). */
const startWorker = (): Promise<Worker | null> => startReadyWorker(moduleDir(import.meta.url as string | undefined), WORKER_NAME, START_TIMEOUT_MS);

interface Task {
  job: LazChunkJob;
  owner: object;
  resolve: (o: LazChunkOutcome) => void;
  reject: (e: Error) => void;
}

export class LazWorkerPool {
  private readonly idle: Worker[];
  private readonly queue: Task[] = [];
  private readonly running = new Map<Worker, Task>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Open record sources using the pool: it only stops for idleness when none is left. */
  private users = 0;

  constructor(private readonly workers: Worker[]) {
    this.idle = [...workers];
    for (const w of workers) {
      w.unref();
      w.on('message', (m: LazChunkOutcome) => this.settle(w, m, null));
      w.on('error', (e) => this.settle(w, null, e));
      w.on('exit', (code) => this.settle(w, null, new Error(`the LAZ decode worker exited with code ${code}`)));
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Decodes one chunk; rejects only when the worker itself failed (a corrupt chunk is an outcome). */
  decode(job: Omit<LazChunkJob, 'id'>, owner: object): Promise<LazChunkOutcome> {
    if (this.closed || this.workers.length === 0) return Promise.reject(new Error('the LAZ decode workers stopped'));
    // Transferring detaches the whole buffer: a view into a larger one is copied out first.
    const c = job.compressed;
    const compressed = c.byteOffset === 0 && c.byteLength === c.buffer.byteLength ? c : c.slice();
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...job, compressed, id: this.nextId++ }, owner, resolve, reject });
      this.pump();
    });
  }

  retain(): void {
    this.users++;
    this.pump();
  }

  release(): void {
    this.users = Math.max(0, this.users - 1);
    this.pump();
  }

  /** Drops the queued (not yet started) jobs of `owner`; their promises reject. */
  cancel(owner: object): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.owner !== owner) continue;
      this.queue.splice(i, 1)[0]!.reject(new Error('cancelled'));
    }
  }

  private pump(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.closed) return;
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.running.set(worker, task);
      worker.ref(); // a job in flight keeps the process alive until its answer arrives
      worker.postMessage(task.job, [task.job.compressed.buffer as ArrayBuffer]);
    }
    if (this.users === 0 && this.running.size === 0 && this.queue.length === 0) {
      this.idleTimer = setTimeout(() => void this.close(), lazWorkerSettings.idleMs);
      this.idleTimer.unref();
    }
  }

  private settle(worker: Worker, outcome: LazChunkOutcome | null, error: Error | null): void {
    const task = this.running.get(worker);
    this.running.delete(worker);
    if (error) {
      // A worker that failed is not reused: its decoder may be in any state.
      const known = this.workers.indexOf(worker);
      if (known >= 0) this.workers.splice(known, 1);
      const idleAt = this.idle.indexOf(worker);
      if (idleAt >= 0) this.idle.splice(idleAt, 1);
      void worker.terminate();
      if (this.workers.length === 0 && !this.closed) this.stop(error);
    } else {
      worker.unref();
      this.idle.push(worker);
    }
    if (task) {
      if (outcome && outcome.id === task.job.id) task.resolve(outcome);
      else task.reject(error ?? new Error('the LAZ decode worker answered out of turn'));
    }
    this.pump();
  }

  private stop(reason: Error): void {
    this.closed = true;
    if (current?.pool === this) current = null;
    for (const t of this.queue.splice(0)) t.reject(reason);
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.stop(new Error('the LAZ decode workers stopped'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let current: { pool: LazWorkerPool | null; starting: Promise<LazWorkerPool | null> } | null = null;

/**
 * The shared pool, started if needed and retained for the caller (who calls `release` when done);
 * null when no worker can start (then decode in-thread).
 */
export async function lazWorkerPool(): Promise<LazWorkerPool | null> {
  if (lazWorkerSettings.threads <= 0) return null;
  if (!current) {
    const entry: { pool: LazWorkerPool | null; starting: Promise<LazWorkerPool | null> } = { pool: null, starting: null! };
    entry.starting = Promise.all(Array.from({ length: lazWorkerSettings.threads }, startWorker)).then((started) => {
      const workers = started.filter((w): w is Worker => w !== null);
      entry.pool = workers.length > 0 ? new LazWorkerPool(workers) : null;
      return entry.pool;
    });
    current = entry;
  }
  const pool = await current.starting;
  // Nothing could start: try again next time rather than never (e.g. a worker file appearing after a build).
  if (!pool && current && current.pool === null) current = null;
  pool?.retain();
  return pool;
}

/** Stops the shared pool now (tests; the pool otherwise stops itself when idle). */
export async function closeLazWorkerPool(): Promise<void> {
  const c = current;
  current = null;
  const pool = await c?.starting;
  await pool?.close();
}
