import { KEY_BITS, KEY_MAX, type GridKey } from './gridKey';
import { RECORD_BYTES, RECORD_WORDS, recordsOver, type Records } from './records';

/**
 * Levels of the octree resolved by one up-front sort: records are ordered by their Morton code
 * over the top SORTED_LEVELS levels of the absolute key (30 bits), ties kept in arrival order.
 * Every node down to that level is then a contiguous run, found by binary search instead of a
 * data move per level, and neighbouring records are neighbours in space, which keeps the Poisson
 * grid and the encoder in cache. The code is absolute (not relative to the chunk), so the order
 * inside a node is the same whichever chunk it was built in.
 */
export const SORTED_LEVELS = 10;
const SHIFT = KEY_BITS - SORTED_LEVELS;
const SPREAD = spreadTable(SORTED_LEVELS);
/** Widest radix digit: 4096 counters stay in L1, and a run's 18-24 varying bits take two passes. */
const MAX_DIGIT_BITS = 12;

function spreadTable(bits: number): Uint32Array {
  const table = new Uint32Array(1 << bits);
  for (let v = 0; v < table.length; v++) {
    let s = 0;
    for (let b = 0; b < bits; b++) s |= ((v >> b) & 1) << (3 * b);
    table[v] = s;
  }
  return table;
}

/**
 * Sorts run after run with the same buffers (one sorter per thread), so indexing a chunk allocates
 * nothing for its sort. Records are moved in place, cycle by cycle, so a sort needs no spare copy
 * of the chunk (7 MB a worker for a 262k-point chunk); the scratch records are only for the
 * builder's octant splits of runs too large to sort at once.
 */
export class MortonSorter {
  private codes = new Uint32Array(0);
  private codesTmp = new Uint32Array(0);
  private order = new Uint32Array(0);
  private orderTmp = new Uint32Array(0);
  private spare = new ArrayBuffer(0);

  /** An array for a chunk's codes, indexed by record number (filled run by run by sortRun). */
  codesFor(n: number): Uint32Array {
    if (this.codes.length < n) this.codes = new Uint32Array(n);
    return this.codes.subarray(0, n);
  }

  /** Scratch records (at least `n`), valid until the next call of sortRun or scratch. */
  scratch(n: number): Records {
    if (this.spare.byteLength < n * RECORD_BYTES) this.spare = new ArrayBuffer(n * RECORD_BYTES);
    return recordsOver(this.spare, n);
  }

  /**
   * Sorts records [from, to) in place by Morton code, ties in arrival order, and writes their
   * codes to codes[from, to).
   */
  sortRun(records: Records, from: number, to: number, key: GridKey, chunkCodes: Uint32Array): void {
    const n = to - from;
    const codes = chunkCodes.subarray(from, to);
    const f32 = records.f32;
    const { minX, minY, minZ, scale } = key;
    let inOrder = true;
    let previous = 0;
    let first = 0;
    let differing = 0;
    for (let i = 0, w = from * RECORD_WORDS; i < n; i++, w += RECORD_WORDS) {
      // GridKey.x/y/z inlined: clamping before truncation gives floor's result (negative -> 0).
      const fx = (f32[w]! - minX) * scale;
      const fy = (f32[w + 1]! - minY) * scale;
      const fz = (f32[w + 2]! - minZ) * scale;
      const kx = fx > 0 ? (fx < KEY_MAX ? fx | 0 : KEY_MAX) : 0;
      const ky = fy > 0 ? (fy < KEY_MAX ? fy | 0 : KEY_MAX) : 0;
      const kz = fz > 0 ? (fz < KEY_MAX ? fz | 0 : KEY_MAX) : 0;
      const code = ((SPREAD[kx >>> SHIFT]! << 2) | (SPREAD[ky >>> SHIFT]! << 1) | SPREAD[kz >>> SHIFT]!) >>> 0;
      codes[i] = code;
      if (i === 0) first = code;
      else if (code < previous) inOrder = false;
      differing |= code ^ first;
      previous = code;
    }
    if (inOrder) return;
    permuteInPlace(records.u32, from, this.radix(codes, 32 - Math.clz32(differing)), n);
  }

  /**
   * Stable LSD radix sort of `codes` over their low `bits` bits (the higher ones are the same for
   * the whole run), in as few passes as MAX_DIGIT_BITS allows; all digit histograms in one read.
   * Leaves `codes` sorted and returns the permutation (run-relative record numbers).
   */
  private radix(codes: Uint32Array, bits: number): Uint32Array {
    const n = codes.length;
    if (this.order.length < n) {
      this.codesTmp = new Uint32Array(n);
      this.order = new Uint32Array(n);
      this.orderTmp = new Uint32Array(n);
    }
    const passes = Math.max(1, Math.ceil(bits / MAX_DIGIT_BITS));
    const digit = Math.ceil(bits / passes);
    const radix = 1 << digit;
    const mask = radix - 1;
    const counts = new Uint32Array(radix * passes);
    let a: Uint32Array = codes;
    let b: Uint32Array = this.codesTmp;
    let p: Uint32Array = this.order;
    let q: Uint32Array = this.orderTmp;
    for (let i = 0; i < n; i++) {
      const code = a[i]!;
      for (let pass = 0, s = 0; pass < passes; pass++, s += digit) counts[pass * radix + ((code >>> s) & mask)]!++;
    }
    for (let pass = 0; pass < passes; pass++) {
      let sum = 0;
      for (let c = pass * radix, end = c + radix; c < end; c++) {
        const k = counts[c]!;
        counts[c] = sum;
        sum += k;
      }
    }
    for (let i = 0; i < n; i++) p[i] = i;
    for (let pass = 0, s = 0; pass < passes; pass++, s += digit) {
      const base = pass * radix;
      for (let i = 0; i < n; i++) {
        const code = a[i]!;
        const at = counts[base + ((code >>> s) & mask)]!++;
        b[at] = code;
        q[at] = p[i]!;
      }
      [a, b] = [b, a];
      [p, q] = [q, p];
    }
    if (a !== codes) codes.set(a.subarray(0, n));
    return p;
  }
}

/** First index in [from, to) whose code's octant digit for `level` is >= octant (codes sorted, same prefix). */
export function octantStart(codes: Uint32Array, from: number, to: number, level: number, octant: number): number {
  const shift = 3 * (SORTED_LEVELS - 1 - level);
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (((codes[mid]! >>> shift) & 7) < octant) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Moves records so that position i gets the record that was at `order[i]` (run-relative, records
 * from `from`), following each cycle of the permutation with one record held aside. Every record is
 * read once and written once; `order` is left as the identity (how visited positions are told).
 */
function permuteInPlace(u32: Uint32Array, from: number, order: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let k = order[i]!;
    if (k === i) continue;
    const held = (from + i) * RECORD_WORDS;
    const t0 = u32[held]!;
    const t1 = u32[held + 1]!;
    const t2 = u32[held + 2]!;
    const t3 = u32[held + 3]!;
    const t4 = u32[held + 4]!;
    const t5 = u32[held + 5]!;
    const t6 = u32[held + 6]!;
    let j = i;
    while (k !== i) {
      // Unrolled: a loop over the 7 words costs twice as much here.
      const d = (from + j) * RECORD_WORDS;
      const s = (from + k) * RECORD_WORDS;
      u32[d] = u32[s]!;
      u32[d + 1] = u32[s + 1]!;
      u32[d + 2] = u32[s + 2]!;
      u32[d + 3] = u32[s + 3]!;
      u32[d + 4] = u32[s + 4]!;
      u32[d + 5] = u32[s + 5]!;
      u32[d + 6] = u32[s + 6]!;
      order[j] = j;
      j = k;
      k = order[j]!;
    }
    const d = (from + j) * RECORD_WORDS;
    u32[d] = t0;
    u32[d + 1] = t1;
    u32[d + 2] = t2;
    u32[d + 3] = t3;
    u32[d + 4] = t4;
    u32[d + 5] = t5;
    u32[d + 6] = t6;
    order[j] = j;
  }
}
