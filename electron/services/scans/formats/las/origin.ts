import type { Vec3 } from './header';

/**
 * Where chunk positions are measured from, chosen so the file's integer coordinates survive the trip
 * through float32.
 *
 * A LAS coordinate is X = offset + X_int * scale with X_int an int32. We pick, per axis, an integer
 * n near the centre of the header bounds and set origin = offset + n * scale; a point's position is
 * then f = float32((X_int - n) * scale).
 *
 * Why X_int = n + round(f / scale) is exact: let d = X_int - n (an integer). float32 rounding is
 * relative, |f - d*scale| <= 2^-24 * |d*scale|, so |f/scale - d| <= |d| * 2^-24 (the float64 product
 * and quotient add only ~2^-52 relative). When |d| < 2^23 that error is below 0.5, so rounding
 * f / scale returns d. Hence origin steps near the centre: a scan spanning up to 2^24 scale steps per
 * axis (168 km at 1 cm, 16.7 km at 1 mm) round-trips bit-exactly. Beyond that `exact` is false for
 * the axis and an exporter must not rely on float32 positions alone.
 */
export interface LasOrigin {
  /** Integer step n per axis. */
  steps: Vec3;
  /** offset + n * scale, float64. */
  origin: Vec3;
  /** Per axis: header bounds lie within 2^23 steps of n, so positions recover X_int exactly. */
  exact: [boolean, boolean, boolean];
}

export const EXACT_STEP_LIMIT = 2 ** 23;

export function chooseOrigin(scale: Vec3, offset: Vec3, min: Vec3, max: Vec3): LasOrigin {
  const steps: Vec3 = [0, 0, 0];
  const origin: Vec3 = [0, 0, 0];
  const exact: [boolean, boolean, boolean] = [false, false, false];
  for (let k = 0; k < 3; k++) {
    const s = scale[k]!;
    const o = offset[k]!;
    const lo = (min[k]! - o) / s;
    const hi = (max[k]! - o) / s;
    // Bounds can be missing or garbage in real files: fall back to the offset itself (n = 0).
    const centre = Number.isFinite(lo) && Number.isFinite(hi) ? Math.round((lo + hi) / 2) : 0;
    const n = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, centre));
    steps[k] = n;
    origin[k] = o + n * s;
    exact[k] =
      Number.isFinite(lo) &&
      Number.isFinite(hi) &&
      Math.abs(Math.min(lo, hi) - n) < EXACT_STEP_LIMIT - 1 &&
      Math.abs(Math.max(lo, hi) - n) < EXACT_STEP_LIMIT - 1;
  }
  return { steps, origin, exact };
}
