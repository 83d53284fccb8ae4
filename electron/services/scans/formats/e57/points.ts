import { BadInputError } from '../../../errors';
import type { FieldDesc, Limits, Pose, ScanDesc } from './describe';
import type { RecordBatch } from './records';

/** Valid points of one record batch in file coordinates (pose applied, float64). */
export interface PointBatch {
  count: number;
  xyz: Float64Array;
  color: Uint8Array | null;
  intensity: Float32Array | null;
  /** Records skipped: invalid state set, or non-finite coordinates. */
  invalid: number;
}

/** Row-major 3x3 rotation from a unit quaternion (w, x, y, z). */
export function rotationMatrix([w, x, y, z]: Pose['rotation']): number[] {
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}

/** Limits from the scan header, else the field's own declared range, else 0..1 for floats. */
function rangeOf(field: FieldDesc, limits: Limits | null): Limits {
  if (limits && limits.max > limits.min) return limits;
  const e = field.encoding;
  if (e.kind === 'integer' && e.maximum > e.minimum) return { min: e.minimum * e.scale + e.offset, max: e.maximum * e.scale + e.offset };
  return { min: 0, max: 1 };
}

/**
 * Maps prototype fields to scan attributes. Chooses cartesian coordinates when present, else
 * spherical (range, azimuth, elevation in radians) converted to cartesian.
 */
export class PointConverter {
  readonly coordinates: 'cartesian' | 'spherical';
  readonly hasColor: boolean;
  readonly hasIntensity: boolean;
  readonly mayHaveInvalid: boolean;
  /** Prototype fields this reader does not turn into attributes (rowIndex, timeStamp...). */
  readonly ignoredFields: string[];
  private readonly coord: [number, number, number];
  private readonly invalidState: number;
  private readonly colorFields: [number, number, number] | null;
  private readonly colorRanges: Limits[];
  private readonly intensityField: number;
  private readonly intensityRange: Limits;
  private readonly rotation: number[];

  constructor(
    private readonly scan: ScanDesc,
    file: string,
  ) {
    const index = (name: string) => scan.fields.findIndex((f) => f.name === name);
    const cartesian = [index('cartesianX'), index('cartesianY'), index('cartesianZ')] as [number, number, number];
    const spherical = [index('sphericalRange'), index('sphericalAzimuth'), index('sphericalElevation')] as [number, number, number];
    if (cartesian.every((i) => i >= 0)) {
      this.coordinates = 'cartesian';
      this.coord = cartesian;
      this.invalidState = index('cartesianInvalidState');
    } else if (spherical.every((i) => i >= 0)) {
      this.coordinates = 'spherical';
      this.coord = spherical;
      this.invalidState = index('sphericalInvalidState');
    } else {
      throw new BadInputError(
        file,
        `scan ${scan.index} ("${scan.name}") has neither cartesianX/Y/Z nor sphericalRange/Azimuth/Elevation fields`,
      );
    }
    const color = [index('colorRed'), index('colorGreen'), index('colorBlue')] as [number, number, number];
    this.colorFields = color.every((i) => i >= 0) ? color : null;
    this.colorRanges = this.colorFields ? this.colorFields.map((f, k) => rangeOf(scan.fields[f]!, scan.colorLimits?.[k] ?? null)) : [];
    this.intensityField = index('intensity');
    this.intensityRange = this.intensityField >= 0 ? rangeOf(scan.fields[this.intensityField]!, scan.intensityLimits) : { min: 0, max: 1 };
    this.hasColor = this.colorFields !== null;
    this.hasIntensity = this.intensityField >= 0;
    // Records can only be skipped when an invalid state can be non-zero or a float coordinate can be NaN.
    const invalidField = scan.fields[this.invalidState];
    const constantZero = (f: FieldDesc) => f.encoding.kind === 'integer' && f.encoding.bits === 0 && f.encoding.minimum === 0;
    this.mayHaveInvalid =
      (invalidField !== undefined && !constantZero(invalidField)) || this.coord.some((i) => scan.fields[i]!.encoding.kind === 'float');
    const used = new Set([...this.coord, this.invalidState, ...(this.colorFields ?? []), this.intensityField]);
    this.ignoredFields = scan.fields.filter((_, i) => !used.has(i)).map((f) => f.name);
    this.rotation = rotationMatrix(scan.pose.rotation);
  }

  convert(batch: RecordBatch): PointBatch {
    const { count, columns } = batch;
    const [a, b, c] = this.coord.map((i) => columns[i]!) as [Float64Array, Float64Array, Float64Array];
    const state = this.invalidState >= 0 ? columns[this.invalidState]! : null;
    const rgb = this.colorFields ? (this.colorFields.map((i) => columns[i]!) as [Float64Array, Float64Array, Float64Array]) : null;
    const inten = this.intensityField >= 0 ? columns[this.intensityField]! : null;
    const xyz = new Float64Array(count * 3);
    const color = rgb ? new Uint8Array(count * 3) : null;
    const intensity = inten ? new Float32Array(count) : null;
    const [r00, r01, r02, r10, r11, r12, r20, r21, r22] = this.rotation as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const [tx, ty, tz] = this.scan.pose.translation;
    const spherical = this.coordinates === 'spherical';
    let n = 0;
    for (let i = 0; i < count; i++) {
      // State 1 (direction only, no range) and 2 (invalid) both lack a usable position.
      if (state && state[i] !== 0) continue;
      let x: number, y: number, z: number;
      if (spherical) {
        const range = a[i]!,
          azimuth = b[i]!,
          elevation = c[i]!;
        x = range * Math.cos(elevation) * Math.cos(azimuth);
        y = range * Math.cos(elevation) * Math.sin(azimuth);
        z = range * Math.sin(elevation);
      } else {
        x = a[i]!;
        y = b[i]!;
        z = c[i]!;
      }
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
      xyz[n * 3] = r00 * x + r01 * y + r02 * z + tx;
      xyz[n * 3 + 1] = r10 * x + r11 * y + r12 * z + ty;
      xyz[n * 3 + 2] = r20 * x + r21 * y + r22 * z + tz;
      if (rgb && color) {
        for (let k = 0; k < 3; k++) {
          const { min, max } = this.colorRanges[k]!;
          const v = Math.round(((rgb[k]![i]! - min) / (max - min)) * 255);
          color[n * 3 + k] = v > 255 ? 255 : v > 0 ? v : 0;
        }
      }
      if (inten && intensity) {
        const { min, max } = this.intensityRange;
        intensity[n] = max > min ? (inten[i]! - min) / (max - min) : inten[i]!;
      }
      n++;
    }
    return {
      count: n,
      xyz: xyz.subarray(0, n * 3),
      color: color ? color.subarray(0, n * 3) : null,
      intensity: intensity ? intensity.subarray(0, n) : null,
      invalid: count - n,
    };
  }
}
