/**
 * Height above a terrain model, per point. The built-in segmenter and the 3D refinement use it to
 * keep objects (buildings, cars, trees) from leaking into the ground they stand on, which is the
 * one boundary that colour and normals alone get wrong (a facade meets the ground at a crease just
 * like it meets its roof).
 *
 * Terrain = a progressive morphological filter (Zhang et al. 2003) on the grid of per-cell minimum
 * heights: openings with growing windows flag cells that rise above the opened surface by more
 * than the slope allows at that window size (cars at small windows, buildings at large ones);
 * the remaining ground cells are interpolated under the flagged ones. A single large opening
 * would also shave ~1 m off rounded hilltops; the slope allowance keeps them. z is up.
 */
export interface GroundOptions {
  /** Terrain grid cell in scan units; default from the extent (>= 0.5, <= 1024 cells a side). */
  cell?: number;
  /** Largest object half-width to remove (scan units). Default 12: buildings up to ~24 m across. */
  radius?: number;
  /** Terrain slope tolerated (rise per unit run). Default 0.3 (~17 degrees). */
  slope?: number;
  /** Height step always tolerated (noise, kerbs). Default 0.3. */
  step?: number;
}

export function heightAboveGround(positions: Float32Array, options: GroundOptions = {}): Float32Array {
  const n = positions.length / 3;
  const out = new Float32Array(n);
  if (n === 0) return out;
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
  const cell = options.cell ?? Math.max(0.5, Math.max(x1 - x0, y1 - y0) / 1024);
  const nx = Math.max(2, Math.ceil((x1 - x0) / cell) + 1);
  const ny = Math.max(2, Math.ceil((y1 - y0) / cell) + 1);
  const minZ = new Float32Array(nx * ny).fill(Infinity);
  for (let p = 0; p < n; p++) {
    const i = Math.floor((positions[p * 3]! - x0) / cell);
    const j = Math.floor((positions[p * 3 + 1]! - y0) / cell);
    const z = positions[p * 3 + 2]!;
    const c = j * nx + i;
    if (z < minZ[c]!) minZ[c] = z;
  }
  const slope = options.slope ?? 0.3;
  const step = options.step ?? 0.3;
  const maxW = Math.max(1, Math.round((options.radius ?? 12) / cell));
  let surface: Float32Array = minZ.slice();
  fillHoles(surface, nx, ny);
  const nonGround = new Uint8Array(nx * ny);
  for (let w = 1; ; w = Math.min(maxW, w * 2)) {
    const eroded = separable(surface, nx, ny, w, Math.min, Infinity);
    const opened = separable(eroded, nx, ny, w, Math.max, -Infinity);
    const dh = step + slope * 2 * w * cell;
    for (let c = 0; c < surface.length; c++) if (surface[c]! - opened[c]! > dh) nonGround[c] = 1;
    surface = opened;
    if (w === maxW) break;
  }
  const terrain = minZ.slice();
  for (let c = 0; c < terrain.length; c++) if (nonGround[c]) terrain[c] = Infinity;
  fillHoles(terrain, nx, ny);
  for (let p = 0; p < n; p++) {
    const gx = (positions[p * 3]! - x0) / cell - 0.5;
    const gy = (positions[p * 3 + 1]! - y0) / cell - 0.5;
    out[p] = positions[p * 3 + 2]! - bilinear(terrain, nx, ny, gx, gy);
  }
  return out;
}

/**
 * Separable square-window min or max filter (rows, then columns), O(1) per cell whatever the window,
 * with a monotonic deque: large scans at large windows stay linear.
 */
function separable(src: Float32Array, nx: number, ny: number, r: number, f: typeof Math.min, _init: number): Float32Array {
  const isMin = f === Math.min;
  const tmp = new Float32Array(nx * ny);
  const out = new Float32Array(nx * ny);
  const line = new Float32Array(Math.max(nx, ny));
  const res = new Float32Array(Math.max(nx, ny));
  const dq = new Int32Array(Math.max(nx, ny));
  const run = (len: number) => {
    let head = 0;
    let tail = 0;
    let next = 0;
    for (let i = 0; i < len; i++) {
      // Admit everything up to i + r.
      for (; next <= Math.min(len - 1, i + r); next++) {
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

/** Fill cells with no terrain from their nearest filled neighbours (repeated 4-neighbour averaging). */
function fillHoles(g: Float32Array, nx: number, ny: number) {
  let missing = 0;
  for (let c = 0; c < g.length; c++) if (g[c] === Infinity) missing++;
  if (missing === g.length) {
    g.fill(0);
    return;
  }
  while (missing > 0) {
    const next = g.slice();
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const c = j * nx + i;
        if (g[c] !== Infinity) continue;
        let sum = 0;
        let k = 0;
        for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
          const a = i + di;
          const b = j + dj;
          if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
          const v = g[b * nx + a]!;
          if (v !== Infinity) {
            sum += v;
            k++;
          }
        }
        if (k > 0) {
          next[c] = sum / k;
          missing--;
        }
      }
    g.set(next);
  }
}

function bilinear(g: Float32Array, nx: number, ny: number, x: number, y: number): number {
  const cx = Math.min(nx - 1, Math.max(0, x));
  const cy = Math.min(ny - 1, Math.max(0, y));
  const i = Math.min(nx - 2, Math.floor(cx));
  const j = Math.min(ny - 2, Math.floor(cy));
  if (nx < 2 || ny < 2) return g[Math.floor(cy) * nx + Math.floor(cx)]!;
  const fx = cx - i;
  const fy = cy - j;
  const a = g[j * nx + i]!;
  const b = g[j * nx + i + 1]!;
  const c = g[(j + 1) * nx + i]!;
  const d = g[(j + 1) * nx + i + 1]!;
  return a * (1 - fx) * (1 - fy) + b * fx * (1 - fy) + c * (1 - fx) * fy + d * fx * fy;
}
