import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { indexChunk, IndexingContext, type IndexedChunk, type IndexRequest, type WorkerRequest, type WorkerResponse } from './chunkIndexing';
import { runSliceTask, type SliceResult, type SliceTask } from './scanSlices';

/**
 * Runs chunk indexing on worker threads, one per core.
 *
 * Where the worker code lives depends on how we run:
 *  (a) built: scripts/build.mjs bundles octreeWorker.ts to dist/workers/octreeWorker.js; the running
 *      bundle (dist/<something>/x.js) finds it at ../workers/, ./workers/ or next to itself;
 *  (b) sources (tests, tsx): the .ts entry next to this file, loaded through tsx's ESM hooks,
 *      registered inside the worker by a two-line bootstrap (a worker's `--import` hooks do not
 *      reach its own entry module on Node 20).
 * When neither starts, chunks are indexed on the calling thread and `mode` says so.
 */
export interface ChunkIndexer {
  readonly parallelism: number;
  /** Worker threads (0: everything runs on the calling thread). */
  readonly workerThreads: number;
  /** Shown in the job message: 'N worker threads' or 'in-thread (why)'. */
  readonly mode: string;
  index(request: Omit<IndexRequest, 'id'>): Promise<IndexedChunk>;
  /**
   * A pass over a slice of an in-memory scan whose columns are on SharedArrayBuffers. Queued ahead
   * of the chunks waiting to be indexed: those wait for what the pass produces.
   */
  runSlice(task: SliceTask): Promise<SliceResult>;
  close(): Promise<void>;
}

type WorkerEntry = { kind: 'built'; file: string } | { kind: 'source'; file: string; tsxApi: string };

const WORKER_START_TIMEOUT_MS = 30_000;

function thisFile(): string {
  // CJS bundles have __filename; ESM (sources, ESM bundles) has import.meta.url.
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
}

export function resolveWorkerEntry(): WorkerEntry | null {
  const here = dirname(thisFile());
  for (const candidate of [join(here, '..', 'workers'), join(here, 'workers'), here]) {
    const file = join(candidate, 'octreeWorker.js');
    if (existsSync(file)) return { kind: 'built', file };
  }
  const source = join(here, 'octreeWorker.ts');
  if (!existsSync(source)) return null;
  try {
    const pkg = createRequire(thisFile()).resolve('tsx/package.json');
    const tsxApi = join(dirname(pkg), 'dist', 'esm', 'api', 'index.mjs');
    return existsSync(tsxApi) ? { kind: 'source', file: source, tsxApi } : null;
  } catch {
    return null; // tsx is a devDependency: absent in a packaged app, which uses (a)
  }
}

function spawn(entry: WorkerEntry): Worker {
  if (entry.kind === 'built') return new Worker(entry.file);
  const api = JSON.stringify(pathToFileURL(entry.tsxApi).href);
  const file = JSON.stringify(pathToFileURL(entry.file).href);
  return new Worker(`import(${api}).then((tsx) => { tsx.register(); return import(${file}); });`, { eval: true });
}

function startWorker(entry: WorkerEntry): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = spawn(entry);
    const onError = (e: Error) => fail(e);
    const onExit = (code: number) => fail(new Error(`worker exited with code ${code}`));
    const onMessage = (m: { ready?: boolean }) => {
      if (!m.ready) return fail(new Error('unexpected first message from worker'));
      detach();
      resolve(worker);
    };
    // Only our own listeners are removed: Worker keeps internal ones (port ref counting) on itself.
    const detach = () => {
      clearTimeout(timer);
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
    };
    const fail = (e: Error) => {
      detach();
      void worker.terminate();
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error('worker did not start in time')), WORKER_START_TIMEOUT_MS);
    worker.on('error', onError).on('exit', onExit).on('message', onMessage);
  });
}

/** `threads` 0 indexes on the calling thread (for measurements and tiny scans). */
export async function startChunkIndexer(threads: number): Promise<ChunkIndexer> {
  if (threads === 0) return inThread('threads: 0');
  const entry = resolveWorkerEntry();
  if (!entry) return inThread('no worker entry found (neither a built octreeWorker.js nor sources with tsx)');
  const started = await Promise.allSettled(Array.from({ length: Math.max(1, threads) }, () => startWorker(entry)));
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (workers.length === 0) {
    const reason = started.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
    return inThread(`worker threads could not start: ${reason?.reason instanceof Error ? reason.reason.message : String(reason?.reason)}`);
  }
  return new WorkerIndexer(workers);
}

interface Task {
  request: WorkerRequest;
  transfer: ArrayBuffer[];
  resolve: (r: IndexedChunk | SliceResult) => void;
  reject: (e: Error) => void;
}

class WorkerIndexer implements ChunkIndexer {
  readonly parallelism: number;
  readonly workerThreads: number;
  readonly mode: string;
  private readonly idle: Worker[];
  private readonly queue: Task[] = [];
  private readonly running = new Map<Worker, Task>();
  private nextId = 1;

  constructor(private readonly workers: Worker[]) {
    this.parallelism = workers.length;
    this.workerThreads = workers.length;
    this.mode = `${workers.length} worker thread${workers.length === 1 ? '' : 's'}`;
    this.idle = [...workers];
    for (const w of workers) {
      w.on('message', (m: WorkerResponse) => this.settle(w, m.ok ? null : new Error(`octree worker: ${m.message}`), m.ok ? m.result : null));
      w.on('error', (e) => this.settle(w, e, null));
      w.on('exit', (code) => this.settle(w, new Error(`octree worker exited with code ${code}`), null));
    }
  }

  index(request: Omit<IndexRequest, 'id'>): Promise<IndexedChunk> {
    const { buffer, output } = request;
    const transfer = buffer instanceof ArrayBuffer ? [buffer, output] : [output];
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { ...request, id: this.nextId++ }, transfer, resolve: resolve as Task['resolve'], reject });
      this.pump();
    });
  }

  runSlice(slice: SliceTask): Promise<SliceResult> {
    return new Promise((resolve, reject) => {
      // Ahead of the chunks already queued (after other slices, in the order asked).
      let at = 0;
      while (at < this.queue.length && 'slice' in this.queue[at]!.request) at++;
      this.queue.splice(at, 0, { request: { id: this.nextId++, slice }, transfer: [], resolve: resolve as Task['resolve'], reject });
      this.pump();
    });
  }

  private pump() {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.running.set(worker, task);
      worker.postMessage(task.request, task.transfer);
    }
  }

  private settle(worker: Worker, error: Error | null, result: IndexedChunk | SliceResult | null) {
    const task = this.running.get(worker);
    if (!task) return;
    this.running.delete(worker);
    if (error) task.reject(error);
    else task.resolve(result!);
    if (!error) this.idle.push(worker);
    this.pump();
  }

  async close(): Promise<void> {
    for (const t of this.queue.splice(0)) t.reject(new Error('octree workers closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function inThread(reason: string): ChunkIndexer {
  const context = new IndexingContext();
  let nextId = 1;
  return {
    parallelism: 1,
    workerThreads: 0,
    mode: `in-thread (${reason})`,
    async index(request) {
      return indexChunk({ ...request, id: nextId++ }, context);
    },
    async runSlice(task) {
      return runSliceTask(task);
    },
    async close() {},
  };
}
