import type { CellGrid, GridKey } from './gridKey';
import { RECORD_WORDS, type Records } from './records';

/**
 * Pass 1 counts points per cell of a fine (2^bits)^3 grid aligned with the octree; the counts then
 * decide the chunks: the largest octree nodes holding at most `maxChunkPoints` points (or single
 * grid cells, when one cell alone is larger). Chunks are the unit of spilling and of parallel work.
 */
export class CellCounts {
  readonly counts: Uint32Array;
  readonly grid: CellGrid;

  /** `counts` may be given (shared, for workers to count into); it starts at zero. */
  constructor(
    key: GridKey,
    readonly bits: number,
    counts?: Uint32Array,
  ) {
    this.counts = counts ?? new Uint32Array(8 ** bits);
    this.grid = key.cells(bits);
  }

  addPositions(positions: Float32Array, count: number): void {
    const { grid, counts } = this;
    for (let i = 0; i < count; i++) counts[grid.cell(positions[i * 3]!, positions[i * 3 + 1]!, positions[i * 3 + 2]!)]!++;
  }

  addRecords(records: Records): void {
    const { grid, counts } = this;
    const f32 = records.f32;
    for (let i = 0; i < records.count; i++) {
      const w = i * RECORD_WORDS;
      counts[grid.cell(f32[w]!, f32[w + 1]!, f32[w + 2]!)]!++;
    }
  }
}

/** Grid resolution for a scan size: finer grids cost memory (4 bytes a cell) but allow smaller chunks. */
export function countingGridBits(pointCount: number): number {
  return pointCount > 8_000_000 ? 7 : pointCount > 500_000 ? 6 : 5;
}

export interface Chunk {
  name: string;
  pointCount: number;
}

export interface ChunkPlan {
  chunks: Chunk[];
  /** Chunk number per grid cell (-1 for empty cells); on a SharedArrayBuffer, which workers read in place. */
  cellChunk: Int32Array;
  bits: number;
}

export function planChunks(cells: CellCounts, maxChunkPoints: number): ChunkPlan {
  const { bits, counts } = cells;
  // pyramid[l] holds the counts of the 8^l nodes at level l, x fastest; the finest level is the
  // counts themselves (a copy would be 8 bytes a cell, 16 MB at 128^3). A node holds at most
  // 2^32 - 1 points (the index is uint32), so only coarser levels may need doubles.
  const pyramid: (Float64Array | Uint32Array)[] = new Array(bits + 1);
  pyramid[bits] = counts;
  for (let l = bits - 1; l >= 0; l--) {
    const finer = pyramid[l + 1]!;
    const side = 2 ** l;
    const fineSide = side * 2;
    const level = new Float64Array(side ** 3);
    for (let z = 0; z < fineSide; z++)
      for (let y = 0; y < fineSide; y++)
        for (let x = 0; x < fineSide; x++)
          level[(x >> 1) + (y >> 1) * side + (z >> 1) * side * side]! += finer[x + y * fineSide + z * fineSide * fineSide]!;
    pyramid[l] = level;
  }
  const chunks: Chunk[] = [];
  const cellChunk = new Int32Array(new SharedArrayBuffer(counts.length * 4)).fill(-1);
  const fineSide = 2 ** bits;
  const visit = (level: number, x: number, y: number, z: number, name: string) => {
    const side = 2 ** level;
    const count = pyramid[level]![x + y * side + z * side * side]!;
    if (count === 0) return;
    if (count <= maxChunkPoints || level === bits) {
      const id = chunks.length;
      chunks.push({ name, pointCount: count });
      const span = 2 ** (bits - level);
      for (let dz = 0; dz < span; dz++)
        for (let dy = 0; dy < span; dy++)
          for (let dx = 0; dx < span; dx++)
            cellChunk[x * span + dx + (y * span + dy) * fineSide + (z * span + dz) * fineSide * fineSide] = id;
      return;
    }
    for (let o = 0; o < 8; o++) visit(level + 1, x * 2 + ((o >> 2) & 1), y * 2 + ((o >> 1) & 1), z * 2 + (o & 1), name + o);
  };
  visit(0, 0, 0, 0, 'r');
  return { chunks, cellChunk, bits };
}

/** The order chunks are indexed in: largest first, so the last chunk to finish is a small one. */
export function loadOrder(plan: ChunkPlan): number[] {
  return plan.chunks.map((_, i) => i).sort((a, b) => plan.chunks[b]!.pointCount - plan.chunks[a]!.pointCount);
}
