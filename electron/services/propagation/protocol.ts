import type { ScanAttribute } from '../scans/model';
import type { PrepareOptions, PreparedScan } from './prepare';
import type { PropagationInput, PropagationResult } from './propagate';
import type { ForestOptions } from './classifier/extraTrees';
import type { SmoothingOptions } from './smoothing';

/** Messages between PropagationEngine and propagationWorker. */
export type WorkerRequest =
  | { id: number; type: 'prepare'; positions: Float32Array; pointCount: number; attributes: ScanAttribute[]; options: Omit<PrepareOptions, 'onProgress'> }
  | { id: number; type: 'load'; prepared: PreparedScan }
  | {
      id: number;
      type: 'propagate';
      userLabels: Uint16Array;
      locked: Uint8Array | null;
      forest?: ForestOptions;
      smoothing?: SmoothingOptions;
      pointClassifier?: PropagationInput['pointClassifier'];
    };

export type WorkerSuccess =
  | { id: number; ok: true; type: 'prepare'; prepared: PreparedScan }
  | { id: number; ok: true; type: 'load' }
  | { id: number; ok: true; type: 'propagate'; result: PropagationResult; ms: number };
export type WorkerFailure = { id: number; ok: false; message: string };
export type WorkerProgress = { progress: number; stage: string };
export type WorkerResponse = WorkerSuccess | WorkerFailure | WorkerProgress;
