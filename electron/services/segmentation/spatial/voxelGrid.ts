import { CellHash } from './cellHash';

/** Fine cells are grouped into blocks of BLOCK^3 cells; blocks are the unit of view culling. */
const BLOCK_SHIFT = 4;
const BLOCK = 1 << BLOCK_SHIFT;

/**
 * A sparse two-level voxel index over a point set: points are reordered so that every block
 * (16^3 cells) and every cell within it is one contiguous range. Cells answer neighbour queries
 * (refinement, normals); blocks answer "what lies near this sphere" for the view renderer with a few
 * hundred lookups instead of millions of empty cells.
 *
 * Hand-written rather than an npm k-d tree: the queries here are fixed-radius and cell-granular
 * (27-cell neighbourhoods, sphere culls), for which a counting-sorted grid is both faster to build
 * (two O(n) passes for 1M points) and to query, and it doubles as the per-cell aggregation grid.
 */
export class VoxelGrid {
  /** sorted index -> original point index */
  readonly order: Uint32Array;
  /** cell c covers sorted range [cellStart[c], cellStart[c + 1]) */
  readonly cellStart: Int32Array;
  readonly cellI: Int32Array;
  readonly cellJ: Int32Array;
  readonly cellK: Int32Array;
  /** block b covers sorted range [blockStart[b], blockStart[b + 1]) */
  readonly blockStart: Int32Array;
  readonly blockI: Int32Array;
  readonly blockJ: Int32Array;
  readonly blockK: Int32Array;
  /** cell of each original point */
  readonly cellOfPoint: Int32Array;
  /** cell of each sorted index (slot) */
  readonly cellOfSlot: Int32Array;
  private readonly cells: CellHash;

  constructor(
    positions: Float32Array,
    readonly cellSize: number,
    readonly min: [number, number, number],
  ) {
    const n = positions.length / 3;
    const inv = 1 / cellSize;
    const ci = new Int32Array(n);
    const cj = new Int32Array(n);
    const ck = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      ci[p] = Math.floor((positions[p * 3]! - min[0]) * inv);
      cj[p] = Math.floor((positions[p * 3 + 1]! - min[1]) * inv);
      ck[p] = Math.floor((positions[p * 3 + 2]! - min[2]) * inv);
    }
    // Dense block ids in first-seen order, then an LSD radix sort: by local cell, then by block.
    const blocks = new CellHash(1024);
    const blockOf = new Int32Array(n);
    const local = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      blockOf[p] = blocks.getOrInsert(ci[p]! >> BLOCK_SHIFT, cj[p]! >> BLOCK_SHIFT, ck[p]! >> BLOCK_SHIFT, blocks.size);
      local[p] = ((ck[p]! & (BLOCK - 1)) << (2 * BLOCK_SHIFT)) | ((cj[p]! & (BLOCK - 1)) << BLOCK_SHIFT) | (ci[p]! & (BLOCK - 1));
    }
    const byLocal = countingSort(local, BLOCK * BLOCK * BLOCK, null);
    const sorted = countingSort(blockOf, blocks.size, byLocal);
    this.order = sorted;

    // Walk the sorted order once to find block and cell boundaries.
    const cellStart: number[] = [];
    const blockStart: number[] = [];
    const cI: number[] = [];
    const cJ: number[] = [];
    const cK: number[] = [];
    const bI: number[] = [];
    const bJ: number[] = [];
    const bK: number[] = [];
    this.cellOfPoint = new Int32Array(n);
    this.cellOfSlot = new Int32Array(n);
    let prevBlock = -1;
    let prevLocal = -1;
    for (let s = 0; s < n; s++) {
      const p = sorted[s]!;
      const b = blockOf[p]!;
      const l = local[p]!;
      if (b !== prevBlock) {
        blockStart.push(s);
        bI.push(ci[p]! >> BLOCK_SHIFT);
        bJ.push(cj[p]! >> BLOCK_SHIFT);
        bK.push(ck[p]! >> BLOCK_SHIFT);
      }
      if (b !== prevBlock || l !== prevLocal) {
        cellStart.push(s);
        cI.push(ci[p]!);
        cJ.push(cj[p]!);
        cK.push(ck[p]!);
      }
      this.cellOfPoint[p] = cellStart.length - 1;
      this.cellOfSlot[s] = cellStart.length - 1;
      prevBlock = b;
      prevLocal = l;
    }
    cellStart.push(n);
    blockStart.push(n);
    this.cellStart = Int32Array.from(cellStart);
    this.blockStart = Int32Array.from(blockStart);
    this.cellI = Int32Array.from(cI);
    this.cellJ = Int32Array.from(cJ);
    this.cellK = Int32Array.from(cK);
    this.blockI = Int32Array.from(bI);
    this.blockJ = Int32Array.from(bJ);
    this.blockK = Int32Array.from(bK);
    this.cells = new CellHash(cI.length);
    for (let c = 0; c < cI.length; c++) this.cells.getOrInsert(cI[c]!, cJ[c]!, cK[c]!, c);
  }

  get cellCount(): number {
    return this.cellI.length;
  }

  get blockCount(): number {
    return this.blockI.length;
  }

  /** Cell index at integer coordinates, -1 if empty. */
  cellAt(i: number, j: number, k: number): number {
    return this.cells.get(i, j, k);
  }

  /** Cell index containing a point, -1 if that cell holds no points. */
  cellContaining(x: number, y: number, z: number): number {
    const inv = 1 / this.cellSize;
    return this.cells.get(
      Math.floor((x - this.min[0]) * inv),
      Math.floor((y - this.min[1]) * inv),
      Math.floor((z - this.min[2]) * inv),
    );
  }

  /** Calls visit(c) for each non-empty cell among the 27 around cell `c` (itself included). */
  forEachNeighbourCell(c: number, visit: (n: number) => void): void {
    const i = this.cellI[c]!;
    const j = this.cellJ[c]!;
    const k = this.cellK[c]!;
    for (let dk = -1; dk <= 1; dk++)
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const n = this.cells.get(i + di, j + dj, k + dk);
          if (n >= 0) visit(n);
        }
  }

  /** Blocks whose box intersects the sphere; returns block indices. */
  blocksInSphere(center: readonly number[], radius: number): number[] {
    return blocksInSphere(this, this.min, this.cellSize, center, radius);
  }
}

/**
 * Blocks (given by their integer coordinates) whose box intersects the sphere. A free function so
 * render workers answer the same query over shared copies of the block arrays.
 */
export function blocksInSphere(
  blocks: { blockI: Int32Array; blockJ: Int32Array; blockK: Int32Array },
  min: readonly number[],
  cellSize: number,
  center: readonly number[],
  radius: number,
): number[] {
  const size = cellSize * BLOCK;
  const out: number[] = [];
  const r2 = radius * radius;
  const { blockI, blockJ, blockK } = blocks;
  for (let b = 0; b < blockI.length; b++) {
    // Squared distance from the sphere centre to the block's box.
    let d2 = 0;
    for (let a = 0; a < 3; a++) {
      const c = center[a]!;
      const l = min[a]! + (a === 0 ? blockI[b]! : a === 1 ? blockJ[b]! : blockK[b]!) * size;
      const d = c < l ? l - c : c > l + size ? c - l - size : 0;
      d2 += d * d;
    }
    if (d2 <= r2) out.push(b);
  }
  return out;
}

/** Stable counting sort of indices by integer key in [0, range); sorts `input` order (or 0..n-1). */
function countingSort(keys: Int32Array, range: number, input: Uint32Array | null): Uint32Array {
  const n = keys.length;
  const count = new Int32Array(range + 1);
  for (let p = 0; p < n; p++) count[keys[p]! + 1]!++;
  for (let r = 0; r < range; r++) count[r + 1]! += count[r]!;
  const out = new Uint32Array(n);
  for (let s = 0; s < n; s++) {
    const p = input ? input[s]! : s;
    out[count[keys[p]!]!++] = p;
  }
  return out;
}
