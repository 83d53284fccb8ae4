/** The xy extent of interleaved xyz positions (Infinity / -Infinity bounds when there are none). */
export function planExtent(positions: Float32Array): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let p = 0, n = positions.length / 3; p < n; p++) {
    const x = positions[p * 3]!;
    const y = positions[p * 3 + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { x0, y0, x1, y1 };
}
