import type { Scan } from '../scans/model';
import { computeFeatures, normalizedColor, type FeatureOptions } from './features/pointFeatures';
import { LOCAL_HEIGHT_NAMES, localHeightColumns } from './features/localHeight';
import { quantizeRows, type QuantizedRows } from './features/quantizedRows';
import { edgeAffinity, segmentFeatures, type SegmentFeatures } from './segmentFeatures';
import { buildSuperpoints, type SuperpointOptions, type Superpoints } from './superpoints';

/**
 * Everything propagation needs that depends only on the scan, not on labels: computed once (a job
 * at import or on first use, cached in the project by featureCache.ts) and reused after every edit.
 */
export interface PreparedScan {
  pointCount: number;
  superpoints: Superpoints;
  segments: SegmentFeatures;
  /** Per CSR edge of the superpoint graph. */
  affinity: Float32Array;
  /** Per point, from the ground filter (the "label ground" tool reads it). */
  ground: Uint8Array;
  heightAboveGround: Float32Array;
  /** Per-point feature rows, one byte per value, for the per-point classifier (pointClassifier.ts). */
  pointRows: QuantizedRows;
}

export interface PrepareOptions {
  features?: FeatureOptions;
  superpoints?: SuperpointOptions;
  /** Called between stages with a 0..1 fraction and the stage name. */
  onProgress?: (fraction: number, stage: string) => void;
}

export function prepareScan(scan: Pick<Scan, 'positions' | 'pointCount' | 'attributes'>, options: PrepareOptions = {}): PreparedScan {
  options.onProgress?.(0, 'features');
  const points = computeFeatures(scan, options.features);
  options.onProgress?.(0.6, 'superpoints');
  const superpoints = buildSuperpoints(
    { positions: scan.positions, grid: points.context.fineGrid, shape: points.context.fineShape, color: normalizedColor(scan), ground: points.ground },
    options.superpoints,
  );
  options.onProgress?.(0.9, 'segment features');
  const segments = segmentFeatures(scan.positions, points, superpoints);
  const affinity = edgeAffinity(segments, superpoints);
  // The point classifier also sees each point's height against its plan neighbourhood (1 and 4 cells).
  const localScales = [1, 4];
  const local = localHeightColumns(scan.positions, points.cellSize, localScales);
  const pointRows = quantizeRows(points.values, scan.pointCount, points.dim, points.names, local, LOCAL_HEIGHT_NAMES(localScales));
  options.onProgress?.(1, 'done');
  return { pointCount: scan.pointCount, superpoints, segments, affinity, ground: points.ground, heightAboveGround: points.heightAboveGround, pointRows };
}
