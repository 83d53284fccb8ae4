import { parentPort } from 'node:worker_threads';
import { prepareScan, type PreparedScan } from './prepare';
import { propagate } from './propagate';
import type { WorkerRequest, WorkerResponse } from './protocol';

/**
 * Worker-thread entry for propagation: holds one scan's prepared data and answers prepare / load /
 * propagate, so per-edit training and smoothing never run on the thread that serves the UI.
 */
const port = parentPort;
if (!port) throw new Error('propagationWorker must run in a worker thread');

let prepared: PreparedScan | null = null;

port.on('message', (req: WorkerRequest) => {
  try {
    if (req.type === 'prepare') {
      prepared = prepareScan(req, { ...req.options, onProgress: (progress, stage) => port.postMessage({ progress, stage } satisfies WorkerResponse) });
      port.postMessage({ id: req.id, ok: true, type: 'prepare', prepared } satisfies WorkerResponse);
    } else if (req.type === 'load') {
      prepared = req.prepared;
      port.postMessage({ id: req.id, ok: true, type: 'load' } satisfies WorkerResponse);
    } else {
      if (!prepared) throw new Error('propagate before prepare/load');
      const t0 = performance.now();
      const { userLabels, locked, forest, smoothing, pointClassifier } = req;
      const result = propagate({ prepared, userLabels, locked, forest, smoothing, pointClassifier });
      const msg: WorkerResponse = { id: req.id, ok: true, type: 'propagate', result, ms: performance.now() - t0 };
      port.postMessage(msg, [result.classes.buffer as ArrayBuffer, result.confidence.buffer as ArrayBuffer]);
    }
  } catch (e) {
    port.postMessage({ id: req.id, ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerResponse);
  }
});

port.postMessage({ ready: true });
