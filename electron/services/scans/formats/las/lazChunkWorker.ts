import { parentPort } from 'node:worker_threads';
import { LazChunkJobRunner, type LazChunkJob, type LazChunkOutcome } from './laz-chunk-job';

/**
 * Worker-thread entry: decodes one LAZ chunk per message, in the order they come. Started by
 * laz-worker-pool.ts, from dist/workers/lazChunkWorker.js in a build or from this source through tsx.
 */
const port = parentPort;
if (!port) throw new Error('lazChunkWorker must run in a worker thread');

const runner = new LazChunkJobRunner();
let queue = Promise.resolve();

port.on('message', (job: LazChunkJob) => {
  // The pool sends one job at a time; chaining keeps order even if that ever changes.
  queue = queue.then(async () => {
    let outcome: LazChunkOutcome;
    try {
      outcome = await runner.run(job);
    } catch (e) {
      outcome = { id: job.id, ok: false, corrupt: `decoder failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    port.postMessage(outcome, outcome.ok ? [outcome.raw.buffer as ArrayBuffer] : []);
  });
});

// Tells the pool that the module graph loaded (a missing loader or bad bundle fails before this).
port.postMessage({ ready: true });
