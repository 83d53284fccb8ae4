import { mulberry32, valueNoise2 } from '../../../../common/math/random';

/**
 * The demo scene's texture atlas: a 4x4 grid of procedural material tiles. Meshes map each face
 * into one tile; the point variant samples colours from the same atlas, so both variants agree.
 */
export const ATLAS_SIZE = 512;
export const TILE_PX = 128;
const TILES_PER_ROW = ATLAS_SIZE / TILE_PX;

export const Tile = {
  grass: 0,
  asphalt: 1,
  brick: 2,
  plaster: 3,
  roofRed: 4,
  roofGray: 5,
  bark: 6,
  foliage: 7,
  carRed: 8,
  carBlue: 9,
  carWhite: 10,
  metal: 11,
  dirt: 12,
  carBlack: 13,
} as const;
export type TileId = (typeof Tile)[keyof typeof Tile];

/** uv rectangle of a tile (u right, v down from the top row), inset by one texel against bleeding. */
export function tileRect(tile: number): { u0: number; v0: number; u1: number; v1: number } {
  const tx = tile % TILES_PER_ROW;
  const ty = Math.floor(tile / TILES_PER_ROW);
  const inset = 1 / ATLAS_SIZE;
  return {
    u0: (tx * TILE_PX) / ATLAS_SIZE + inset,
    v0: (ty * TILE_PX) / ATLAS_SIZE + inset,
    u1: ((tx + 1) * TILE_PX) / ATLAS_SIZE - inset,
    v1: ((ty + 1) * TILE_PX) / ATLAS_SIZE - inset,
  };
}

type Painter = (x: number, y: number) => [number, number, number];

export function buildAtlas(seed: number): Uint8Array {
  const rgba = new Uint8Array(ATLAS_SIZE * ATLAS_SIZE * 4);
  const n = valueNoise2(seed ^ 0x5eed);
  const rand = mulberry32(seed ^ 0xa71a5);
  const fine = (x: number, y: number) => n(x / 3, y / 3);
  const coarse = (x: number, y: number) => n(x / 17 + 50, y / 17 + 50);
  const shade = (c: [number, number, number], k: number): [number, number, number] => [c[0] * k, c[1] * k, c[2] * k];

  const painters: Record<number, Painter> = {
    [Tile.grass]: (x, y) => shade([92, 138, 58], 0.75 + 0.35 * coarse(x, y) + 0.15 * fine(x, y)),
    [Tile.asphalt]: (x, y) =>
      Math.abs(x - 64) < 2 && y % 32 < 18 ? [225, 225, 215] : shade([78, 80, 84], 0.85 + 0.3 * fine(x, y)),
    [Tile.brick]: (x, y) => {
      const row = Math.floor(y / 8);
      const mortar = y % 8 === 0 || (x + (row % 2) * 8) % 16 === 0;
      const win = x % 32 > 10 && x % 32 < 24 && y % 40 > 12 && y % 40 < 32;
      if (win) return [60, 80, 105];
      return mortar ? [190, 185, 175] : shade([158, 74, 52], 0.85 + 0.25 * fine(x, y));
    },
    [Tile.plaster]: (x, y) => {
      const win = x % 32 > 8 && x % 32 < 24 && y % 42 > 10 && y % 42 < 32;
      return win ? [70, 95, 120] : shade([222, 205, 170], 0.9 + 0.15 * fine(x, y));
    },
    [Tile.roofRed]: (x, y) => (y % 10 === 0 ? [120, 40, 30] : shade([178, 62, 44], 0.85 + 0.2 * fine(x, y))),
    [Tile.roofGray]: (x, y) => shade([96, 98, 104], 0.8 + 0.3 * coarse(x * 2, y * 2)),
    [Tile.bark]: (x, y) => shade([96, 70, 46], 0.8 + 0.3 * n(x / 2, y / 12)),
    [Tile.foliage]: (x, y) => shade([46, 112, 48], 0.6 + 0.5 * fine(x * 2, y * 2)),
    [Tile.carRed]: (x, y) => shade([190, 30, 36], 0.9 + 0.1 * fine(x, y)),
    [Tile.carBlue]: (x, y) => shade([36, 70, 170], 0.9 + 0.1 * fine(x, y)),
    [Tile.carWhite]: (x, y) => shade([232, 232, 236], 0.92 + 0.08 * fine(x, y)),
    [Tile.metal]: (x, y) => shade([150, 152, 158], 0.9 + 0.1 * fine(x, y)),
    [Tile.dirt]: (x, y) => shade([140, 112, 80], 0.8 + 0.3 * coarse(x, y)),
    [Tile.carBlack]: (x, y) => shade([34, 36, 40], 0.9 + 0.2 * fine(x, y)),
  };

  for (let ty = 0; ty < TILES_PER_ROW; ty++) {
    for (let tx = 0; tx < TILES_PER_ROW; tx++) {
      const tile = ty * TILES_PER_ROW + tx;
      const paint = painters[tile] ?? (() => [128, 128, 128] as [number, number, number]);
      for (let y = 0; y < TILE_PX; y++) {
        for (let x = 0; x < TILE_PX; x++) {
          const [r, g, b] = paint(x, y);
          const jitter = (rand() - 0.5) * 10;
          const o = ((ty * TILE_PX + y) * ATLAS_SIZE + tx * TILE_PX + x) * 4;
          rgba[o] = clamp8(r + jitter);
          rgba[o + 1] = clamp8(g + jitter);
          rgba[o + 2] = clamp8(b + jitter);
          rgba[o + 3] = 255;
        }
      }
    }
  }
  return rgba;
}

const clamp8 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Nearest-texel lookup, uv in [0,1] with v down. */
export function sampleAtlas(rgba: Uint8Array, u: number, v: number, out: Uint8Array, outOffset: number): void {
  const x = Math.min(ATLAS_SIZE - 1, Math.max(0, Math.floor(u * ATLAS_SIZE)));
  const y = Math.min(ATLAS_SIZE - 1, Math.max(0, Math.floor(v * ATLAS_SIZE)));
  const o = (y * ATLAS_SIZE + x) * 4;
  out[outOffset] = rgba[o]!;
  out[outOffset + 1] = rgba[o + 1]!;
  out[outOffset + 2] = rgba[o + 2]!;
}
