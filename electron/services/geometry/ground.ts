/**
 * Ground filter: a progressive morphological filter (Zhang et al. 2003) on the raster of per-cell
 * minimum heights. Openings with doubling windows remove objects narrower than the window; a cell
 * is off-ground once it stands above the opened surface by more than the terrain could rise over
 * the window increment (slope * Δw + step). Ground points are those within `tolerance` of the
 * terrain interpolated from the remaining ground cells. One filter for the whole core: propagation
 * reads height above ground (a feature) and the one-click "label ground" selection, the click engine
 * keeps objects off the ground they stand on with the same heights. z is up.
 */
export interface GroundOptions {
  /** Raster cell (scan units); default from the point density (~4 points per cell). */
  cell?: number;
  /** Largest object half-width to remove (scan units); default 3/4 of the larger horizontal extent (a roof may cover most of a tile), within [20, 100]. */
  radius?: number;
  /** Tolerated terrain slope (rise per run). Default 0.4. */
  slope?: number;
  /** Height step always tolerated (kerbs, noise). Default 0.4 scan units. */
  step?: number;
  /** Cap on the height threshold at large windows. Default 3. */
  maxStep?: number;
  /** Points within this of the terrain are ground. Default 0.35. */
  tolerance?: number;
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

export function groundFilter(positions: Float32Array, options: GroundOptions = {}): GroundResult {
  const n = positions.length / 3;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let p = 0; p < n; p++) {
    const x = positions[p * 3]!;
    const y = positions[p * 3 + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (n === 0) {
    x0 = y0 = 0;
    x1 = y1 = 1;
  }
  const w = Math.max(x1 - x0, 1e-6);
  const h = Math.max(y1 - y0, 1e-6);
  const cell = options.cell ?? Math.max(Math.sqrt((w * h * 4) / Math.max(1, n)), Math.max(w, h) / 2048);
  const nx = Math.max(2, Math.floor(w / cell) + 1);
  const ny = Math.max(2, Math.floor(h / cell) + 1);
  const minZ = new Float32Array(nx * ny).fill(Infinity);
  for (let p = 0; p < n; p++) {
    const c = cellIndex(positions, p, x0, y0, cell, nx);
    const z = positions[p * 3 + 2]!;
    if (z < minZ[c]!) minZ[c] = z;
  }
  const maxStep = options.maxStep ?? 3;
  rejectLowOutliers(positions, minZ, nx, ny, x0, y0, cell, 2 * maxStep);

  const slope = options.slope ?? 0.4;
  const step = options.step ?? 0.4;
  const radius = options.radius ?? Math.min(100, Math.max(20, Math.max(w, h) * 0.75));
  const maxW = Math.max(1, Math.round(radius / cell));
  let surface: Float32Array = minZ.slice();
  fillHoles(surface, nx, ny);
  const offGround = new Uint8Array(nx * ny);
  let prevW = 0;
  for (let win = 1; ; win = Math.min(maxW, win * 2)) {
    const opened = minMaxFilter(minMaxFilter(surface, nx, ny, win, true), nx, ny, win, false);
    const dh = Math.min(maxStep, step + slope * (win - prevW) * cell);
    for (let c = 0; c < surface.length; c++) if (surface[c]! - opened[c]! > dh) offGround[c] = 1;
    surface = opened;
    prevW = win;
    if (win === maxW) break;
  }
  const terrain = minZ.slice();
  for (let c = 0; c < terrain.length; c++) if (offGround[c]) terrain[c] = Infinity;
  fillHoles(terrain, nx, ny);

  const tolerance = options.tolerance ?? 0.35;
  const ground = new Uint8Array(n);
  const hag = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const t = bilinear(terrain, nx, ny, (positions[p * 3]! - x0) / cell - 0.5, (positions[p * 3 + 1]! - y0) / cell - 0.5);
    const d = positions[p * 3 + 2]! - t;
    hag[p] = d;
    ground[p] = d <= tolerance ? 1 : 0;
  }
  return { ground, heightAboveGround: hag, terrain, nx, ny, x0, y0, cell };
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
 * opened surface down around it and make real ground look like objects. A cell whose minimum lies
 * more than `cut` below the median minimum of its 3x3 neighbourhood takes instead the lowest of its
 * points above that limit (or becomes unknown).
 */
function rejectLowOutliers(positions: Float32Array, minZ: Float32Array, nx: number, ny: number, x0: number, y0: number, cell: number, cut: number) {
  const limit = new Float32Array(nx * ny).fill(-Infinity);
  const around: number[] = [];
  let any = false;
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (minZ[c] === Infinity) continue;
      around.length = 0;
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const a = i + di;
          const b = j + dj;
          if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
          const v = minZ[b * nx + a]!;
          if (v !== Infinity) around.push(v);
        }
      around.sort((u, v) => u - v);
      const median = around[around.length >> 1]!;
      if (minZ[c]! < median - cut) {
        limit[c] = median - cut;
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
