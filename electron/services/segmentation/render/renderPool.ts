import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { moduleDir, startReadyWorker } from '../../workers/workerLauncher';
import type { ClickScene } from '../scene/clickScene';
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
  /** Renders (and for the built-in segmenter segments) one view of a point or mesh scene. */
  run(scene: ClickScene, job: ViewJob): Promise<ViewOutcome>;
}

/** Worker threads the click engine asks for by default: one per core, at most one per view. */
export const defaultRenderThreads = (): number => Math.min(4, availableParallelism());

const WORKER_NAME = 'renderWorker';
const START_TIMEOUT_MS = 30_000;

/** A started worker, or null (the caller then works in-thread). */
const startWorker = (): Promise<Worker | null> => startReadyWorker(moduleDir(import.meta.url as string | undefined), WORKER_NAME, START_TIMEOUT_MS);

interface Task {
  id: number;
  key: number;
  scene: ClickScene;
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

  run(scene: ClickScene, job: ViewJob): Promise<ViewOutcome> {
    const geometry = scene.geometry;
    let key = this.keys.get(geometry);
    if (key === undefined) {
      key = this.nextKey++;
      this.keys.set(geometry, key);
      this.finalizer.register(geometry, key);
    }
    const k = key;
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, key: k, scene, job, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    for (const slot of this.slots) {
      if (slot.task || this.queue.length === 0) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      if (!slot.scenes.has(task.key)) {
        slot.worker.postMessage({ type: 'scene', key: task.key, data: sharedSceneData(task.scene) } satisfies RenderRequest);
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
