/**
 * Per-cell minimum heights that ignore isolated low returns. Low noise (multipath, IGN class 65)
 * comes as single returns scattered in height; where it falls in a large share of the cells (IGN
 * append-bug: ~220 returns 10-80 m under a 50 x 75 m block, in half its cells) no comparison of a
 * cell with its neighbours' minima can tell it from the ground, because the neighbours are noise
 * too. Ground is a surface: its lowest return has other returns near it in 3D. A cell's minimum is
 * therefore its lowest point with at least SUPPORT other points within `radius` (3D); a cell
 * whose points are all isolated keeps none (its points are judged against the terrain around it).
 */
const SUPPORT = 2;

export function supportedMinima(positions: Float32Array, x0: number, y0: number, cell: number, nx: number, ny: number, radius: number): Float32Array {
  const n = positions.length / 3;
  const cells = nx * ny;
  // Points bucketed by cell (counting sort): neighbours are looked up in the 3 x 3 cells around.
  const start = new Int32Array(cells + 1);
  const cellOf = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const i = Math.min(nx - 1, Math.floor((positions[p * 3]! - x0) / cell));
    const j = Math.min(ny - 1, Math.floor((positions[p * 3 + 1]! - y0) / cell));
    const c = j * nx + i;
    cellOf[p] = c;
    start[c + 1]!++;
  }
  for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, cells);
  const order = new Int32Array(n);
  for (let p = 0; p < n; p++) order[fill[cellOf[p]!]!++] = p;

  // The neighbour search reaches one cell around: a radius above the cell would miss neighbours.
  const r = Math.min(radius, cell);
  const r2 = r * r;
  const supported = (p: number, ci: number, cj: number): boolean => {
    const px = positions[p * 3]!;
    const py = positions[p * 3 + 1]!;
    const pz = positions[p * 3 + 2]!;
    let k = 0;
    for (let b = Math.max(0, cj - 1); b <= Math.min(ny - 1, cj + 1); b++)
      for (let a = Math.max(0, ci - 1); a <= Math.min(nx - 1, ci + 1); a++) {
        const c = b * nx + a;
        for (let s = start[c]!; s < start[c + 1]!; s++) {
          const q = order[s]!;
          if (q === p) continue;
          const dz = positions[q * 3 + 2]! - pz;
          if (dz * dz > r2) continue;
          const dx = positions[q * 3]! - px;
          const dy = positions[q * 3 + 1]! - py;
          if (dx * dx + dy * dy + dz * dz <= r2 && ++k >= SUPPORT) return true;
        }
      }
    return false;
  };

  const minZ = new Float32Array(cells).fill(Infinity);
  for (let cj = 0; cj < ny; cj++)
    for (let ci = 0; ci < nx; ci++) {
      const c = cj * nx + ci;
      // Lowest first, then the next lowest above it, until one is supported (usually the first).
      let floor = -Infinity;
      for (;;) {
        let best = -1;
        let bz = Infinity;
        for (let s = start[c]!; s < start[c + 1]!; s++) {
          const z = positions[order[s]! * 3 + 2]!;
          if (z > floor && z < bz) {
            bz = z;
            best = order[s]!;
          }
        }
        if (best < 0) break;
        if (supported(best, ci, cj)) {
          minZ[c] = bz;
          break;
        }
        floor = bz;
      }
    }
  return minZ;
}

/**
 * A lone ground return under a canopy is isolated too: dropping it leaves the cell to the
 * vegetation above. A cell's lowest point comes back when it lies no more than `cut` below the
 * lowest supported minimum in the 5 x 5 cells around (noise lies far below them; under a forest
 * with ground returns this sparse, lidR Megaplot, a lower rank than the lowest sees only canopy).
 */
export function restoreIsolatedLows(positions: Float32Array, minZ: Float32Array, x0: number, y0: number, cell: number, nx: number, ny: number, cut: number): void {
  const lowest = new Float32Array(nx * ny).fill(Infinity);
  for (let p = 0; p < positions.length / 3; p++) {
    const i = Math.min(nx - 1, Math.floor((positions[p * 3]! - x0) / cell));
    const j = Math.min(ny - 1, Math.floor((positions[p * 3 + 1]! - y0) / cell));
    const z = positions[p * 3 + 2]!;
    if (z < lowest[j * nx + i]!) lowest[j * nx + i] = z;
  }
  const restored: number[] = [];
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const z = lowest[c]!;
      if (!(z < minZ[c]!)) continue;
      let ref = Infinity;
      for (let b = Math.max(0, j - 2); b <= Math.min(ny - 1, j + 2); b++)
        for (let a = Math.max(0, i - 2); a <= Math.min(nx - 1, i + 2); a++) if (a !== i || b !== j) ref = Math.min(ref, minZ[b * nx + a]!);
      // No supported point around is no evidence for ground: in a clumped tile (append-bug) the
      // low noise between clumps is in exactly such cells.
      if (z >= ref - cut) restored.push(c, z);
    }
  for (let k = 0; k < restored.length; k += 2) minZ[restored[k]!] = restored[k + 1]!;
}
