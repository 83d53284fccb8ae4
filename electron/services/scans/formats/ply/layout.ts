import { BadInputError } from '../../../errors';
import { mapProperties } from './attributes';
import type { AttributeMapping } from './attributes';
import type { PlyElement, PlyHeader } from './header';

/** Which PLY properties carry positions, and how the rest map to point attributes. */
export interface VertexLayout {
  element: number;
  x: number;
  y: number;
  z: number;
  mapping: AttributeMapping;
}

/** How one face-like element (polygons or triangle strips) becomes triangles and face attributes. */
export interface FaceLayout {
  element: number;
  kind: 'polygons' | 'strips';
  indices: number;
  texcoord: number;
  texnumber: number;
  /** Only polygon elements carry face attributes; strip triangles get zeros. */
  mapping: AttributeMapping | null;
}

export function vertexLayout(header: PlyHeader, file: string): VertexLayout {
  const element = header.elements.findIndex((e) => e.name === 'vertex');
  if (element < 0) throw new BadInputError(file, 'PLY header declares no "vertex" element', { line: 2 });
  const el = header.elements[element]!;
  const axis = (name: string): number => {
    const i = el.properties.findIndex((p) => p.name === name);
    if (i < 0 || el.properties[i]!.kind !== 'scalar') {
      throw new BadInputError(file, `vertex element has no scalar property "${name}"`, { line: 2 });
    }
    return i;
  };
  const x = axis('x');
  const y = axis('y');
  const z = axis('z');
  return { element, x, y, z, mapping: mapProperties(el, new Set(['x', 'y', 'z'])) };
}

function listProperty(el: PlyElement, names: string[]): number {
  return el.properties.findIndex((p) => p.kind === 'list' && names.includes(p.name));
}

/** Face elements in file order: "face" polygons (vertex_indices / vertex_index) and "tristrips". */
export function faceLayouts(header: PlyHeader): FaceLayout[] {
  const layouts: FaceLayout[] = [];
  header.elements.forEach((el, element) => {
    const indices = listProperty(el, ['vertex_indices', 'vertex_index']);
    if (indices < 0) return;
    if (el.name === 'tristrips') {
      layouts.push({ element, kind: 'strips', indices, texcoord: -1, texnumber: -1, mapping: null });
    } else if (el.name === 'face') {
      const texcoord = listProperty(el, ['texcoord']);
      const texnumber = el.properties.findIndex((p) => p.kind === 'scalar' && p.name === 'texnumber');
      const consumed = new Set([el.properties[indices]!.name, 'texcoord', 'texnumber']);
      layouts.push({ element, kind: 'polygons', indices, texcoord, texnumber, mapping: mapProperties(el, consumed) });
    }
  });
  return layouts;
}
