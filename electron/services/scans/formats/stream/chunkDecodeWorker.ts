import { parentPort } from 'node:worker_threads';
import { DecodeJobRunner, outcomeTransfers, type DecodeJob, type DecodeOutcome } from './decode-jobs';

/**
 * Worker-thread entry of the decode pool (decode-pool.ts): one job per message (a LAZ chunk, a range
 * of LAS records), answered in order. Runs from dist/workers/chunkDecodeWorker.js in a build or from
 * this source through tsx.
 */
const port = parentPort;
if (!port) throw new Error('chunkDecodeWorker must run in a worker thread');

const runner = new DecodeJobRunner();
let queue = Promise.resolve();

port.on('message', (job: DecodeJob) => {
  // The pool sends one job at a time; chaining keeps order even if that ever changes.
  queue = queue.then(async () => {
    let outcome: DecodeOutcome;
    try {
      outcome = await runner.run(job);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      outcome =
        job.kind === 'laz-chunk'
          ? { id: job.id, ok: false, corrupt: `decoder failed: ${why}` }
          : ({ id: job.id, ok: false, bytesRead: 0, error: `decoder failed: ${why}` } as DecodeOutcome);
    }
    port.postMessage(outcome, outcomeTransfers(outcome));
  });
});

// Tells the pool that the module graph loaded (a missing loader or bad bundle fails before this).
port.postMessage({ ready: true });
