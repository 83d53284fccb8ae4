/**
 * Per-point feature rows kept after preparation for the per-point classifier, one byte per value:
 * a million points with 24 features are 24 MB instead of 96 MB of Float32 (in memory, in the
 * worker message and in the cache sidecar). Each column is first mapped by a monotone transform
 * (signed log for heights, so decimetres near the ground stay apart while 50 m stays in range),
 * then scaled between its sampled 0.5th and 99.5th percentiles to 0..255. Trees split on ranks,
 * so a monotone map loses nothing but the resolution of 256 levels.
 */
export interface QuantizedRows {
  dim: number;
  /** pointCount * dim bytes, row-major. */
  values: Uint8Array;
}

/** Columns whose raw value spans orders of magnitude (metres above ground or a local minimum). */
const isLogColumn = (name: string) => name === 'heightAboveGround' || name.startsWith('aboveLocalMin') || name.startsWith('belowLocalMax');

const signedLog = (v: number) => Math.sign(v) * Math.log1p(Math.abs(v) * 10);

/**
 * @param values pointCount * dim row-major features named `names`
 * @param extra further columns (one value per point) named `extraNames`, appended after them
 */
export function quantizeRows(
  values: Float32Array,
  pointCount: number,
  dim: number,
  names: readonly string[],
  extra: readonly Float32Array[] = [],
  extraNames: readonly string[] = [],
): QuantizedRows {
  const outDim = dim + extra.length;
  const out = new Uint8Array(pointCount * outDim);
  const step = Math.max(1, Math.floor(pointCount / 20_000));
  const sample = new Float64Array(Math.ceil(pointCount / step));
  // One column at a time, mapped into a scratch array: tight loops, no per-value closures.
  const col = new Float64Array(pointCount);
  for (let f = 0; f < outDim; f++) {
    const log = isLogColumn((f < dim ? names[f] : extraNames[f - dim]) ?? '');
    const src = f < dim ? null : extra[f - dim]!;
    for (let p = 0; p < pointCount; p++) {
      const v = src ? src[p]! : values[p * dim + f]!;
      col[p] = Number.isFinite(v) ? (log ? signedLog(v) : v) : 0;
    }
    let m = 0;
    for (let p = 0; p < pointCount; p += step) sample[m++] = col[p]!;
    const sorted = sample.subarray(0, m).sort();
    const lo = sorted[Math.floor((m - 1) * 0.005)] ?? 0;
    const hi = sorted[Math.ceil((m - 1) * 0.995)] ?? 0;
    // A constant column (a missing attribute) stays 0 everywhere: the trees never split on it.
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    for (let p = 0; p < pointCount; p++) {
      const q = (col[p]! - lo) * scale;
      out[p * outDim + f] = q <= 0 ? 0 : q >= 255 ? 255 : Math.round(q);
    }
  }
  return { dim: outDim, values: out };
}
