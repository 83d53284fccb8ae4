import { describe, expect, it } from 'vitest';
import {
  buildVoxelIndex,
  errorComponents,
  footprintSpacing,
  medianSpacing,
  VOXEL_SPACING_FACTOR,
  voxelSizeFor,
} from '../../../electron/services/eval/protocol/components';

/** Deterministic uniform [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A sparse, clumpy tile like IGN's append-bug.laz: a 300 x 300 tile where only four 8 x 8
 * patches hold points, and there the returns come in tight clumps of three (0.03 apart) on a 0.3
 * lattice. Nearest neighbours see the clumps, not the lattice.
 */
function clumpyTile(): { positions: Float32Array; patchOf: Int32Array } {
  const rand = rng(3);
  const pts: number[] = [];
  const patch: number[] = [];
  const corners = [
    [10, 10],
    [200, 40],
    [60, 250],
    [260, 270],
  ];
  corners.forEach(([cx, cy], k) => {
    for (let y = 0; y < 8; y += 0.3)
      for (let x = 0; x < 8; x += 0.3)
        for (let r = 0; r < 3; r++) {
          pts.push(cx! + x + rand() * 0.03, cy! + y + rand() * 0.03, 0.1 * Math.sin(x) + rand() * 0.03);
          patch.push(k);
        }
  });
  // The tile's corners, so the extent is the tile.
  pts.push(0, 0, 0, 300, 300, 0);
  patch.push(-1, -1);
  return { positions: Float32Array.from(pts), patchOf: Int32Array.from(patch) };
}

/** An evenly sampled surface: a jittered 0.5 lattice. */
function evenTile(): Float32Array {
  const rand = rng(5);
  const pts: number[] = [];
  for (let y = 0; y < 40; y += 0.5) for (let x = 0; x < 40; x += 0.5) pts.push(x + rand() * 0.1, y + rand() * 0.1, rand() * 0.1);
  return Float32Array.from(pts);
}

describe('protocol voxel size', () => {
  it('on a clumpy sparse tile, one patch is one error region (nearest-neighbour spacing alone crumbles it)', () => {
    const { positions, patchOf } = clumpyTile();
    const nn = medianSpacing(positions);
    expect(nn).toBeLessThan(0.05);
    const size = voxelSizeFor(positions);
    expect(size).toBeGreaterThan(0.3); // above the clump lattice
    expect(size).toBeLessThan(3); // far below the gaps between patches
    const mask = Uint8Array.from(patchOf, (k) => (k === 0 ? 1 : 0));
    expect(errorComponents(buildVoxelIndex(positions, size), mask)).toHaveLength(1);
    expect(errorComponents(buildVoxelIndex(positions, nn * VOXEL_SPACING_FACTOR), mask).length).toBeGreaterThan(20);
    // Two patches stay two regions.
    const two = Uint8Array.from(patchOf, (k) => (k === 0 || k === 1 ? 1 : 0));
    expect(errorComponents(buildVoxelIndex(positions, size), two)).toHaveLength(2);
  });

  it('on an evenly sampled scan the voxel stays 2.5 nearest-neighbour spacings', () => {
    const positions = evenTile();
    const nn = medianSpacing(positions);
    expect(footprintSpacing(positions)).toBeLessThan(nn * 1.2);
    expect(voxelSizeFor(positions)).toBeCloseTo(nn * VOXEL_SPACING_FACTOR, 6);
  });

  it('footprint spacing is 0 for a degenerate scan', () => {
    expect(footprintSpacing(Float32Array.from([1, 2, 3]))).toBe(0);
    expect(footprintSpacing(Float32Array.from([1, 2, 3, 1, 5, 3]))).toBe(0);
  });
});
