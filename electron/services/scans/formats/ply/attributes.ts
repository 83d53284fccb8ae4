import type { AttributeInfo, AttributeType } from '../../../../../common/contracts/scans';
import type { TypedArray } from '../../model';
import type { PlyElement, PlyScalarType } from './header';

/** Copies one scalar property into one component of an attribute, with an optional conversion. */
interface CopyOp {
  prop: number;
  attr: number;
  component: number;
  components: number;
  convert: ((v: number) => number) | null;
}

/**
 * How an element's scalar properties become model attributes: red/green/blue -> 'color',
 * nx/ny/nz -> 'normal' float32 x3, everything else under its own name and type.
 */
export interface AttributeMapping {
  attributes: AttributeInfo[];
  ops: CopyOp[];
  /** List properties that are not attributes (no fixed component count), for details. */
  skipped: string[];
}

const COLOR_NAMES = [
  ['red', 'green', 'blue'],
  ['diffuse_red', 'diffuse_green', 'diffuse_blue'],
  ['r', 'g', 'b'],
];
const NORMAL_NAMES = [
  ['nx', 'ny', 'nz'],
  ['normal_x', 'normal_y', 'normal_z'],
];

const clamp = (lo: number, hi: number, v: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Colour channel storage: bytes stay bytes, 16-bit stays 16-bit, floats (0..1 by convention) become bytes. */
function colorTarget(type: PlyScalarType): { type: AttributeType; convert: ((v: number) => number) | null } {
  switch (type) {
    case 'uint8':
      return { type: 'uint8', convert: null };
    case 'int8':
      return { type: 'uint8', convert: (v) => v & 0xff }; // char colours are bytes written as signed
    case 'uint16':
      return { type: 'uint16', convert: null };
    case 'int16':
      return { type: 'uint16', convert: (v) => v & 0xffff };
    case 'float32':
    case 'float64':
      return { type: 'uint8', convert: (v) => clamp(0, 255, Math.round(v * 255)) };
    default:
      // 32-bit integer colours in the wild hold 0..255.
      return { type: 'uint8', convert: (v) => clamp(0, 255, v) };
  }
}

/** Finds the first complete triple of scalar properties named by one of `groups`. */
function findTriple(element: PlyElement, groups: string[][], taken: Set<string>): number[] | null {
  for (const names of groups) {
    const idx = names.map((n) => element.properties.findIndex((p) => p.kind === 'scalar' && p.name.toLowerCase() === n));
    if (idx.every((i) => i >= 0 && !taken.has(element.properties[i]!.name))) return idx;
  }
  return null;
}

/** Maps the scalar properties of `element` to attributes, leaving out the names in `consumed` (x/y/z, texnumber...). */
export function mapProperties(element: PlyElement, consumed: Set<string>): AttributeMapping {
  const attributes: AttributeInfo[] = [];
  const ops: CopyOp[] = [];
  const taken = new Set(consumed);
  const names = new Set<string>();
  const addAttribute = (name: string, type: AttributeType, components: number): number => {
    let unique = name;
    for (let k = 1; names.has(unique); k++) unique = `${name}_${k}`;
    names.add(unique);
    attributes.push({ name: unique, type, components });
    return attributes.length - 1;
  };

  const color = findTriple(element, COLOR_NAMES, taken);
  const normal = findTriple(element, NORMAL_NAMES, taken);
  const grouped = new Map<number, { group: 'color' | 'normal'; component: number }>();
  color?.forEach((p, c) => grouped.set(p, { group: 'color', component: c }));
  normal?.forEach((p, c) => grouped.set(p, { group: 'normal', component: c }));
  const groupAttr: Partial<Record<'color' | 'normal', number>> = {};

  const skipped: string[] = [];
  element.properties.forEach((p, i) => {
    if (taken.has(p.name)) return;
    if (p.kind === 'list') {
      skipped.push(p.name);
      return;
    }
    const g = grouped.get(i);
    if (g?.group === 'color') {
      const target = colorTarget((element.properties[color![0]!] as { type: PlyScalarType }).type);
      groupAttr.color ??= addAttribute('color', target.type, 3);
      ops.push({ prop: i, attr: groupAttr.color, component: g.component, components: 3, convert: target.convert });
    } else if (g?.group === 'normal') {
      groupAttr.normal ??= addAttribute('normal', 'float32', 3);
      ops.push({ prop: i, attr: groupAttr.normal, component: g.component, components: 3, convert: null });
    } else {
      ops.push({ prop: i, attr: addAttribute(p.name, p.type, 1), component: 0, components: 1, convert: null });
    }
  });
  return { attributes, ops, skipped };
}

/** Writes one record's mapped values at item `i` of the attribute columns. */
export function writeAttributes(mapping: AttributeMapping, scalars: Float64Array, columns: TypedArray[], i: number): void {
  for (const op of mapping.ops) {
    const v = scalars[op.prop]!;
    columns[op.attr]![i * op.components + op.component] = op.convert ? op.convert(v) : v;
  }
}
