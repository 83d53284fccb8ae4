/**
 * Polygon and strip triangulation for PLY faces. Pure index arithmetic, shared by the counting
 * pass (open) and the filling pass (mesh) so both always agree on the triangle count.
 */
/** a, b, c are vertex indices; ca, cb, cc the corners' positions in the polygon (for per-corner uvs). */
export type EmitTriangle = (a: number, b: number, c: number, ca: number, cb: number, cc: number) => void;

/** Triangulates a convex polygon as a fan around its first corner; fewer than 3 corners give nothing. */
export function fanTriangles(polygon: readonly number[], emit: EmitTriangle): number {
  const first = polygon[0]!;
  for (let k = 2; k < polygon.length; k++) emit(first, polygon[k - 1]!, polygon[k]!, 0, k - 1, k);
  return Math.max(0, polygon.length - 2);
}

/**
 * Decodes triangle strips where -1 restarts a strip. Every second triangle of a strip is flipped so
 * all keep the strip's winding; degenerate triangles (strips use them to turn corners) are dropped
 * but still count for the parity.
 */
export function stripTriangles(strip: readonly number[], emit: EmitTriangle): number {
  let emitted = 0;
  let k = 0; // position within the current strip
  let a = -1;
  let b = -1;
  for (const v of strip) {
    if (v === -1) {
      k = 0;
      continue;
    }
    if (k >= 2 && a !== b && b !== v && a !== v) {
      if (k % 2 === 0) emit(a, b, v, -1, -1, -1);
      else emit(b, a, v, -1, -1, -1);
      emitted++;
    }
    a = b;
    b = v;
    k++;
  }
  return emitted;
}
