import { parentPort } from 'node:worker_threads';
import { sharedPointSource, type SharedSceneData } from './sharedScene';
import { outcomeTransferables, runViewJob, type ViewJob } from './viewJob';
import { renderMesh, renderPoints } from './viewRenderer';
import type { PointSource } from '../scene/pointSource';

/**
 * Render-worker entry: holds the point scenes it was sent (shared memory, posted once per scene)
 * and renders (and, for the built-in segmenter, segments) one view per message. Started by
 * renderPool.ts, from dist/workers/renderWorker.js in a build or from this source through tsx.
 */
export type RenderRequest =
  | { type: 'scene'; key: number; data: SharedSceneData }
  | { type: 'drop'; key: number }
  | { type: 'view'; id: number; key: number; job: ViewJob };

export type RenderResponse = { id: number; ok: true; outcome: ReturnType<typeof runViewJob> } | { id: number; ok: false; message: string };

const port = parentPort;
if (!port) throw new Error('renderWorker must run in a worker thread');

/** A point scene, or a mesh scene's face-centroid source with its triangles. */
const scenes = new Map<number, { source: PointSource; data: SharedSceneData }>();

port.on('message', (m: RenderRequest) => {
  if (m.type === 'scene') scenes.set(m.key, { source: sharedPointSource(m.data), data: m.data });
  else if (m.type === 'drop') scenes.delete(m.key);
  else {
    try {
      const scene = scenes.get(m.key);
      if (!scene) throw new Error(`scene ${m.key} was not sent to this worker`);
      const { source, data } = scene;
      const mesh = data.mesh;
      const options = (job: ViewJob) => ({ cull: job.cull, pointBudget: job.pointBudget });
      const outcome = runViewJob(
        (job) => (mesh ? renderMesh(source, data.cellSize, mesh.mesh, mesh.faceHag, job.camera, options(job)) : renderPoints(source, job.camera, options(job))),
        m.job,
      );
      port.postMessage({ id: m.id, ok: true, outcome } satisfies RenderResponse, outcomeTransferables(outcome));
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies RenderResponse);
    }
  }
});

// Tells the launcher that the module graph loaded (a missing loader or bad bundle fails before this).
port.postMessage({ ready: true });
