import type { AttributeInfo, AttributeType } from '../../../../../common/contracts/scans';
import { BadInputError } from '../../../errors';
import type { TypedArray } from '../../model';
import type { PcdField, PcdHeader } from './header';

/**
 * How PCD fields become positions and attributes. Points are decoded into a flat Float64Array of
 * every field component in header order ("values"); the layout knows where each piece lives there.
 */
export interface PcdLayout {
  /** Index of each field's first component in the flat values. */
  fieldStart: number[];
  /** Components per point. */
  valueCount: number;
  x: number;
  y: number;
  z: number;
  /** Flat index of the packed rgb/rgba value (raw 32 bits as an unsigned integer), or -1. */
  packedColor: number;
  hasAlpha: boolean;
  attributes: AttributeInfo[];
  ops: { value: number; attr: number; slot: number }[];
  /** Padding fields ("_") that carry no data. */
  skipped: string[];
  /** Per flat value: the integer range text values must fit (null for floats), so "300" in a U1 field is an error, not 44. */
  integerRanges: ({ lo: number; hi: number; field: string } | null)[];
}

function integerRange(f: PcdField): { lo: number; hi: number; field: string } | null {
  if (f.type === 'F' || f.size === 8) return null;
  const bits = f.size * 8;
  return f.type === 'U' ? { lo: 0, hi: 2 ** bits - 1, field: f.name } : { lo: -(2 ** (bits - 1)), hi: 2 ** (bits - 1) - 1, field: f.name };
}

/** The packed-colour field: PCL stores 0x00RRGGBB (rgb) or 0xAARRGGBB (rgba) in 4 bytes, typed F or U. */
function isPackedColor(f: PcdField): boolean {
  return (f.name === 'rgb' || f.name === 'rgba') && f.size === 4 && f.count === 1;
}

export function pcdLayout(header: PcdHeader, file: string): PcdLayout {
  const fieldStart: number[] = [];
  let valueCount = 0;
  for (const f of header.fields) {
    fieldStart.push(valueCount);
    valueCount += f.count;
  }
  const find = (name: string): number => header.fields.findIndex((f) => f.name === name);
  const axis = (name: string): number => {
    const i = find(name);
    if (i < 0 || header.fields[i]!.count !== 1) throw new BadInputError(file, `PCD has no single-component field "${name}"`, { line: 1 });
    return fieldStart[i]!;
  };
  const x = axis('x');
  const y = axis('y');
  const z = axis('z');

  const attributes: AttributeInfo[] = [];
  const ops: PcdLayout['ops'] = [];
  const add = (name: string, type: AttributeType, components: number): number => {
    attributes.push({ name, type, components });
    return attributes.length - 1;
  };
  const normals = ['normal_x', 'normal_y', 'normal_z'].map(find);
  const hasNormals = normals.every((i) => i >= 0 && header.fields[i]!.count === 1);
  let packedColor = -1;
  let hasAlpha = false;
  const skipped: string[] = [];
  header.fields.forEach((f, i) => {
    if (f.name === 'x' || f.name === 'y' || f.name === 'z') return;
    if (hasNormals && normals.includes(i)) return;
    if (f.name === '_') {
      skipped.push(f.name);
      return;
    }
    if (packedColor < 0 && isPackedColor(f)) {
      packedColor = fieldStart[i]!;
      hasAlpha = f.name === 'rgba';
      return;
    }
    const attr = add(f.name, f.attributeType, f.count);
    for (let c = 0; c < f.count; c++) ops.push({ value: fieldStart[i]! + c, attr, slot: c });
  });
  if (packedColor >= 0) {
    attributes.unshift({ name: 'color', type: 'uint8', components: 3 });
    if (hasAlpha) attributes.splice(1, 0, { name: 'alpha', type: 'uint8', components: 1 });
    const shift = hasAlpha ? 2 : 1;
    for (const op of ops) op.attr += shift;
  }
  if (hasNormals) {
    const attr = add('normal', 'float32', 3);
    normals.forEach((fi, c) => ops.push({ value: fieldStart[fi]!, attr, slot: c }));
  }
  const integerRanges = header.fields.flatMap((f) => Array.from({ length: f.count }, () => integerRange(f)));
  return { fieldStart, valueCount, x, y, z, packedColor, hasAlpha, attributes, ops, skipped, integerRanges };
}

/** Writes one point's attributes at index `i` of the chunk columns. */
export function writePcdAttributes(layout: PcdLayout, values: Float64Array, columns: TypedArray[], i: number): void {
  if (layout.packedColor >= 0) {
    const bits = values[layout.packedColor]!;
    const color = columns[0]!;
    color[i * 3] = (bits >>> 16) & 0xff;
    color[i * 3 + 1] = (bits >>> 8) & 0xff;
    color[i * 3 + 2] = bits & 0xff;
    if (layout.hasAlpha) columns[1]![i] = (bits >>> 24) & 0xff;
  }
  for (const op of layout.ops) {
    const a = layout.attributes[op.attr]!;
    columns[op.attr]![i * a.components + op.slot] = values[op.value]!;
  }
}
