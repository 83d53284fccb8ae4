import type { FaceLayout } from './layout';
import type { RecordValues } from './records';
import { fanTriangles, stripTriangles } from './triangles';
import type { EmitTriangle } from './triangles';

/**
 * Checks one face record (indices in range, texcoord list matching the corners) and emits its
 * triangles. Returns what is wrong with the record, or null. Shared by the counting pass and the
 * mesh-filling pass so both see the same triangles.
 */
export function emitFace(layout: FaceLayout, values: RecordValues, vertexCount: number, emit: EmitTriangle): string | null {
  const corners = values.lists[layout.indices]!;
  for (const v of corners) {
    const restart = layout.kind === 'strips' && v === -1;
    if (!restart && !(Number.isInteger(v) && v >= 0 && v < vertexCount)) {
      return `vertex index ${v} is outside 0..${vertexCount - 1}`;
    }
  }
  if (layout.kind === 'strips') {
    stripTriangles(corners, emit);
    return null;
  }
  if (layout.texcoord >= 0) {
    const uv = values.lists[layout.texcoord]!;
    if (uv.length !== 0 && uv.length !== corners.length * 2) {
      return `texcoord has ${uv.length} values for ${corners.length} corners (expected ${corners.length * 2})`;
    }
  }
  fanTriangles(corners, emit);
  return null;
}
