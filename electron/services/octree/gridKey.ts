import type { OctreeCube } from './format';

/**
 * Every decision about which octree cell a point belongs to (counting grid, chunk, octant at each
 * split) goes through one integer coordinate per axis at KEY_BITS of depth. Deriving them all from
 * the same integers keeps them consistent at cell borders, which is what makes the result independent
 * of how the work was chunked (and so of the memory budget).
 */
export const KEY_BITS = 21;
export const KEY_MAX = 2 ** KEY_BITS - 1;

export class GridKey {
  readonly minX: number;
  readonly minY: number;
  readonly minZ: number;
  readonly scale: number;

  constructor(readonly cube: OctreeCube) {
    [this.minX, this.minY, this.minZ] = cube.min;
    this.scale = 2 ** KEY_BITS / cube.size;
  }

  x(v: number): number {
    return clampKey(Math.floor((v - this.minX) * this.scale));
  }
  y(v: number): number {
    return clampKey(Math.floor((v - this.minY) * this.scale));
  }
  z(v: number): number {
    return clampKey(Math.floor((v - this.minZ) * this.scale));
  }

  /** The (2^bits)^3 grid of octree cells at level `bits`, for bulk cell lookups. */
  cells(bits: number): CellGrid {
    return new CellGrid(this, bits);
  }
}

/**
 * Cell index (x fastest) of points in the (2^bits)^3 grid of octree level `bits`. Equal to taking
 * the top `bits` bits of GridKey's coordinates: the scale differs from the key's by an exact power
 * of two, so floor((v - min) * scale) is the key shifted right, and the clamps agree.
 */
export class CellGrid {
  readonly side: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly minZ: number;
  private readonly scale: number;
  private readonly last: number;
  private readonly side2: number;

  constructor(
    key: GridKey,
    readonly bits: number,
  ) {
    this.side = 2 ** bits;
    this.side2 = this.side * this.side;
    this.last = this.side - 1;
    this.minX = key.minX;
    this.minY = key.minY;
    this.minZ = key.minZ;
    this.scale = key.scale * 2 ** (bits - KEY_BITS);
  }

  cell(x: number, y: number, z: number): number {
    const { scale, last } = this;
    let cx = Math.floor((x - this.minX) * scale);
    let cy = Math.floor((y - this.minY) * scale);
    let cz = Math.floor((z - this.minZ) * scale);
    cx = cx < 0 ? 0 : cx > last ? last : cx;
    cy = cy < 0 ? 0 : cy > last ? last : cy;
    cz = cz < 0 ? 0 : cz > last ? last : cz;
    return cx + cy * this.side + cz * this.side2;
  }
}

function clampKey(c: number): number {
  return c < 0 ? 0 : c > KEY_MAX ? KEY_MAX : c;
}

/** A cube enclosing the bounds: min corner at the bounds' min, edge = the largest extent (1 when degenerate). */
export function cubeFromBounds(min: readonly number[], max: readonly number[]): OctreeCube {
  const size = Math.max(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!);
  return { min: [min[0]!, min[1]!, min[2]!], size: size > 0 && Number.isFinite(size) ? size : 1 };
}
