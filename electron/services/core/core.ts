import os from 'node:os';
import type { EventName, EventPayload } from '../../../common/contracts/api';
import type { RpcEvent, RpcResponse } from '../../../common/rpc';
import { JobQueue } from '../jobs/jobQueue';
import { createDispatcher, type Handlers } from '../rpc/dispatcher';
import { DEMO_CLASSES, DemoCancelled, demoPointScanAsync } from '../scans/demo/demoScene';
import { ScanRegistry } from '../scans/scanRegistry';
import { APP_VERSION } from '../version';

export interface CoreOptions {
  host: 'electron' | 'http' | 'memory';
  projectDir: string | null;
  /** Generate the built-in demo scene at start (default on), so a fresh start shows something real. */
  demo?: { seed: number; points: number } | false;
  validateResults?: boolean;
}

export interface Core {
  /** Handles one RPC request envelope (already decoded from the transport) and answers with a response envelope. */
  handle(message: unknown): Promise<RpcResponse>;
  onEvent(listener: (event: RpcEvent) => void): () => void;
  /** Bytes behind a relative blob path (`scans/<id>/chunks/<n>/<attr>`), or null when there is none. */
  readBlob(path: string): Uint8Array | null;
  /** Resolves once the start-up work (demo scene) has finished or failed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The core: every service wired together behind one dispatcher. The same object runs in the Electron
 * utility process, in the HTTP host, and in-process for tests and the CLI.
 */
export function createCore(options: CoreOptions): Core {
  const jobs = new JobQueue();
  const scans = new ScanRegistry();
  const listeners = new Set<(event: RpcEvent) => void>();
  const emit = <E extends EventName>(topic: E, payload: EventPayload<E>) => {
    for (const l of listeners) l({ kind: 'event', topic, payload });
  };
  jobs.onChange((job) => emit('job.progress', job));

  const generateDemo = (seed: number, points: number) =>
    jobs.start('demo', `Generate demo scene (${points.toLocaleString('en')} points)`, async (ctx) => {
      try {
        const scan = await demoPointScanAsync({
          seed,
          points,
          onProgress: (f) => {
            ctx.progress(f, 'sampling points');
            return ctx.signal.aborted;
          },
        });
        scans.add(scan, DEMO_CLASSES);
        emit('scans.changed', { scanId: scan.id });
        return { scanId: scan.id, pointCount: scan.pointCount };
      } catch (e) {
        if (e instanceof DemoCancelled) return null;
        throw e;
      }
    });

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'ScanLabel',
      version: APP_VERSION,
      host: options.host,
      projectDir: options.projectDir,
      platform: `${os.platform()}-${os.arch()}`,
    }),
    'scans.list': () => scans.list(),
    'scans.view': ({ scanId }) => scans.view(scanId),
    'demo.generate': ({ seed, points }) => ({ jobId: generateDemo(seed, points).id }),
    'jobs.list': () => jobs.list(),
    'jobs.get': ({ jobId }) => jobs.get(jobId),
    'jobs.cancel': ({ jobId }) => jobs.cancel(jobId),
  };

  const dispatch = createDispatcher(handlers, { validateResults: options.validateResults ?? false });
  const demo = options.demo === undefined ? { seed: 1, points: 300_000 } : options.demo;
  const ready = demo ? generateDemo(demo.seed, demo.points).done.then(() => undefined) : Promise.resolve();

  return {
    handle: dispatch,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    readBlob: (path) => scans.blob(path),
    ready,
    async close() {
      for (const job of jobs.list()) if (job.state === 'running' || job.state === 'queued') jobs.cancel(job.id);
      listeners.clear();
    },
  };
}
