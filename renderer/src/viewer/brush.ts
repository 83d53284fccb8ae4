import type { Camera } from '../../../common/geometry/camera';
import type { PickChunk } from './picking';

const CELL = 16; // screen grid cell, CSS pixels
/** The surface under the cursor is the nearest element within this many pixels of it (then the brush radius). */
const SURFACE_PIXELS = 6;

/**
 * Screen-space index of the visible elements (points, or face centroids) for one brush stroke: each
 * is projected once when the stroke starts (the camera does not move while painting) and binned into
 * a 16 px grid, so a stamp only looks at the cells under the brush.
 */
export class BrushIndex {
  private readonly u: Float32Array;
  private readonly v: Float32Array;
  private readonly depth: Float32Array;
  private readonly ids: Uint32Array;
  private readonly cellStart: Uint32Array;
  private readonly cols: number;
  private readonly rows: number;
  readonly size: number;

  constructor(chunks: readonly PickChunk[], cam: Camera) {
    this.cols = Math.max(1, Math.ceil(cam.width / CELL));
    this.rows = Math.max(1, Math.ceil(cam.height / CELL));
    let total = 0;
    for (const c of chunks) total += c.positions.length / 3;
    const u = new Float32Array(total);
    const v = new Float32Array(total);
    const depth = new Float32Array(total);
    const ids = new Uint32Array(total);
    const cell = new Int32Array(total);
    const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = cam.rotation;
    const [ex, ey, ez] = cam.eye;
    const { fx, fy, cx, cy, near, width, height } = cam;
    const cols = this.cols;
    let n = 0;
    for (const c of chunks) {
      const p = c.positions;
      const visible = c.visible;
      const cids = c.ids;
      for (let i = 0, m = p.length / 3; i < m; i++) {
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
        ids[n] = cids ? cids[i]! : c.start + i;
        cell[n] = ((pv / CELL) | 0) * cols + ((pu / CELL) | 0);
        n++;
      }
    }
    // Counting sort by cell into compact copies: a stamp then reads each cell's elements contiguously.
    const cells = this.cols * this.rows;
    const start = new Uint32Array(cells + 1);
    for (let i = 0; i < n; i++) start[cell[i]! + 1]!++;
    for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
    const fill = start.slice(0, cells);
    this.u = new Float32Array(n);
    this.v = new Float32Array(n);
    this.depth = new Float32Array(n);
    this.ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const k = fill[cell[i]!]!++;
      this.u[k] = u[i]!;
      this.v[k] = v[i]!;
      this.depth[k] = depth[i]!;
      this.ids[k] = ids[i]!;
    }
    this.cellStart = start;
    this.size = n;
  }

  /** Camera depth of the surface under (x, y): the nearest element within a few pixels, else within `radius`; null over empty space. */
  surfaceDepth(x: number, y: number, radius: number): number | null {
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
    this.forEachNear(x, y, radius, (k) => {
      if (Math.abs(this.depth[k]! - surface) > depthLimit) return;
      out(this.ids[k]!);
      count++;
    });
    return count;
  }

  private nearest(x: number, y: number, radius: number): number | null {
    let best = Infinity;
    this.forEachNear(x, y, radius, (k) => {
      if (this.depth[k]! < best) best = this.depth[k]!;
    });
    return best === Infinity ? null : best;
  }

  private forEachNear(x: number, y: number, radius: number, f: (k: number) => void) {
    const r2 = radius * radius;
    const c0 = Math.max(0, Math.floor((x - radius) / CELL));
    const c1 = Math.min(this.cols - 1, Math.floor((x + radius) / CELL));
    const r0 = Math.max(0, Math.floor((y - radius) / CELL));
    const r1 = Math.min(this.rows - 1, Math.floor((y + radius) / CELL));
    for (let row = r0; row <= r1; row++)
      for (let col = c0; col <= c1; col++) {
        const c = row * this.cols + col;
        for (let k = this.cellStart[c]!, end = this.cellStart[c + 1]!; k < end; k++) {
          const du = this.u[k]! - x;
          const dv = this.v[k]! - y;
          if (du * du + dv * dv <= r2) f(k);
        }
      }
  }
}
