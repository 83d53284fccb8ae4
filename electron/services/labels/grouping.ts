import { ServiceFailure } from '../../../common/result';

/**
 * A point selection split by chunk: ascending, de-duplicated global indices per chunk key, keys in
 * ascending order. Sorting a million indices with TypedArray#sort costs more than the whole
 * durable write, so ascending selections (the viewer sends them so) become zero-copy views; others
 * are bucketed by chunk and de-duplicated through a per-chunk mark table.
 */
export function groupByChunk(points: Uint32Array, chunkSize: number, pointCount: number): Map<number, Uint32Array> {
  const groups = new Map<number, Uint32Array>();
  if (points.length === 0) return groups;
  let ascending = true;
  let prev = points[0]!;
  let max = prev;
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!;
    if (p <= prev) ascending = false;
    if (p > max) max = p;
    prev = p;
  }
  if (max >= pointCount) throw new ServiceFailure('invalid_params', `point index ${max} out of range (scan has ${pointCount} points)`);
  return ascending ? splitAscending(points, chunkSize, groups) : bucketAndSort(points, chunkSize, groups);
}

function splitAscending(points: Uint32Array, chunkSize: number, groups: Map<number, Uint32Array>) {
  let start = 0;
  while (start < points.length) {
    const key = Math.floor(points[start]! / chunkSize);
    const limit = (key + 1) * chunkSize;
    // Binary search the first index of the next chunk.
    let lo = start;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]! < limit) lo = mid + 1;
      else hi = mid;
    }
    groups.set(key, points.subarray(start, lo));
    start = lo;
  }
  return groups;
}

function bucketAndSort(points: Uint32Array, chunkSize: number, groups: Map<number, Uint32Array>) {
  const counts = new Map<number, number>();
  for (let i = 0; i < points.length; i++) {
    const key = Math.floor(points[i]! / chunkSize);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const buckets = new Map<number, { data: Uint32Array; n: number }>();
  for (const [key, n] of counts) buckets.set(key, { data: new Uint32Array(n), n: 0 });
  for (let i = 0; i < points.length; i++) {
    const b = buckets.get(Math.floor(points[i]! / chunkSize))!;
    b.data[b.n++] = points[i]!;
  }
  const marks = new Uint8Array(chunkSize);
  for (const key of [...buckets.keys()].sort((a, b) => a - b)) {
    const b = buckets.get(key)!;
    const base = key * chunkSize;
    marks.fill(0);
    for (let k = 0; k < b.n; k++) marks[b.data[k]! - base] = 1;
    let n = 0;
    for (let i = 0; i < chunkSize; i++) if (marks[i]) b.data[n++] = base + i;
    groups.set(key, b.data.subarray(0, n));
  }
  return groups;
}
