import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SceneGeometry } from '../scene/sceneGeometry';
import type { RenderRequest, RenderResponse } from './renderWorker';
import { sharedSceneData } from './sharedScene';
import type { ViewJob, ViewOutcome } from './viewJob';

/**
 * A process-wide pool of render workers for the click engine: a click's views (and their
 * built-in segmentation) are independent, so they run side by side. Each worker gets a scene's
 * arrays once, as shared memory; a view job carries only the camera and prompts, and the rendered
 * buffers come back transferred. Idle workers are unref'd, so they never keep a CLI alive.
 *
 * Where the worker code lives depends on how we run (as octree/octreeWorkers.ts): built,
 * scripts/build.mjs bundles renderWorker.ts to dist/workers/renderWorker.js, found at ../workers/,
 * ./workers/ or next to the running bundle; from sources (tests, tsx), the .ts next to this file,
 * loaded through tsx's ESM API registered inside the worker.
 */
export interface RenderPool {
  readonly threads: number;
  run(geometry: SceneGeometry, job: ViewJob): Promise<ViewOutcome>;
}

/** Worker threads the click engine asks for by default: one per core, at most one per view. */
export const defaultRenderThreads = (): number => Math.min(4, availableParallelism());

const WORKER_NAME = 'renderWorker';
const START_TIMEOUT_MS = 30_000;

function here(): string {
  return dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));
}

function spawnWorker(): Worker | null {
  const dir = here();
  for (const candidate of [join(dir, '..', 'workers'), join(dir, 'workers'), dir]) {
    const file = join(candidate, `${WORKER_NAME}.js`);
    if (existsSync(file)) return new Worker(file);
  }
  const source = join(dir, `${WORKER_NAME}.ts`);
  if (!existsSync(source)) return null;
  let tsxApi: string;
  try {
    tsxApi = join(dirname(createRequire(join(dir, 'x.js')).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs');
  } catch {
    return null; // tsx is a devDependency: a packaged app uses the built worker
  }
  if (!existsSync(tsxApi)) return null;
  const api = JSON.stringify(pathToFileURL(tsxApi).href);
  const entry = JSON.stringify(pathToFileURL(source).href);
  return new Worker(`import(${api}).then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true });
}

function startWorker(): Promise<Worker | null> {
  let worker: Worker | null;
  try {
    worker = spawnWorker();
  } catch {
    return Promise.resolve(null);
  }
  if (!worker) return Promise.resolve(null);
  const w = worker;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      w.off('error', onFail).off('exit', onFail).off('message', onMessage);
      if (!ok) void w.terminate();
      resolve(ok ? w : null);
    };
    const onFail = () => done(false);
    const onMessage = (m: { ready?: boolean }) => done(m.ready === true);
    const timer = setTimeout(onFail, START_TIMEOUT_MS);
    w.on('error', onFail).on('exit', onFail).on('message', onMessage);
  });
}

interface Task {
  id: number;
  key: number;
  geometry: SceneGeometry;
  job: ViewJob;
  resolve: (o: ViewOutcome) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  scenes: Set<number>;
  task: Task | null;
}

class WorkerPool implements RenderPool {
  readonly threads: number;
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private readonly keys = new WeakMap<SceneGeometry, number>();
  private nextKey = 1;
  private nextId = 1;
  // A scene that is garbage-collected is dropped from the workers (they hold its shared arrays).
  private readonly finalizer = new FinalizationRegistry<number>((key) => {
    for (const s of this.slots)
      if (s.scenes.delete(key)) s.worker.postMessage({ type: 'drop', key } satisfies RenderRequest);
  });

  constructor(workers: Worker[]) {
    this.threads = workers.length;
    this.slots = workers.map((worker) => ({ worker, scenes: new Set<number>(), task: null }));
    for (const slot of this.slots) {
      slot.worker.unref();
      slot.worker.on('message', (m: RenderResponse) => this.settle(slot, m.ok ? null : new Error(`render worker: ${m.message}`), m.ok ? m.outcome : null));
      slot.worker.on('error', (e) => this.retire(slot, e));
      slot.worker.on('exit', (code) => this.retire(slot, new Error(`render worker exited with code ${code}`)));
    }
  }

  run(geometry: SceneGeometry, job: ViewJob): Promise<ViewOutcome> {
    let key = this.keys.get(geometry);
    if (key === undefined) {
      key = this.nextKey++;
      this.keys.set(geometry, key);
      this.finalizer.register(geometry, key);
    }
    const k = key;
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, key: k, geometry, job, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    for (const slot of this.slots) {
      if (slot.task || this.queue.length === 0) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      if (!slot.scenes.has(task.key)) {
        slot.worker.postMessage({ type: 'scene', key: task.key, data: sharedSceneData(task.geometry) } satisfies RenderRequest);
        slot.scenes.add(task.key);
      }
      slot.worker.ref(); // an awaited view keeps the process alive
      slot.worker.postMessage({ type: 'view', id: task.id, key: task.key, job: task.job } satisfies RenderRequest);
    }
    if (this.slots.length === 0) for (const t of this.queue.splice(0)) t.reject(new Error('no render workers left'));
  }

  private settle(slot: Slot, error: Error | null, outcome: ViewOutcome | null) {
    const task = slot.task;
    if (!task) return;
    slot.task = null;
    slot.worker.unref();
    if (error) task.reject(error);
    else task.resolve(outcome!);
    this.pump();
  }

  private retire(slot: Slot, error: Error) {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const task = slot.task;
    slot.task = null;
    task?.reject(error);
    this.pump();
  }
}

let shared: Promise<RenderPool | null> | null = null;

/**
 * The process's render pool, started on first use with `threads` workers (later calls share it,
 * whatever they ask for). Null when no worker could start: the caller renders on its own thread.
 */
export function sharedRenderPool(threads: number): Promise<RenderPool | null> {
  shared ??= Promise.all(Array.from({ length: Math.max(1, threads) }, startWorker)).then((ws) => {
    const workers = ws.filter((w): w is Worker => w !== null);
    return workers.length > 0 ? new WorkerPool(workers) : null;
  });
  return shared;
}
