import type { VoxelGrid } from '../spatial/grid';
import { addShiftedMoments } from '../../../../common/geometry/moments';
import { symmetricEigen3 } from './eigen3';

/** Shape descriptors of one neighbourhood scale, per voxel cell. */
export interface CellShape {
  /** (l1 - l2) / l1: wires, poles, trunks, edges. */
  linearity: Float32Array;
  /** (l2 - l3) / l1: roofs, facades, road. */
  planarity: Float32Array;
  /** l3 / l1: foliage, noise. */
  scattering: Float32Array;
  /** 1 - |n_z| of the plane normal: 0 on horizontal surfaces, 1 on walls. */
  verticality: Float32Array;
  /** |d_z| of the principal direction: 1 for poles and trunks, 0 for wires and kerbs. */
  axisVertical: Float32Array;
  /** Unit normal (smallest-eigenvalue vector, oriented z >= 0), 3 per cell. */
  normal: Float32Array;
  /** Points in the 27-cell neighbourhood. */
  count: Float32Array;
}

/**
 * First and second moments of each cell's points, relative to the cell's corner (keeps float64
 * cancellation error negligible): count, Σx, Σy, Σz, Σxx, Σxy, Σxz, Σyy, Σyz, Σzz.
 */
export function cellMoments(grid: VoxelGrid, positions: Float32Array): Float64Array {
  const cells = grid.cellCount;
  const m = new Float64Array(cells * 10);
  const { order, cellStart, cellI, cellJ, cellK, cellSize, min } = grid;
  for (let c = 0; c < cells; c++) {
    const ox = min[0] + cellI[c]! * cellSize;
    const oy = min[1] + cellJ[c]! * cellSize;
    const oz = min[2] + cellK[c]! * cellSize;
    const o = c * 10;
    for (let s = cellStart[c]!; s < cellStart[c + 1]!; s++) {
      const p = order[s]! * 3;
      const x = positions[p]! - ox;
      const y = positions[p + 1]! - oy;
      const z = positions[p + 2]! - oz;
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
  return m;
}

/**
 * Eigen-features of every cell's 27-cell neighbourhood. The neighbourhood covariance is summed
 * from per-cell moments shifted into the centre cell's frame, so a scale costs O(cells * 27)
 * instead of a kNN search per point; points then take their cell's values (superpoints average
 * them anyway). Several grids at doubling edges give the multi-scale descriptors.
 */
export function cellShapes(grid: VoxelGrid, positions: Float32Array): CellShape {
  const cells = grid.cellCount;
  const m = cellMoments(grid, positions);
  const shape: CellShape = {
    linearity: new Float32Array(cells),
    planarity: new Float32Array(cells),
    scattering: new Float32Array(cells),
    verticality: new Float32Array(cells),
    axisVertical: new Float32Array(cells),
    normal: new Float32Array(cells * 3),
    count: new Float32Array(cells),
  };
  const acc = new Float64Array(10);
  const cov = new Float64Array(6);
  const values = new Float64Array(3);
  const vectors = new Float64Array(9);
  const cs = grid.cellSize;
  let ci = 0;
  let cj = 0;
  let ck = 0;
  const add = (nb: number) => {
    const dx = (grid.cellI[nb]! - ci) * cs;
    const dy = (grid.cellJ[nb]! - cj) * cs;
    const dz = (grid.cellK[nb]! - ck) * cs;
    addShiftedMoments(acc, m, nb, dx, dy, dz);
  };
  for (let c = 0; c < cells; c++) {
    acc.fill(0);
    ci = grid.cellI[c]!;
    cj = grid.cellJ[c]!;
    ck = grid.cellK[c]!;
    grid.forEachNeighbourCell(c, add);
    const w = acc[0]!;
    shape.count[c] = w;
    if (w < 3) {
      // Too few points for a shape: call it scattered with an upward normal.
      shape.scattering[c] = 1;
      shape.normal[c * 3 + 2] = 1;
      continue;
    }
    const mx = acc[1]! / w;
    const my = acc[2]! / w;
    const mz = acc[3]! / w;
    cov[0] = acc[4]! / w - mx * mx;
    cov[1] = acc[5]! / w - mx * my;
    cov[2] = acc[6]! / w - mx * mz;
    cov[3] = acc[7]! / w - my * my;
    cov[4] = acc[8]! / w - my * mz;
    cov[5] = acc[9]! / w - mz * mz;
    symmetricEigen3(cov, values, vectors);
    const l1 = Math.max(values[0]!, 1e-12);
    shape.linearity[c] = (values[0]! - values[1]!) / l1;
    shape.planarity[c] = (values[1]! - values[2]!) / l1;
    shape.scattering[c] = values[2]! / l1;
    const s = vectors[8]! < 0 ? -1 : 1;
    shape.normal[c * 3] = s * vectors[6]!;
    shape.normal[c * 3 + 1] = s * vectors[7]!;
    shape.normal[c * 3 + 2] = s * vectors[8]!;
    shape.verticality[c] = 1 - Math.abs(vectors[8]!);
    shape.axisVertical[c] = Math.abs(vectors[2]!);
  }
  return shape;
}
