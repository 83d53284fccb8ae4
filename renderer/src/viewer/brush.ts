import type { Camera } from '../../../common/geometry/camera';
import type { PickChunk } from './picking';
import { screenRectOf, WHOLE_PLANE } from './screenBounds';

const CELL = 16; // screen grid cell, CSS pixels
/** The surface under the cursor is the nearest element within this many pixels of it (then the brush radius). */
const SURFACE_PIXELS = 6;

/** One chunk's elements on screen, sorted by grid cell over the chunk's own range of cells. */
interface ChunkCells {
  col0: number;
  row0: number;
  col1: number;
  row1: number;
  u: Float32Array;
  v: Float32Array;
  depth: Float32Array;
  ids: Uint32Array;
  /** Start of each cell of the range (row-major over col0..col1), plus the end. */
  cellStart: Uint32Array;
}

interface PendingChunk {
  chunk: PickChunk;
  col0: number;
  row0: number;
  col1: number;
  row1: number;
}

/**
 * Screen-space index of the visible elements (points, or face centroids) for one brush stroke (the
 * camera does not move while painting), binned into a 16 px grid so a stamp only looks at the cells
 * under the brush. Built lazily per chunk: starting a stroke only places each chunk's bounding box on
 * screen; a chunk's elements are projected the first time a stamp comes near it, so the cost of the
 * first stamp is the chunks under the brush, not every loaded point.
 */
export class BrushIndex {
  private readonly cols: number;
  private readonly rows: number;
  private readonly pending: PendingChunk[] = [];
  private readonly built: ChunkCells[] = [];

  constructor(
    chunks: readonly PickChunk[],
    private readonly cam: Camera,
  ) {
    this.cols = Math.max(1, Math.ceil(cam.width / CELL));
    this.rows = Math.max(1, Math.ceil(cam.height / CELL));
    for (const chunk of chunks) {
      const rect = chunk.bounds ? screenRectOf(cam, chunk.bounds.min, chunk.bounds.max) : WHOLE_PLANE;
      if (!rect) continue;
      const col0 = Math.max(0, Math.floor(Math.max(0, rect[0]) / CELL));
      const row0 = Math.max(0, Math.floor(Math.max(0, rect[1]) / CELL));
      const col1 = Math.min(this.cols - 1, Math.floor(Math.min(cam.width, rect[2]) / CELL));
      const row1 = Math.min(this.rows - 1, Math.floor(Math.min(cam.height, rect[3]) / CELL));
      if (col0 > col1 || row0 > row1 || rect[2] < 0 || rect[3] < 0) continue;
      this.pending.push({ chunk, col0, row0, col1, row1 });
    }
  }

  /** Elements indexed so far (chunks a stamp came near). */
  get size(): number {
    return this.built.reduce((s, c) => s + c.ids.length, 0);
  }

  /** Camera depth of the surface under (x, y): the nearest element within a few pixels, else within `radius`; null over empty space. */
  surfaceDepth(x: number, y: number, radius: number): number | null {
    this.indexNear(x, y, radius);
    return this.nearest(x, y, Math.min(radius, SURFACE_PIXELS)) ?? this.nearest(x, y, radius);
  }

  /**
   * One brush stamp: ids of the elements projecting within `radius` pixels of (x, y) whose camera
   * depth is within `depthLimit` (metres) of the surface under the cursor, so the brush never reaches
   * through to what is behind that surface.
   */
  stamp(x: number, y: number, radius: number, depthLimit: number, out: (id: number) => void): number {
    const surface = this.surfaceDepth(x, y, radius);
    if (surface === null) return 0;
    let count = 0;
    this.forEachNear(x, y, radius, (c, k) => {
      if (Math.abs(c.depth[k]! - surface) > depthLimit) return;
      out(c.ids[k]!);
      count++;
    });
    return count;
  }

  /** Projects the chunks whose cells the stamp's square touches and that are not indexed yet. */
  private indexNear(x: number, y: number, radius: number) {
    const [c0, c1, r0, r1] = this.cellRange(x, y, radius);
    for (let i = 0; i < this.pending.length; ) {
      const p = this.pending[i]!;
      if (p.col1 < c0 || p.col0 > c1 || p.row1 < r0 || p.row0 > r1) {
        i++;
        continue;
      }
      this.pending[i] = this.pending[this.pending.length - 1]!;
      this.pending.pop();
      const cells = this.project(p);
      if (cells.ids.length > 0) this.built.push(cells);
    }
  }

  private project({ chunk, col0, row0, col1, row1 }: PendingChunk): ChunkCells {
    const cam = this.cam;
    const p = chunk.positions;
    const m = p.length / 3;
    const u = new Float32Array(m);
    const v = new Float32Array(m);
    const depth = new Float32Array(m);
    const ids = new Uint32Array(m);
    const cell = new Int32Array(m);
    const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = cam.rotation;
    const [ex, ey, ez] = cam.eye;
    const { fx, fy, cx, cy, near, width, height } = cam;
    const cols = col1 - col0 + 1;
    const rows = row1 - row0 + 1;
    const visible = chunk.visible;
    const cids = chunk.ids;
    let n = 0;
    for (let i = 0; i < m; i++) {
      const x = p[i * 3]! - ex;
      const y = p[i * 3 + 1]! - ey;
      const z = p[i * 3 + 2]! - ez;
      const d = r6 * x + r7 * y + r8 * z;
      if (d < near) continue;
      const pu = (fx * (r0 * x + r1 * y + r2 * z)) / d + cx;
      const pv = (fy * (r3 * x + r4 * y + r5 * z)) / d + cy;
      if (pu < 0 || pv < 0 || pu >= width || pv >= height) continue;
      if (visible && !visible(i)) continue;
      u[n] = pu;
      v[n] = pv;
      depth[n] = d;
      ids[n] = cids ? cids[i]! : chunk.start + i;
      // Clamped into the chunk's range: rounding at its edge must not index out of it.
      const col = Math.min(cols - 1, Math.max(0, ((pu / CELL) | 0) - col0));
      const row = Math.min(rows - 1, Math.max(0, ((pv / CELL) | 0) - row0));
      cell[n] = row * cols + col;
      n++;
    }
    // Counting sort by cell into compact copies: a stamp then reads each cell's elements contiguously.
    const cells = cols * rows;
    const start = new Uint32Array(cells + 1);
    for (let i = 0; i < n; i++) start[cell[i]! + 1]!++;
    for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
    const fill = start.slice(0, cells);
    const out: ChunkCells = {
      col0,
      row0,
      col1,
      row1,
      u: new Float32Array(n),
      v: new Float32Array(n),
      depth: new Float32Array(n),
      ids: new Uint32Array(n),
      cellStart: start,
    };
    for (let i = 0; i < n; i++) {
      const k = fill[cell[i]!]!++;
      out.u[k] = u[i]!;
      out.v[k] = v[i]!;
      out.depth[k] = depth[i]!;
      out.ids[k] = ids[i]!;
    }
    return out;
  }

  private nearest(x: number, y: number, radius: number): number | null {
    let best = Infinity;
    this.forEachNear(x, y, radius, (c, k) => {
      if (c.depth[k]! < best) best = c.depth[k]!;
    });
    return best === Infinity ? null : best;
  }

  private cellRange(x: number, y: number, radius: number): [number, number, number, number] {
    return [
      Math.max(0, Math.floor((x - radius) / CELL)),
      Math.min(this.cols - 1, Math.floor((x + radius) / CELL)),
      Math.max(0, Math.floor((y - radius) / CELL)),
      Math.min(this.rows - 1, Math.floor((y + radius) / CELL)),
    ];
  }

  private forEachNear(x: number, y: number, radius: number, f: (c: ChunkCells, k: number) => void) {
    const r2 = radius * radius;
    const [c0, c1, r0, r1] = this.cellRange(x, y, radius);
    for (const c of this.built) {
      const cols = c.col1 - c.col0 + 1;
      const colFrom = Math.max(c0, c.col0);
      const colTo = Math.min(c1, c.col1);
      const rowFrom = Math.max(r0, c.row0);
      const rowTo = Math.min(r1, c.row1);
      for (let row = rowFrom; row <= rowTo; row++)
        for (let col = colFrom; col <= colTo; col++) {
          const cell = (row - c.row0) * cols + (col - c.col0);
          for (let k = c.cellStart[cell]!, end = c.cellStart[cell + 1]!; k < end; k++) {
            const du = c.u[k]! - x;
            const dv = c.v[k]! - y;
            if (du * du + dv * dv <= r2) f(c, k);
          }
        }
    }
  }
}
