import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { moduleDir, startReadyWorker } from '../../../workers/workerLauncher';
import { jobTransfers, type DecodeJob, type DecodeOutcome, type OutcomeOf } from './decode-jobs';

/**
 * A process-wide pool of chunk decoders on worker threads (LAZ chunks, LAS record ranges; see
 * decode-jobs.ts), one per core, started on first use and stopped after a while without work. Idle
 * workers are unref'd, so they never keep a CLI alive.
 *
 * Where the worker code lives depends on how we run (see workers/workerLauncher.ts): built,
 * scripts/build.mjs bundles chunkDecodeWorker.ts to dist/workers/chunkDecodeWorker.js; from sources
 * (tests, tsx), the .ts next to this file, loaded through tsx inside the worker.
 */
export const decodeWorkerSettings = {
  /** Worker threads to start (one per core, at most 8: beyond that the reader's own thread limits); 0 decodes in-thread. */
  threads: Math.min(8, availableParallelism()),
  /** LAZ files with fewer points are decoded on the calling thread (starting a decode costs more than it saves). */
  minPoints: 100_000,
  /** The same for uncompressed records (LAS, binary PLY), which decode ~15x faster than LAZ. */
  minRecordPoints: 1_000_000,
  /** Uncompressed records per job (and at most per chunk then): a message costs nothing next to it, memory stays bounded. */
  jobPoints: 1_000_000,
  /** Workers stop after this long without a job (their WASM heaps are released). */
  idleMs: 20_000,
};

const WORKER_NAME = 'chunkDecodeWorker';
const START_TIMEOUT_MS = 30_000;

/** A started worker, or null (the caller then works in-thread). */
const startWorker = (): Promise<Worker | null> => startReadyWorker(moduleDir(import.meta.url as string | undefined), WORKER_NAME, START_TIMEOUT_MS);

interface Task {
  job: DecodeJob;
  /** performance.now() when a worker took it. */
  startedAt: number;
  owner: object;
  resolve: (o: DecodeOutcome) => void;
  reject: (e: Error) => void;
}

export class DecodePool {
  private readonly idle: Worker[];
  private readonly queue: Task[] = [];
  private readonly running = new Map<Worker, Task>();
  private nextId = 1;
  /** Jobs answered and the workers' summed time on them (measurements: utilisation = busyMs / (wall * size)). */
  readonly stats = { jobs: 0, busyMs: 0 };
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Open record sources using the pool: it only stops for idleness when none is left. */
  private users = 0;

  constructor(private readonly workers: Worker[]) {
    this.idle = [...workers];
    for (const w of workers) {
      w.unref();
      w.on('message', (m: DecodeOutcome) => this.settle(w, m, null));
      w.on('error', (e) => this.settle(w, null, e));
      w.on('exit', (code) => this.settle(w, null, new Error(`a decode worker exited with code ${code}`)));
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs one job; rejects only when the worker itself failed (a corrupt chunk is an outcome). */
  decode<J extends DecodeJob>(job: Omit<J, 'id'>, owner: object): Promise<OutcomeOf<J>> {
    if (this.closed || this.workers.length === 0) return Promise.reject(new Error('the decode workers stopped'));
    let full = { ...job, id: this.nextId++ } as unknown as DecodeJob;
    if (full.kind === 'laz-chunk') {
      // Transferring detaches the whole buffer: a view into a larger one is copied out first.
      const c = full.compressed;
      if (c.byteOffset !== 0 || c.byteLength !== c.buffer.byteLength) full = { ...full, compressed: c.slice() };
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job: full, startedAt: 0, owner, resolve: resolve as (o: DecodeOutcome) => void, reject });
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
      task.startedAt = performance.now();
      this.running.set(worker, task);
      worker.ref(); // a job in flight keeps the process alive until its answer arrives
      worker.postMessage(task.job, jobTransfers(task.job));
    }
    if (this.users === 0 && this.running.size === 0 && this.queue.length === 0) {
      this.idleTimer = setTimeout(() => void this.close(), decodeWorkerSettings.idleMs);
      this.idleTimer.unref();
    }
  }

  private settle(worker: Worker, outcome: DecodeOutcome | null, error: Error | null): void {
    const task = this.running.get(worker);
    this.running.delete(worker);
    if (task) {
      this.stats.jobs++;
      this.stats.busyMs += performance.now() - task.startedAt;
    }
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
      else task.reject(error ?? new Error('a decode worker answered out of turn'));
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
    this.stop(new Error('the decode workers stopped'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let current: { pool: DecodePool | null; starting: Promise<DecodePool | null> } | null = null;

/**
 * The shared pool, started if needed and retained for the caller (who calls `release` when done);
 * null when no worker can start (then decode in-thread).
 */
export async function decodePool(): Promise<DecodePool | null> {
  if (decodeWorkerSettings.threads <= 0) return null;
  if (!current) {
    const entry: { pool: DecodePool | null; starting: Promise<DecodePool | null> } = { pool: null, starting: null! };
    entry.starting = Promise.all(Array.from({ length: decodeWorkerSettings.threads }, startWorker)).then((started) => {
      const workers = started.filter((w): w is Worker => w !== null);
      entry.pool = workers.length > 0 ? new DecodePool(workers) : null;
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

/** The shared pool if it is running (measurements and tests; starts nothing). */
export function runningDecodePool(): DecodePool | null {
  return current?.pool ?? null;
}

/** Stops the shared pool now (tests; the pool otherwise stops itself when idle). */
export async function closeDecodePool(): Promise<void> {
  const c = current;
  current = null;
  const pool = await c?.starting;
  await pool?.close();
}
