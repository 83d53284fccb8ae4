import { parentPort } from 'node:worker_threads';
import { indexChunk, IndexingContext, transferables, type WorkerRequest, type WorkerResponse } from './chunkIndexing';
import { runSliceTask, sliceTransferables } from './scanSlices';

/**
 * Worker-thread entry: indexes one chunk, or runs one pass over a slice of a shared in-memory scan,
 * per message. Started by octreeWorkers.ts, from dist/workers/octreeWorker.js in a build or from
 * this source through tsx.
 */
const port = parentPort;
if (!port) throw new Error('octreeWorker must run in a worker thread');

const context = new IndexingContext();

port.on('message', (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    if ('slice' in request) {
      const result = runSliceTask(request.slice);
      response = { id: request.id, ok: true, result };
      port.postMessage(response, sliceTransferables(result));
    } else {
      const result = indexChunk(request, context);
      response = { id: request.id, ok: true, result };
      port.postMessage(response, transferables(result));
    }
  } catch (e) {
    response = { id: request.id, ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    port.postMessage(response);
  }
});

// Tells the launcher that the module graph loaded (a missing loader or bad bundle fails before this).
port.postMessage({ ready: true });
