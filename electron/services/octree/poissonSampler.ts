import { RECORD_WORDS } from './records';

/**
 * Poisson-disk subsampling of a node: walk the candidates in order and accept one only when no
 * accepted point lies closer than `spacing`. Accepted points are bucketed in a grid of cells two
 * spacings wide (the node is `divisor` spacings wide, so divisor/2 cells a side): a point within
 * `spacing` of the candidate can then only be in the candidate's cell or, per axis, the neighbour
 * on the side of the cell the candidate is nearer to, so 8 cells are visited instead of 27, and
 * the grid (~1 MB for divisor 128) stays in cache. It is allocated once per sampler and cleared
 * through the list of touched cells.
 */
export class PoissonSampler {
  private readonly side: number;
  private readonly dim: number;
  private readonly grid: Int32Array;
  private accepted = new Float32Array(0);
  private next = new Int32Array(0);
  private touched = new Int32Array(0);
  private flags = new Uint8Array(0);

  constructor(readonly divisor: number) {
    this.side = Math.ceil(divisor / 2);
    this.dim = this.side + 2; // one empty border cell each side: neighbour lookups need no bounds checks
    this.grid = new Int32Array(this.dim ** 3).fill(-1);
  }

  /**
   * `f32` is a record view (records.ts), `candidates` the record numbers in priority order.
   * Returns a flag per candidate, 1 = accepted (valid until the next call).
   */
  sample(f32: Float32Array, candidates: Uint32Array, min: readonly number[], spacing: number): Uint8Array {
    const n = candidates.length;
    if (this.next.length < n) {
      const cap = Math.max(n, this.next.length * 2);
      this.next = new Int32Array(cap);
      this.accepted = new Float32Array(cap * 3);
      this.touched = new Int32Array(cap);
      this.flags = new Uint8Array(cap);
    }
    const flags = this.flags.subarray(0, n);
    flags.fill(0);
    const { grid, next, accepted, touched, dim, side } = this;
    const dim2 = dim * dim;
    const last = side - 1;
    // A hair wider than two spacings, so rounding can never hide a close point in an unvisited cell.
    const inv = 1 / (2 * spacing * (1 + 1e-9));
    const s2 = spacing * spacing;
    const [mx, my, mz] = min as [number, number, number];
    let count = 0;
    let touchedCount = 0;
    for (let i = 0; i < n; i++) {
      const w = candidates[i]! * RECORD_WORDS;
      const x = f32[w]!;
      const y = f32[w + 1]!;
      const z = f32[w + 2]!;
      const gx = (x - mx) * inv;
      const gy = (y - my) * inv;
      const gz = (z - mz) * inv;
      let cx = Math.floor(gx);
      let cy = Math.floor(gy);
      let cz = Math.floor(gz);
      cx = cx < 0 ? 0 : cx > last ? last : cx;
      cy = cy < 0 ? 0 : cy > last ? last : cy;
      cz = cz < 0 ? 0 : cz > last ? last : cz;
      const cell = cx + 1 + (cy + 1) * dim + (cz + 1) * dim2;
      const sx = gx - cx < 0.5 ? -1 : 1;
      const sy = gy - cy < 0.5 ? -dim : dim;
      const sz = gz - cz < 0.5 ? -dim2 : dim2;
      let free = true;
      search: for (let k = 0; k < 8; k++) {
        let j = grid[cell + (k & 1 ? sx : 0) + (k & 2 ? sy : 0) + (k & 4 ? sz : 0)]!;
        while (j >= 0) {
          const dx = accepted[j * 3]! - x;
          const dy = accepted[j * 3 + 1]! - y;
          const dz = accepted[j * 3 + 2]! - z;
          if (dx * dx + dy * dy + dz * dz < s2) {
            free = false;
            break search;
          }
          j = next[j]!;
        }
      }
      if (!free) continue;
      flags[i] = 1;
      accepted[count * 3] = x;
      accepted[count * 3 + 1] = y;
      accepted[count * 3 + 2] = z;
      const head = grid[cell]!;
      if (head < 0) touched[touchedCount++] = cell;
      next[count] = head;
      grid[cell] = count++;
    }
    for (let t = 0; t < touchedCount; t++) grid[touched[t]!] = -1;
    return flags;
  }
}
