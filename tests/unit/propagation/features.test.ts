import { describe, expect, it } from 'vitest';
import { cellShapes } from '../../../electron/services/propagation/features/eigen';
import { symmetricEigen3 } from '../../../electron/services/propagation/features/eigen3';
import { boundsOf, cellSizeForOccupancy, gridAt } from '../../../electron/services/propagation/spatial/grid';
import { mulberry32 } from '../../../common/math/random';

describe('symmetricEigen3', () => {
  it('returns descending eigenvalues with unit eigenvectors that satisfy A v = l v', () => {
    const rand = mulberry32(3);
    const values = new Float64Array(3);
    const vectors = new Float64Array(9);
    for (let t = 0; t < 50; t++) {
      const c = [rand(), rand() - 0.5, rand() - 0.5, rand(), rand() - 0.5, rand()];
      const A = [
        [c[0]!, c[1]!, c[2]!],
        [c[1]!, c[3]!, c[4]!],
        [c[2]!, c[4]!, c[5]!],
      ];
      symmetricEigen3(c, values, vectors);
      expect(values[0]).toBeGreaterThanOrEqual(values[1]!);
      expect(values[1]).toBeGreaterThanOrEqual(values[2]!);
      for (let i = 0; i < 3; i++) {
        const v = [vectors[i * 3]!, vectors[i * 3 + 1]!, vectors[i * 3 + 2]!];
        expect(Math.hypot(...v)).toBeCloseTo(1, 9);
        if (values[i]! === 0) continue; // clamped negative: only check the positive spectrum
        for (let r = 0; r < 3; r++) expect(A[r]![0]! * v[0]! + A[r]![1]! * v[1]! + A[r]![2]! * v[2]!).toBeCloseTo(values[i]! * v[r]!, 9);
      }
    }
  });
});

describe('cellShapes', () => {
  /** A horizontal plane, a vertical line and a noise ball, far enough apart not to share cells. */
  function shapes() {
    const rand = mulberry32(9);
    const pts: number[] = [];
    for (let i = 0; i < 20_000; i++) pts.push(rand() * 20, rand() * 20, 0.002 * rand());
    for (let i = 0; i < 4_000; i++) pts.push(50 + 0.01 * rand(), 50 + 0.01 * rand(), rand() * 20);
    for (let i = 0; i < 20_000; i++) pts.push(100 + rand() * 4, 100 + rand() * 4, rand() * 4);
    const positions = Float32Array.from(pts);
    const bounds = boundsOf(positions);
    const grid = gridAt(positions, bounds, cellSizeForOccupancy(positions, bounds, 6));
    const shape = cellShapes(grid, positions);
    const meanOver = (from: number, to: number, a: Float32Array) => {
      let s = 0;
      for (let p = from; p < to; p++) s += a[grid.cellOfPoint[p]!]!;
      return s / (to - from);
    };
    return { shape, meanOver };
  }

  it('tells planes, lines and volumes apart and orients plane normals up', () => {
    const { shape, meanOver } = shapes();
    // (l2 - l3) / l1 of ~50-point neighbourhoods on a random plane: l2/l1 fluctuates around 0.7.
    const planePlanarity = meanOver(0, 20_000, shape.planarity);
    expect(planePlanarity).toBeGreaterThan(0.6);
    expect(planePlanarity).toBeGreaterThan(meanOver(20_000, 24_000, shape.planarity) + 0.4);
    expect(planePlanarity).toBeGreaterThan(meanOver(24_000, 44_000, shape.planarity) + 0.2);
    expect(meanOver(0, 20_000, shape.verticality)).toBeLessThan(0.05);
    expect(meanOver(20_000, 24_000, shape.linearity)).toBeGreaterThan(0.9);
    expect(meanOver(20_000, 24_000, shape.axisVertical)).toBeGreaterThan(0.95);
    expect(meanOver(24_000, 44_000, shape.scattering)).toBeGreaterThan(0.3);
    for (let c = 0; c < shape.count.length; c++) expect(shape.normal[c * 3 + 2]).toBeGreaterThanOrEqual(0);
  });
});
