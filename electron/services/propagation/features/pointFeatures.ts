import { attribute, type Scan } from '../../scans/model';
import { boundsOf, cellSizeForOccupancy, gridAt, type VoxelGrid } from '../spatial/grid';
import { cellShapes, type CellShape } from './eigen';
import { groundFilter, type GroundOptions, type GroundResult } from '../../geometry/ground';
import { pointNormals } from './normals';

/** Row-major per-point feature matrix: values[p * dim + f]. */
export interface PointFeatures {
  pointCount: number;
  dim: number;
  names: string[];
  values: Float32Array;
  /** Unit normals (z >= 0), 3 per point, finest scale. */
  normals: Float32Array;
  ground: Uint8Array;
  heightAboveGround: Float32Array;
  /** Edge of the finest voxel grid: the neighbourhood scale superpoints are grown on. */
  cellSize: number;
}

export interface FeatureOptions {
  /** Points per occupied cell at the finest scale (sets the neighbourhood size). Default 6. */
  perCell?: number;
  /** Number of doubling scales. Default 3. */
  scales?: number;
  ground?: GroundOptions;
}

/** What computeFeatures also hands to the superpoint builder, so it does not rebuild the grid. */
export interface FeatureContext {
  fineGrid: VoxelGrid;
  fineShape: CellShape;
}

const SHAPE_NAMES = ['linearity', 'planarity', 'scattering', 'verticality', 'axisVertical'] as const;

/**
 * Per-point features for the classifier: multi-scale eigen-features (linearity, planarity,
 * scattering, verticality, vertical principal axis at 3 doubling voxel scales), local density,
 * height above ground and the ground flag, colour, intensity and return numbers. Missing
 * attributes are constant columns (the trees never split on them). Computed once per scan.
 */
export function computeFeatures(scan: Pick<Scan, 'positions' | 'pointCount' | 'attributes'>, options: FeatureOptions = {}): PointFeatures & { context: FeatureContext } {
  const n = scan.pointCount;
  const positions = scan.positions;
  const bounds = boundsOf(positions);
  const fine = cellSizeForOccupancy(positions, bounds, options.perCell ?? 6);
  const scales = options.scales ?? 3;

  const names: string[] = [];
  for (let s = 0; s < scales; s++) for (const k of SHAPE_NAMES) names.push(`${k}@${1 << s}`);
  names.push('density', 'heightAboveGround', 'ground', 'red', 'green', 'blue', 'intensity', 'returnRatio', 'returns');
  const dim = names.length;
  const values = new Float32Array(n * dim);

  let fineGrid: VoxelGrid | null = null;
  let fineShape: CellShape | null = null;
  for (let s = 0; s < scales; s++) {
    const grid = gridAt(positions, bounds, fine * (1 << s));
    const shape = cellShapes(grid, positions);
    const cols = SHAPE_NAMES.map((k) => shape[k]);
    const cellOf = grid.cellOfPoint;
    const base = s * SHAPE_NAMES.length;
    for (let p = 0; p < n; p++) {
      const c = cellOf[p]!;
      const o = p * dim + base;
      for (let k = 0; k < cols.length; k++) values[o + k] = cols[k]![c]!;
    }
    if (s === 0) {
      fineGrid = grid;
      fineShape = shape;
    }
  }
  if (!fineGrid || !fineShape) throw new Error('computeFeatures needs at least one scale');

  const g: GroundResult = groundFilter(positions, options.ground);
  const col = scales * SHAPE_NAMES.length;
  const color = normalizedColor(scan);
  const intensity = normalizedIntensity(scan);
  const ret = attribute(scan as Scan, 'return_number')?.values;
  const nret = attribute(scan as Scan, 'number_of_returns')?.values;
  const cellOf = fineGrid.cellOfPoint;
  for (let p = 0; p < n; p++) {
    const o = p * dim + col;
    values[o] = Math.log1p(fineShape.count[cellOf[p]!]!);
    values[o + 1] = g.heightAboveGround[p]!;
    values[o + 2] = g.ground[p]!;
    if (color) {
      values[o + 3] = color[p * 3]!;
      values[o + 4] = color[p * 3 + 1]!;
      values[o + 5] = color[p * 3 + 2]!;
    }
    if (intensity) values[o + 6] = intensity[p]!;
    if (ret && nret) {
      const r = Math.max(1, nret[p]!);
      values[o + 7] = ret[p]! / r;
      values[o + 8] = r;
    }
  }
  return {
    pointCount: n,
    dim,
    names,
    values,
    normals: pointNormals(fineGrid, fineShape, n),
    ground: g.ground,
    heightAboveGround: g.heightAboveGround,
    cellSize: fine,
    context: { fineGrid, fineShape },
  };
}

/** RGB in [0, 1], 3 per point; 16-bit LAS colour that only uses the low byte is treated as 8-bit. */
export function normalizedColor(scan: Pick<Scan, 'attributes' | 'pointCount'>): Float32Array | null {
  const a = attribute(scan as Scan, 'color') ?? attribute(scan as Scan, 'rgb');
  if (!a || a.components < 3) return null;
  let max = 0;
  for (let i = 0; i < a.values.length; i++) if (a.values[i]! > max) max = a.values[i]!;
  const scale = max <= 255 ? 255 : 65535;
  const out = new Float32Array(scan.pointCount * 3);
  for (let p = 0; p < scan.pointCount; p++)
    for (let k = 0; k < 3; k++) out[p * 3 + k] = a.values[p * a.components + k]! / scale;
  return out;
}

/** Intensity divided by its 99th percentile (sampled), so scanners with 8-, 12- or 16-bit ranges compare. */
function normalizedIntensity(scan: Pick<Scan, 'attributes' | 'pointCount'>): Float32Array | null {
  const a = attribute(scan as Scan, 'intensity');
  if (!a) return null;
  const n = scan.pointCount;
  const step = Math.max(1, Math.floor(n / 10_000));
  const sample: number[] = [];
  for (let p = 0; p < n; p += step) sample.push(a.values[p]!);
  sample.sort((x, y) => x - y);
  const p99 = Math.max(1e-6, sample[Math.floor(sample.length * 0.99)] ?? 1);
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) out[p] = Math.min(2, a.values[p]! / p99);
  return out;
}
