import { ServiceFailure } from '../../../common/result';

/**
 * Sorted, de-duplicated chunk-local indices per chunk key, in ascending key order. Sorting a
 * million indices with TypedArray#sort costs more than the whole durable write, so selections
 * already ascending (the viewer sends them so) take a linear path; others are bucketed by chunk
 * and de-duplicated through a per-chunk mark table.
 */
export function groupByChunk(points: Uint32Array, chunkSize: number, pointCount: number): Map<number, Uint32Array> {
  const groups = new Map<number, Uint32Array>();
  if (points.length === 0) return groups;
  let ascending = true;
  let max = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p > max) max = p;
    if (i > 0 && p <= points[i - 1]!) ascending = false;
  }
  if (max >= pointCount) throw new ServiceFailure('invalid_params', `point index ${max} out of range (scan has ${pointCount} points)`);

  if (ascending) {
    let start = 0;
    while (start < points.length) {
      const key = Math.floor(points[start]! / chunkSize);
      const base = key * chunkSize;
      let end = start;
      while (end < points.length && points[end]! < base + chunkSize) end++;
      const local = new Uint32Array(end - start);
      for (let k = start; k < end; k++) local[k - start] = points[k]! - base;
      groups.set(key, local);
      start = end;
    }
    return groups;
  }

  const counts = new Map<number, number>();
  for (let i = 0; i < points.length; i++) {
    const key = Math.floor(points[i]! / chunkSize);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const marks = new Uint8Array(chunkSize);
  const buckets = new Map<number, { data: Uint32Array; n: number }>();
  for (const [key, n] of counts) buckets.set(key, { data: new Uint32Array(n), n: 0 });
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const key = Math.floor(p / chunkSize);
    const b = buckets.get(key)!;
    b.data[b.n++] = p - key * chunkSize;
  }
  for (const key of [...buckets.keys()].sort((a, b) => a - b)) {
    const b = buckets.get(key)!;
    marks.fill(0);
    for (let k = 0; k < b.n; k++) marks[b.data[k]!] = 1;
    let n = 0;
    for (let i = 0; i < chunkSize; i++) if (marks[i]) b.data[n++] = i;
    groups.set(key, b.data.slice(0, n));
  }
  return groups;
}
