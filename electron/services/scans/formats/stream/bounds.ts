import { BadInputError } from '../../../errors';

export type Vec3 = [number, number, number];

/** Float64 bounds of file coordinates, accumulated while streaming. */
export class BoundsAccumulator {
  readonly min: Vec3 = [Infinity, Infinity, Infinity];
  readonly max: Vec3 = [-Infinity, -Infinity, -Infinity];
  count = 0;

  add(x: number, y: number, z: number): void {
    const { min, max } = this;
    if (x < min[0]) min[0] = x;
    if (x > max[0]) max[0] = x;
    if (y < min[1]) min[1] = y;
    if (y > max[1]) max[1] = y;
    if (z < min[2]) min[2] = z;
    if (z > max[2]) max[2] = z;
    this.count++;
  }

  /** Adds `count` points whose per-axis range is already known (a column-wise pass). */
  addRange(min: Vec3, max: Vec3, count: number): void {
    if (count === 0) return;
    for (let k = 0; k < 3; k++) {
      if (min[k]! < this.min[k]!) this.min[k] = min[k]!;
      if (max[k]! > this.max[k]!) this.max[k] = max[k]!;
    }
    this.count += count;
  }

  /** [0,0,0] boxes for an empty cloud rather than infinities, so info stays JSON-safe. */
  result(): { min: Vec3; max: Vec3 } {
    if (this.count === 0) return { min: [0, 0, 0], max: [0, 0, 0] };
    return { min: [...this.min], max: [...this.max] };
  }
}

/**
 * Local origin for float32 offsets: the bounds centre rounded to whole units, so georeferenced
 * coordinates (1e6 m) keep sub-millimetre precision and the origin itself is a readable number.
 */
export function originFromBounds(min: Vec3, max: Vec3): Vec3 {
  return [0, 1, 2].map((k) => Math.round((min[k]! + max[k]!) / 2)) as Vec3;
}

/** Float32 holds offsets up to ~3.4e38; beyond that a "coordinate" is corruption, not geometry. */
const MAX_OFFSET = 3e38;

/**
 * The origin for `min`/`max`, after checking every offset from it fits float32 (a corrupt double
 * such as 1e300 would otherwise become an infinite position). Throws BadInputError naming `file`.
 */
export function checkedOrigin(file: string, min: Vec3, max: Vec3): Vec3 {
  const origin = originFromBounds(min, max);
  for (let k = 0; k < 3; k++) {
    const reach = Math.max(Math.abs(max[k]! - origin[k]!), Math.abs(min[k]! - origin[k]!));
    if (!(reach <= MAX_OFFSET)) {
      throw new BadInputError(file, `coordinates span ${min[k]} .. ${max[k]}, beyond what a scan can hold (corrupt values?)`);
    }
  }
  return origin;
}
