import { KEY_BITS, type GridKey } from './gridKey';
import { RECORD_WORDS, type Records } from './records';

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

function spreadTable(bits: number): Uint32Array {
  const table = new Uint32Array(1 << bits);
  for (let v = 0; v < table.length; v++) {
    let s = 0;
    for (let b = 0; b < bits; b++) s |= ((v >> b) & 1) << (3 * b);
    table[v] = s;
  }
  return table;
}

function mortonCode(key: GridKey, x: number, y: number, z: number): number {
  return ((SPREAD[key.x(x) >>> SHIFT]! << 2) | (SPREAD[key.y(y) >>> SHIFT]! << 1) | SPREAD[key.z(z) >>> SHIFT]!) >>> 0;
}

/** Stable LSD radix sort of (code, payload) pairs in place, 3 passes of 10 bits. */
function radix(codes: Uint32Array, payload: Uint32Array): void {
  const n = codes.length;
  let a: Uint32Array = codes;
  let p: Uint32Array = payload;
  let b: Uint32Array = new Uint32Array(n);
  let q: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(1024);
  for (let pass = 0; pass < 3; pass++) {
    const s = pass * 10;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(a[i]! >>> s) & 1023]!++;
    let sum = 0;
    for (let c = 0; c < 1024; c++) {
      const k = counts[c]!;
      counts[c] = sum;
      sum += k;
    }
    for (let i = 0; i < n; i++) {
      const code = a[i]!;
      const at = counts[(code >>> s) & 1023]!++;
      b[at] = code;
      q[at] = p[i]!;
    }
    [a, b] = [b, a];
    [p, q] = [q, p];
  }
  // Three passes: the result is in the scratch arrays.
  codes.set(a);
  payload.set(p);
}

/** Sorts `records` in place (through `scratch`) and returns their Morton codes in the new order. */
export function mortonSort(records: Records, scratch: Records, key: GridKey): Uint32Array {
  const n = records.count;
  const f32 = records.f32;
  const codes = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const w = i * RECORD_WORDS;
    codes[i] = mortonCode(key, f32[w]!, f32[w + 1]!, f32[w + 2]!);
    if (i > 0 && codes[i]! < codes[i - 1]!) sorted = false;
  }
  if (sorted) return codes;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  radix(codes, order);
  const src = records.u32;
  const dst = scratch.u32;
  for (let i = 0; i < n; i++) {
    const s = order[i]! * RECORD_WORDS;
    const d = i * RECORD_WORDS;
    for (let k = 0; k < RECORD_WORDS; k++) dst[d + k] = src[s + k]!;
  }
  records.bytes.set(scratch.bytes.subarray(0, records.bytes.byteLength));
  return codes;
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
