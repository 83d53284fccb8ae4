import type { Worker } from 'node:worker_threads';
import type { Scan } from '../scans/model';
import type { ForestOptions } from './classifier/extraTrees';
import { readFeatureCache, writeFeatureCache } from './featureCache';
import { prepareScan, type PrepareOptions, type PreparedScan } from './prepare';
import { propagate, type PropagationInput, type PropagationResult } from './propagate';
import type { WorkerFailure, WorkerRequest, WorkerResponse, WorkerSuccess } from './protocol';
import type { SmoothingOptions } from './smoothing';
import { moduleDir, spawnNamedWorker } from '../workers/workerLauncher';

const START_TIMEOUT_MS = 30_000;

export interface EngineOptions {
  /** false: run on the calling thread (tests of the algorithm, tiny scans). Default true. */
  worker?: boolean;
  forest?: ForestOptions;
  smoothing?: SmoothingOptions;
  /** The per-point classifier (PropagationInput.pointClassifier). */
  pointClassifier?: PropagationInput['pointClassifier'];
}

/**
 * One scan's propagation, off the calling thread: prepare once (or load the cached sidecar), then
 * `propagate` after each edit. Edits arriving while a propagation runs are coalesced: only the
 * newest labels are propagated next, and superseded calls resolve with that newer result, so a
 * burst of clicks costs one extra run, not one per click.
 */
export class PropagationEngine {
  /** 'worker thread' or 'in-thread (why)'. */
  mode = 'in-thread (not started)';
  prepared: PreparedScan | null = null;
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: WorkerSuccess | WorkerFailure) => void; reject: (e: Error) => void }>();
  private running: Promise<PropagationResult> | null = null;
  private queued: { userLabels: Uint16Array; locked: Uint8Array | null; waiters: { resolve: (r: PropagationResult) => void; reject: (e: Error) => void }[] } | null = null;
  onProgress: ((fraction: number, stage: string) => void) | null = null;

  private constructor(private readonly options: EngineOptions) {}

  static async start(options: EngineOptions = {}): Promise<PropagationEngine> {
    const engine = new PropagationEngine(options);
    if (options.worker === false) {
      engine.mode = 'in-thread (requested)';
      return engine;
    }
    try {
      const w = spawnNamedWorker(moduleDir(import.meta.url as string | undefined), 'propagationWorker');
      if (!w) {
        engine.mode = 'in-thread (no worker entry found)';
        return engine;
      }
      await waitReady(w);
      engine.worker = w;
      engine.mode = 'worker thread';
      w.on('message', (m: WorkerResponse) => engine.onMessage(m));
      w.on('error', (e) => engine.failAll(e));
      w.on('exit', (code) => engine.failAll(new Error(`propagation worker exited (${code})`)));
    } catch (e) {
      engine.mode = `in-thread (${e instanceof Error ? e.message : String(e)})`;
    }
    return engine;
  }

  /** Prepares the scan, reading/writing `cacheFile` when given. Returns whether the cache was used. */
  async prepare(scan: Pick<Scan, 'positions' | 'pointCount' | 'attributes'>, options: Omit<PrepareOptions, 'onProgress'> & { cacheFile?: string } = {}): Promise<{ cached: boolean }> {
    const { cacheFile, ...prep } = options;
    const cached = cacheFile ? readFeatureCache(cacheFile, scan.positions) : null;
    if (cached) {
      await this.load(cached);
      return { cached: true };
    }
    if (this.worker) {
      const r = await this.call({ id: 0, type: 'prepare', positions: scan.positions, pointCount: scan.pointCount, attributes: scan.attributes, options: prep });
      if (r.type !== 'prepare') throw new Error('unexpected reply to prepare');
      this.prepared = r.prepared;
    } else {
      this.prepared = prepareScan(scan, { ...prep, onProgress: (f, s) => this.onProgress?.(f, s) });
    }
    if (cacheFile && this.prepared) writeFeatureCache(cacheFile, this.prepared, scan.positions);
    return { cached: false };
  }

  async load(prepared: PreparedScan): Promise<void> {
    this.prepared = prepared;
    if (this.worker) await this.call({ id: 0, type: 'load', prepared });
  }

  propagate(userLabels: Uint16Array, locked: Uint8Array | null): Promise<PropagationResult> {
    if (!this.running) return this.launch(userLabels, locked);
    return new Promise((resolve, reject) => {
      if (this.queued) {
        this.queued.userLabels = userLabels;
        this.queued.locked = locked;
        this.queued.waiters.push({ resolve, reject });
      } else this.queued = { userLabels, locked, waiters: [{ resolve, reject }] };
    });
  }

  private launch(userLabels: Uint16Array, locked: Uint8Array | null): Promise<PropagationResult> {
    const run = this.runOnce(userLabels, locked).finally(() => {
      this.running = null;
      const q = this.queued;
      this.queued = null;
      if (q) this.launch(q.userLabels, q.locked).then((r) => q.waiters.forEach((w) => w.resolve(r)), (e: Error) => q.waiters.forEach((w) => w.reject(e)));
    });
    this.running = run;
    return run;
  }

  private async runOnce(userLabels: Uint16Array, locked: Uint8Array | null): Promise<PropagationResult> {
    if (!this.prepared) throw new Error('propagate before prepare');
    const { forest, smoothing, pointClassifier } = this.options;
    if (!this.worker) return propagate({ prepared: this.prepared, userLabels, locked, forest, smoothing, pointClassifier });
    const r = await this.call({ id: 0, type: 'propagate', userLabels, locked, forest, smoothing, pointClassifier });
    if (r.type !== 'propagate') throw new Error('unexpected reply to propagate');
    return r.result;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    this.failAll(new Error('propagation engine closed'));
  }

  private call(req: WorkerRequest): Promise<WorkerSuccess> {
    const w = this.worker;
    if (!w) return Promise.reject(new Error('no worker'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => (r.ok ? resolve(r) : reject(new Error(r.message))),
        reject,
      });
      w.postMessage({ ...req, id });
    });
  }

  private onMessage(m: WorkerResponse) {
    if ('progress' in m) {
      this.onProgress?.(m.progress, m.stage);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    p.resolve(m);
  }

  private failAll(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

function waitReady(w: Worker): Promise<void> {
  // Remove only our own listeners: Worker.removeAllListeners() would also drop Node's internal
  // 'newListener' hook that starts delivering messages when a 'message' listener is added later.
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      w.off('error', fail);
      w.off('exit', onExit);
      w.off('message', onMessage);
    };
    const fail = (e: Error) => {
      cleanup();
      void w.terminate();
      reject(e);
    };
    const onExit = (code: number) => fail(new Error(`worker exited with code ${code}`));
    const onMessage = (m: { ready?: boolean }) => {
      cleanup();
      if (m.ready) resolve();
      else fail(new Error('unexpected first message from worker'));
    };
    const timer = setTimeout(() => fail(new Error('worker did not start in time')), START_TIMEOUT_MS);
    w.on('error', fail);
    w.on('exit', onExit);
    w.on('message', onMessage);
  });
}
