/**
 * Ground filter: a progressive morphological filter (Zhang et al. 2003) on the raster of per-cell
 * minimum heights (cell from the density where the points are). Low noise is removed first (isolated
 * returns, see supportedMinima.ts; then single cells, then clusters sunken below the ground around
 * them). Openings with growing windows remove
 * objects narrower than the window; a cell is off-ground once it stands above the opened surface by
 * more than the terrain could rise over the window increment (slope * Δw + step), without a cap, so
 * hills stay terrain. Empty cells stay unknown in the openings. Ground points are those within
 * `tolerance` (plus part of the terrain's rise over a cell, for slopes) of the terrain interpolated
 * from the remaining ground cells. Measured on every labelled file in ../shared/data by
 * scripts/bench-ground.ts. One filter for the whole core: propagation
 * reads height above ground (a feature) and the one-click "label ground" selection, the click engine
 * keeps objects off the ground they stand on with the same heights. z is up.
 */
import { restoreIsolatedLows, supportedMinima } from './supportedMinima';
import { planExtent } from './planExtent';

export interface GroundOptions {
  /** Raster cell (scan units); default from the point density (~4 points per cell). */
  cell?: number;
  /** Largest object half-width to remove (scan units); default 3/4 of the larger horizontal extent (a roof may cover most of a tile), within [20, 100], at most half the shorter extent. */
  radius?: number;
  /** Steepest terrain kept as ground (rise per run). Default 0.6 (~31 degrees). */
  slope?: number;
  /** Height step always tolerated (kerbs, noise). Default 0.4 scan units. */
  step?: number;
  /** Points within this of the terrain are ground (plus `riseShare` of the terrain's rise over one cell). Default 0.35. */
  tolerance?: number;
  /** Share of the terrain's rise over one cell added to the tolerance. Default 0.5. */
  riseShare?: number;
  /**
   * Points that may be ground (1), from groundCandidates.ts: the last return of each pulse. A pulse
   * that returned again further on went through what it hit first, so earlier returns are never
   * the ground (PDAL's SMRF reads last and single returns only, too). The terrain is fitted to
   * them alone and only they are classified ground; every point still gets its height above it.
   * Without it (no return numbers), every point may be ground.
   */
  candidates?: Uint8Array | null;
}

export interface GroundResult {
  /** 1 = ground point. */
  ground: Uint8Array;
  /** z minus interpolated terrain height, per point. */
  heightAboveGround: Float32Array;
  /** Terrain raster (row-major, nx * ny) and its frame, for reuse by tools. */
  terrain: Float32Array;
  nx: number;
  ny: number;
  x0: number;
  y0: number;
  cell: number;
}

/**
 * Window radii (in cells) of the progressive opening: +1 cell at first, then +1/4 of the radius.
 * Doubling would make each increment half the radius, and the slope allowance per increment with
 * it: a 60 m wide, 8 m tall warehouse would pass as terrain. Growing by a quarter keeps the
 * allowance for a building of half-width W near slope * W / 4 for ~25 openings up to 100 cells.
 */
function windowRadii(maxW: number): number[] {
  const radii: number[] = [];
  for (let r = 1; r < maxW; r = Math.max(r + 1, Math.round(r * 1.25))) radii.push(r);
  // The last step to maxW must not be a sliver (its allowance would be ~0 and flag all terrain).
  if (radii.length > 1 && maxW - radii[radii.length - 1]! < radii[radii.length - 1]! / 8) radii.pop();
  radii.push(maxW);
  return radii;
}

export function groundFilter(positions: Float32Array, options: GroundOptions = {}): GroundResult {
  const candidates = options.candidates;
  if (!candidates) return filterAll(positions, options);
  if (candidates.length * 3 !== positions.length) throw new RangeError(`ground candidates: ${candidates.length} flags for ${positions.length / 3} points`);
  let k = 0;
  for (let p = 0; p < candidates.length; p++) k += candidates[p] ? 1 : 0;
  // All may be ground, or too few returns are last ones to fit a terrain to.
  if (k === candidates.length || k < 16) return filterAll(positions, options);
  const sub = new Float32Array(3 * k);
  for (let p = 0, q = 0; p < candidates.length; p++) if (candidates[p]) sub.set(positions.subarray(3 * p, 3 * p + 3), 3 * q++);
  const fit = filterAll(sub, options);
  // Every point against the candidates' terrain; only candidates may be ground.
  const { ground, heightAboveGround } = classify(positions, fit, riseOverCell(fit.terrain, fit.nx, fit.ny), options);
  for (let p = 0; p < candidates.length; p++) if (!candidates[p]) ground[p] = 0;
  return { ...fit, ground, heightAboveGround };
}

function filterAll(positions: Float32Array, options: GroundOptions): GroundResult {
  const n = positions.length / 3;
  let { x0, y0, x1, y1 } = planExtent(positions);
  if (n === 0) {
    x0 = y0 = 0;
    x1 = y1 = 1;
  }
  const w = Math.max(x1 - x0, 1e-6);
  const h = Math.max(y1 - y0, 1e-6);
  const cell = options.cell ?? rasterCell(positions, x0, y0, w, h);
  const nx = Math.max(2, Math.floor(w / cell) + 1);
  const ny = Math.max(2, Math.floor(h / cell) + 1);
  const slope = options.slope ?? 0.6;
  const step = options.step ?? 0.4;
  const lowCut = 2 * step + 2 * slope * cell;
  // Cell minima from points with neighbours (isolated low noise out), then isolated lows that sit
  // with the terrain around them back in (lone ground returns under a canopy), then low outliers.
  const minZ = supportedMinima(positions, x0, y0, cell, nx, ny, cell);
  restoreIsolatedLows(positions, minZ, x0, y0, cell, nx, ny, lowCut);
  rejectLowOutliers(positions, minZ, nx, ny, x0, y0, cell, lowCut);

  const radius = options.radius ?? Math.min(100, Math.max(20, Math.max(w, h)));
  // A pit left in the raster (a cluster of low noise: ISPRS samp41 has ~30 returns 25 m below
  // ground over 20 m) is seen from every cell once windows are as wide as the tile, and the opened
  // surface collapses onto it. So: a first pass with windows up to half the short side (cannot
  // collapse), clusters far below the ground cells around them removed, then the full pass.
  const safe = progressiveOpening(minZ, nx, ny, cell, Math.max(cell, Math.min(radius, Math.min(w, h) * 0.5)), slope, step);
  // The mean of a V-shaped valley's window lies slope * radius / 2 above its floor.
  rejectSunkenCells(positions, minZ, safe, nx, ny, x0, y0, cell, 2 * step + (slope * SUNKEN_RADIUS * cell) / 2);
  const offGround = progressiveOpening(minZ, nx, ny, cell, radius, slope, step);
  const terrain = minZ.slice();
  for (let c = 0; c < terrain.length; c++) if (offGround[c]) terrain[c] = Infinity;
  fillHoles(terrain, nx, ny);
  const rise = riseOverCell(terrain, nx, ny);

  const frame = { terrain, nx, ny, x0, y0, cell };
  return { ...frame, ...classify(positions, frame, rise, options) };
}

type TerrainFrame = Pick<GroundResult, 'terrain' | 'nx' | 'ny' | 'x0' | 'y0' | 'cell'>;

/** Height above the terrain per point, and ground where it is within tolerance of it. */
function classify(positions: Float32Array, f: TerrainFrame, rise: Float32Array, options: GroundOptions): Pick<GroundResult, 'ground' | 'heightAboveGround'> {
  const { terrain, nx, ny, x0, y0, cell } = f;
  const n = positions.length / 3;
  const tolerance = options.tolerance ?? 0.35;
  const riseShare = options.riseShare ?? 0.5;
  const ground = new Uint8Array(n);
  const hag = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const gx = (positions[p * 3]! - x0) / cell;
    const gy = (positions[p * 3 + 1]! - y0) / cell;
    const t = bilinear(terrain, nx, ny, gx - 0.5, gy - 0.5);
    const d = positions[p * 3 + 2]! - t;
    hag[p] = d;
    // The terrain holds each cell's lowest point: on a slope the cell's other ground points stand
    // up to its rise over one cell above it (cells outside the raster take its nearest edge).
    const ci = Math.min(nx - 1, Math.max(0, Math.floor(gx)));
    const cj = Math.min(ny - 1, Math.max(0, Math.floor(gy)));
    ground[p] = d <= tolerance + riseShare * rise[cj * nx + ci]! ? 1 : 0;
  }
  return { ground, heightAboveGround: hag };
}

const POINTS_PER_CELL = 4;
const MAX_CELLS = 1 << 20;

/**
 * Raster cell holding ~POINTS_PER_CELL points per occupied cell. From the tile's area alone, a
 * thinned tile made of small dense patches (IGN append-bug: 90 patches over 1 km) would get cells
 * larger than its patches, mixing trees and ground in every minimum; counting occupied cells at a
 * guess and correcting twice adapts to where the points are.
 */
function rasterCell(positions: Float32Array, x0: number, y0: number, w: number, h: number): number {
  const n = positions.length / 3;
  // Mostly empty rasters cost openings without adding terrain: at most 8 cells per point.
  const cells = Math.min(MAX_CELLS, Math.max(1 << 16, 8 * n));
  const floor = Math.max(Math.sqrt((w * h) / cells), Math.max(w, h) / 4096, 1e-6);
  let cell = Math.max(floor, Math.sqrt((w * h * POINTS_PER_CELL) / Math.max(1, n)));
  const occupied = new Set<number>();
  const stride = Math.max(1, Math.floor(n / 200_000));
  for (let pass = 0; pass < 2; pass++) {
    occupied.clear();
    const nx = Math.floor(w / cell) + 1;
    for (let p = 0; p < n; p += stride) occupied.add(Math.floor((positions[p * 3 + 1]! - y0) / cell) * nx + Math.floor((positions[p * 3]! - x0) / cell));
    const perCell = n / stride / Math.max(1, occupied.size);
    if (perCell <= POINTS_PER_CELL * 1.5) break;
    cell = Math.max(floor, cell * Math.sqrt(POINTS_PER_CELL / perCell));
  }
  return cell;
}

/**
 * Progressive morphological opening of the per-cell minima; 1 = cell off the ground. Empty cells
 * stay unknown (erosion and dilation skip them) rather than being filled first: filled values come
 * from whatever lies around, and a dense patch of ground between sparse, lower transects (IGN
 * append-bug) would stand above such a fill like a roof and be flagged as one.
 */
function progressiveOpening(minZ: Float32Array, nx: number, ny: number, cell: number, radius: number, slope: number, step: number): Uint8Array {
  const maxW = Math.max(1, Math.round(radius / cell));
  let surface: Float32Array = minZ.slice();
  const offGround = new Uint8Array(nx * ny);
  let prevW = 0;
  // A ridge loses (its slope * the radius increment) to each opening, so that much is terrain; an
  // object loses its whole height once the window is wider than it. sqrt(2): square windows reach
  // that far along a diagonal.
  for (const win of windowRadii(maxW)) {
    const eroded = minMaxFilter(surface, nx, ny, win, true);
    for (let c = 0; c < eroded.length; c++) if (eroded[c] === Infinity) eroded[c] = -Infinity;
    const opened = minMaxFilter(eroded, nx, ny, win, false);
    const dh = step + slope * (win - prevW) * cell * Math.SQRT2;
    for (let c = 0; c < surface.length; c++) {
      if (minZ[c] === Infinity) {
        opened[c] = Infinity;
        continue;
      }
      if (surface[c]! - opened[c]! > dh) offGround[c] = 1;
    }
    surface = opened;
    prevW = win;
  }
  return offGround;
}

/**
 * Ground cells (per a first pass) lying more than `cut` below the
 * mean of the ground cells within SUNKEN_RADIUS cells are low noise. Ground seen through gaps in a
 * forest canopy is not: the other ground cells around it lie as low. The cell takes the lowest of
 * its points above that limit instead (or none). Means come from summed-area tables: O(cells).
 */
const SUNKEN_RADIUS = 10;
function rejectSunkenCells(positions: Float32Array, minZ: Float32Array, offGround: Uint8Array, nx: number, ny: number, x0: number, y0: number, cell: number, cut: number) {
  const sx = nx + 1;
  const sum = new Float64Array(sx * (ny + 1));
  const cnt = new Float64Array(sx * (ny + 1));
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const ok = !offGround[c] && minZ[c] !== Infinity;
      const o = (j + 1) * sx + i + 1;
      sum[o] = sum[o - 1]! + sum[o - sx]! - sum[o - sx - 1]! + (ok ? minZ[c]! : 0);
      cnt[o] = cnt[o - 1]! + cnt[o - sx]! - cnt[o - sx - 1]! + (ok ? 1 : 0);
    }
  const box = (t: Float64Array, i0: number, j0: number, i1: number, j1: number) => t[j1 * sx + i1]! - t[j0 * sx + i1]! - t[j1 * sx + i0]! + t[j0 * sx + i0]!;
  const limit = new Float32Array(nx * ny).fill(-Infinity);
  let any = false;
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (offGround[c] || minZ[c] === Infinity) continue;
      const i0 = Math.max(0, i - SUNKEN_RADIUS);
      const j0 = Math.max(0, j - SUNKEN_RADIUS);
      const i1 = Math.min(nx, i + SUNKEN_RADIUS + 1);
      const j1 = Math.min(ny, j + SUNKEN_RADIUS + 1);
      const k = box(cnt, i0, j0, i1, j1);
      if (k < 4) continue;
      const mean = box(sum, i0, j0, i1, j1) / k;
      if (minZ[c]! < mean - cut) {
        limit[c] = mean - cut;
        minZ[c] = Infinity;
        any = true;
      }
    }
  if (!any) return;
  for (let p = 0; p < positions.length / 3; p++) {
    const c = cellIndex(positions, p, x0, y0, cell, nx);
    const z = positions[p * 3 + 2]!;
    if (limit[c] !== -Infinity && z >= limit[c]! && z < minZ[c]!) minZ[c] = z;
  }
}

/** Per cell, the terrain's largest rise to a 4-neighbour (how far ground points of the cell may stand above its minimum). */
function riseOverCell(terrain: Float32Array, nx: number, ny: number): Float32Array {
  const out = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const z = terrain[c]!;
      let m = 0;
      if (i > 0) m = Math.max(m, Math.abs(terrain[c - 1]! - z));
      if (i < nx - 1) m = Math.max(m, Math.abs(terrain[c + 1]! - z));
      if (j > 0) m = Math.max(m, Math.abs(terrain[c - nx]! - z));
      if (j < ny - 1) m = Math.max(m, Math.abs(terrain[c + nx]! - z));
      out[c] = m;
    }
  return out;
}

/** Height above the terrain per point: what the click engine uses to keep objects off the ground they stand on. */
export function heightAboveGround(positions: Float32Array, options: GroundOptions = {}): Float32Array {
  return groundFilter(positions, options).heightAboveGround;
}

/** Indices of ground points: the one-click "label ground" selection. */
export function groundPoints(result: GroundResult): Uint32Array {
  let count = 0;
  for (let p = 0; p < result.ground.length; p++) count += result.ground[p]!;
  const out = new Uint32Array(count);
  let k = 0;
  for (let p = 0; p < result.ground.length; p++) if (result.ground[p]) out[k++] = p;
  return out;
}

/**
 * Low noise (multipath, birds' reflections below ground: LAS class 7, IGN's 65) would drag the
 * opened surface down around it and make real ground look like objects (pits closer together than
 * a window collapse the whole opened surface onto them). A cell is low noise when its minimum lies
 * more than `cut` below the lowest quarter of the 5x5 cells around it: scattered low returns are
 * (isolated returns in half the cells, IGN append-bug, are taken out before: supportedMinima.ts),
 * while ground seen through gaps in a forest canopy mostly is not.
 * Where it is, little is lost: the cell takes the lowest of its points above the limit, and its ground
 * points are still judged against the terrain interpolated from its neighbours.
 */
function rejectLowOutliers(positions: Float32Array, minZ: Float32Array, nx: number, ny: number, x0: number, y0: number, cell: number, cut: number) {
  const limit = new Float32Array(nx * ny).fill(-Infinity);
  let any = false;
  const around = new Float32Array(24);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const z = minZ[c]!;
      if (z === Infinity) continue;
      let m = 0;
      for (let dj = -2; dj <= 2; dj++)
        for (let di = -2; di <= 2; di++) {
          const a = i + di;
          const b = j + dj;
          if ((di === 0 && dj === 0) || a < 0 || b < 0 || a >= nx || b >= ny) continue;
          const v = minZ[b * nx + a]!;
          if (v !== Infinity) around[m++] = v;
        }
      if (m < 2) continue;
      const rank = Math.max(1, m >> 2);
      const sorted = around.subarray(0, m).sort();
      const ref = sorted[rank]!;
      if (z < ref - cut) {
        limit[c] = ref - cut;
        any = true;
      }
    }
  if (!any) return;
  for (let c = 0; c < minZ.length; c++) if (limit[c] !== -Infinity) minZ[c] = Infinity;
  for (let p = 0; p < positions.length / 3; p++) {
    const c = cellIndex(positions, p, x0, y0, cell, nx);
    const z = positions[p * 3 + 2]!;
    if (limit[c] !== -Infinity && z >= limit[c]! && z < minZ[c]!) minZ[c] = z;
  }
}

function cellIndex(positions: Float32Array, p: number, x0: number, y0: number, cell: number, nx: number): number {
  const i = Math.floor((positions[p * 3]! - x0) / cell);
  const j = Math.floor((positions[p * 3 + 1]! - y0) / cell);
  return j * nx + i;
}

/** Square-window min (or max) filter of half-width r, separable, O(1) per cell via a monotonic deque. */
function minMaxFilter(src: Float32Array, nx: number, ny: number, r: number, isMin: boolean): Float32Array {
  const tmp = new Float32Array(nx * ny);
  const out = new Float32Array(nx * ny);
  const len = Math.max(nx, ny);
  const line = new Float32Array(len);
  const res = new Float32Array(len);
  const dq = new Int32Array(len);
  const run = (count: number) => {
    let head = 0;
    let tail = 0;
    let next = 0;
    for (let i = 0; i < count; i++) {
      for (; next <= Math.min(count - 1, i + r); next++) {
        const v = line[next]!;
        while (tail > head && (isMin ? line[dq[tail - 1]!]! >= v : line[dq[tail - 1]!]! <= v)) tail--;
        dq[tail++] = next;
      }
      while (dq[head]! < i - r) head++;
      res[i] = line[dq[head]!]!;
    }
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) line[i] = src[j * nx + i]!;
    run(nx);
    for (let i = 0; i < nx; i++) tmp[j * nx + i] = res[i]!;
  }
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) line[j] = tmp[j * nx + i]!;
    run(ny);
    for (let j = 0; j < ny; j++) out[j * nx + i] = res[j]!;
  }
  return out;
}

/**
 * Fills Infinity cells from a pyramid of averages of the known cells: O(cells) whatever the size
 * of the holes (a building footprint), where repeated neighbour averaging is O(cells * hole width).
 */
function fillHoles(g: Float32Array, nx: number, ny: number): void {
  let known = 0;
  for (let c = 0; c < g.length; c++) if (g[c] !== Infinity) known++;
  if (known === g.length) return;
  if (known === 0) {
    g.fill(0);
    return;
  }
  const cx = Math.ceil(nx / 2);
  const cy = Math.ceil(ny / 2);
  const coarse = new Float32Array(cx * cy).fill(Infinity);
  for (let j = 0; j < cy; j++)
    for (let i = 0; i < cx; i++) {
      let sum = 0;
      let k = 0;
      for (let dj = 0; dj < 2; dj++)
        for (let di = 0; di < 2; di++) {
          const a = 2 * i + di;
          const b = 2 * j + dj;
          if (a >= nx || b >= ny) continue;
          const v = g[b * nx + a]!;
          if (v !== Infinity) {
            sum += v;
            k++;
          }
        }
      if (k) coarse[j * cx + i] = sum / k;
    }
  fillHoles(coarse, cx, cy);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++)
      if (g[j * nx + i] === Infinity) g[j * nx + i] = bilinear(coarse, cx, cy, (i - 0.5) / 2, (j - 0.5) / 2);
}

/** The terrain height at plan position (x, y), sampled from the raster as the filter itself samples it. */
export function terrainAt(t: Pick<GroundResult, 'terrain' | 'nx' | 'ny' | 'x0' | 'y0' | 'cell'>, x: number, y: number): number {
  return bilinear(t.terrain, t.nx, t.ny, (x - t.x0) / t.cell - 0.5, (y - t.y0) / t.cell - 0.5);
}

function bilinear(g: Float32Array, nx: number, ny: number, x: number, y: number): number {
  const fxc = Math.min(nx - 1, Math.max(0, x));
  const fyc = Math.min(ny - 1, Math.max(0, y));
  if (nx < 2 || ny < 2) return g[Math.floor(fyc) * nx + Math.floor(fxc)]!;
  const i = Math.min(nx - 2, Math.floor(fxc));
  const j = Math.min(ny - 2, Math.floor(fyc));
  const fx = fxc - i;
  const fy = fyc - j;
  return (
    g[j * nx + i]! * (1 - fx) * (1 - fy) +
    g[j * nx + i + 1]! * fx * (1 - fy) +
    g[(j + 1) * nx + i]! * (1 - fx) * fy +
    g[(j + 1) * nx + i + 1]! * fx * fy
  );
}
