import type { Vec3 } from '../../../../common/geometry/camera';
import { addShiftedMoments } from '../../../../common/geometry/moments';
import { VoxelGrid } from '../spatial/voxelGrid';
import { heightAboveGround, type GroundOptions } from '../../geometry/ground';
import { smallestEigenvector } from './eigen';
import type { PointChunk, PointSource } from './pointSource';

export interface SceneGeometryOptions {
  /** Voxel edge in scan units; default chosen so an occupied cell holds ~TARGET_PER_CELL points. */
  cellSize?: number;
  ground?: GroundOptions | false;
  /** Exact per-element normals (mesh faces) instead of plane fits; original order, 3 per element. */
  normals?: Float32Array;
  /** Height above the terrain per element (original order), when the caller has a terrain model (an octree source's). */
  hag?: Float32Array;
}

const TARGET_PER_CELL = 12;

/**
 * Everything the click engine derives once per scan from its points (or face centroids for
 * meshes): the voxel index, normals (plane fit over each cell's 27-neighbourhood), point spacing
 * (splat size) and height above the terrain. Built in O(n); ~1 s for 1M points on one core.
 * Arrays are held in voxel order so renders and neighbour queries read memory sequentially, and
 * the per-point ones live in shared memory so render workers read them without a copy.
 */
export class SceneGeometry implements PointSource {
  readonly grid: VoxelGrid;
  readonly pointCount: number;
  /** All in sorted (voxel) order. */
  readonly positions: Float32Array;
  readonly colors: Uint8Array | null;
  readonly normals: Float32Array;
  readonly spacing: Float32Array;
  readonly hag: Float32Array | null;
  /** Per cell: unit normal, planarity (0 = scattered, 1 = flat) and mean colour. */
  readonly cellNormal: Float32Array;
  readonly cellPlanarity: Float32Array;
  /** Per cell: median-ish height above ground (mean of its points), NaN without a terrain model. */
  readonly cellHag: Float32Array;
  /** original index -> sorted index */
  readonly sortedIndexOf: Uint32Array;
  private readonly chunk: PointChunk;

  constructor(positions: Float32Array, colors: Uint8Array | null, options: SceneGeometryOptions = {}) {
    const n = positions.length / 3;
    this.pointCount = n;
    const bounds = boundsOf(positions);
    const cellSize = options.cellSize ?? chooseCellSize(positions, bounds);
    this.grid = new VoxelGrid(positions, cellSize, bounds.min);
    const order = this.grid.order;
    this.sortedIndexOf = new Uint32Array(n);
    for (let s = 0; s < n; s++) this.sortedIndexOf[order[s]!] = s;
    this.positions = gather(positions, order, 3) as Float32Array;
    this.colors = colors ? (gather(colors, order, 3) as Uint8Array) : null;
    const hagOriginal = options.hag ?? (options.ground === false ? null : heightAboveGround(positions, options.ground ?? {}));
    this.hag = hagOriginal ? (gather(hagOriginal, order, 1) as Float32Array) : null;

    const cells = this.grid.cellCount;
    this.cellNormal = new Float32Array(cells * 3);
    this.cellPlanarity = new Float32Array(cells);
    const cellSpacing = new Float32Array(cells);
    this.fitCells(cellSpacing);
    this.normals = sharedFloat32(n * 3);
    this.spacing = sharedFloat32(n);
    const start = this.grid.cellStart;
    for (let c = 0; c < cells; c++) {
      for (let s = start[c]!; s < start[c + 1]!; s++) {
        this.normals[s * 3] = this.cellNormal[c * 3]!;
        this.normals[s * 3 + 1] = this.cellNormal[c * 3 + 1]!;
        this.normals[s * 3 + 2] = this.cellNormal[c * 3 + 2]!;
        this.spacing[s] = cellSpacing[c]!;
      }
    }
    this.cellHag = new Float32Array(cells).fill(NaN);
    if (this.hag)
      for (let c = 0; c < cells; c++) {
        let sum = 0;
        for (let s = start[c]!; s < start[c + 1]!; s++) sum += this.hag[s]!;
        this.cellHag[c] = sum / (start[c + 1]! - start[c]!);
      }
    if (options.normals) for (let s = 0; s < n; s++) for (let k = 0; k < 3; k++) this.normals[s * 3 + k] = options.normals[order[s]! * 3 + k]!;
    this.chunk = { ids: order, positions: this.positions, colors: this.colors, normals: this.normals, spacing: this.spacing, heightAboveGround: this.hag, geometryOrder: true };
  }

  /** Plane fit per cell from the moments of its 27-cell neighbourhood. */
  private fitCells(cellSpacing: Float32Array) {
    const g = this.grid;
    const cells = g.cellCount;
    // Per-cell moments: count, sum x y z, sum xx xy xz yy yz zz (relative to the cell corner to keep float error small).
    const m = new Float64Array(cells * 10);
    for (let c = 0; c < cells; c++) {
      const ox = g.min[0] + g.cellI[c]! * g.cellSize;
      const oy = g.min[1] + g.cellJ[c]! * g.cellSize;
      const oz = g.min[2] + g.cellK[c]! * g.cellSize;
      for (let s = g.cellStart[c]!; s < g.cellStart[c + 1]!; s++) {
        const x = this.positions[s * 3]! - ox;
        const y = this.positions[s * 3 + 1]! - oy;
        const z = this.positions[s * 3 + 2]! - oz;
        const o = c * 10;
        m[o]! += 1;
        m[o + 1]! += x;
        m[o + 2]! += y;
        m[o + 3]! += z;
        m[o + 4]! += x * x;
        m[o + 5]! += x * y;
        m[o + 6]! += x * z;
        m[o + 7]! += y * y;
        m[o + 8]! += y * z;
        m[o + 9]! += z * z;
      }
    }
    const acc = new Float64Array(10);
    const cov = new Float64Array(6);
    const out = new Float64Array(4);
    const cs = g.cellSize;
    for (let c = 0; c < cells; c++) {
      acc.fill(0);
      const ci = g.cellI[c]!;
      const cj = g.cellJ[c]!;
      const ck = g.cellK[c]!;
      g.forEachNeighbourCell(c, (nb) => {
        // Shift the neighbour's moments into this cell's frame: x' = x + d.
        const dx = (g.cellI[nb]! - ci) * cs;
        const dy = (g.cellJ[nb]! - cj) * cs;
        const dz = (g.cellK[nb]! - ck) * cs;
        addShiftedMoments(acc, m, nb, dx, dy, dz);
      });
      const w = acc[0]!;
      const mx = acc[1]! / w;
      const my = acc[2]! / w;
      const mz = acc[3]! / w;
      cov[0] = acc[4]! / w - mx * mx;
      cov[1] = acc[5]! / w - mx * my;
      cov[2] = acc[6]! / w - mx * mz;
      cov[3] = acc[7]! / w - my * my;
      cov[4] = acc[8]! / w - my * mz;
      cov[5] = acc[9]! / w - mz * mz;
      smallestEigenvector(cov, out);
      if (w < 3) {
        out[0] = 0;
        out[1] = 0;
        out[2] = 1;
        out[3] = 0;
      }
      this.cellNormal[c * 3] = out[0]!;
      this.cellNormal[c * 3 + 1] = out[1]!;
      this.cellNormal[c * 3 + 2] = out[2]!;
      this.cellPlanarity[c] = out[3]!;
      // A surface crossing a 3x3x3 block covers roughly (3 * cell)^2 of area.
      cellSpacing[c] = (3 * cs) / Math.sqrt(Math.max(1, w));
    }
  }

  visitNear(center: Vec3, radius: number, visit: (chunk: PointChunk, start: number, end: number) => void): void {
    for (const b of this.grid.blocksInSphere(center, radius)) visit(this.chunk, this.grid.blockStart[b]!, this.grid.blockStart[b + 1]!);
  }

  /** Slot (voxel-order index) of an original point index. */
  slotOf(id: number): number {
    return this.sortedIndexOf[id]!;
  }

  /** Position of an original point index. */
  position(id: number): Vec3 {
    const s = this.sortedIndexOf[id]!;
    return [this.positions[s * 3]!, this.positions[s * 3 + 1]!, this.positions[s * 3 + 2]!];
  }

  normal(id: number): Vec3 {
    const s = this.sortedIndexOf[id]!;
    return [this.normals[s * 3]!, this.normals[s * 3 + 1]!, this.normals[s * 3 + 2]!];
  }
}

function boundsOf(p: Float32Array): { min: [number, number, number]; max: [number, number, number] } {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3)
    for (let k = 0; k < 3; k++) {
      const v = p[i + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  if (p.length === 0) return { min: [0, 0, 0], max: [1, 1, 1] };
  return { min, max };
}

/**
 * Scanned surfaces are 2D: points per cell grow with the square of the cell size. Measure the mean
 * occupancy at a first guess and correct once.
 */
function chooseCellSize(positions: Float32Array, b: { min: number[]; max: number[] }): number {
  const n = positions.length / 3;
  const extent = Math.max(b.max[0]! - b.min[0]!, b.max[1]! - b.min[1]!, b.max[2]! - b.min[2]!, 1e-6);
  let size = extent / 64;
  const sample = Math.min(n, 200_000);
  const step = Math.max(1, Math.floor(n / sample));
  for (let iter = 0; iter < 2; iter++) {
    const seen = new Set<number>();
    let k = 0;
    for (let p = 0; p < n; p += step, k++) {
      const i = Math.floor((positions[p * 3]! - b.min[0]!) / size);
      const j = Math.floor((positions[p * 3 + 1]! - b.min[1]!) / size);
      const l = Math.floor((positions[p * 3 + 2]! - b.min[2]!) / size);
      seen.add((i * 73856093) ^ (j * 19349663) ^ (l * 83492791));
    }
    const perCell = (k * step) / Math.max(1, seen.size);
    size *= Math.sqrt(TARGET_PER_CELL / Math.max(1e-3, perCell));
    size = Math.max(size, extent / 100_000);
  }
  return size;
}

function sharedFloat32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

/** src reordered by `order` (k components per element), into shared memory. */
function gather<T extends Float32Array | Uint8Array>(src: T, order: Uint32Array, k: number): T {
  const out = new (src.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(order.length * k * src.BYTES_PER_ELEMENT));
  for (let s = 0; s < order.length; s++) {
    const p = order[s]! * k;
    for (let c = 0; c < k; c++) out[s * k + c] = src[p + c]!;
  }
  return out;
}
