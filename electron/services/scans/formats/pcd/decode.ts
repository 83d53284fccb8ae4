import { parseNumber } from '../stream/numbers';
import type { PcdField, PcdHeader } from './header';
import type { PcdLayout } from './layout';

function readValue(view: DataView, at: number, f: PcdField): number {
  switch (f.type) {
    case 'F':
      return f.size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
    case 'I':
      return f.size === 1
        ? view.getInt8(at)
        : f.size === 2
          ? view.getInt16(at, true)
          : f.size === 4
            ? view.getInt32(at, true)
            : Number(view.getBigInt64(at, true));
    case 'U':
      return f.size === 1
        ? view.getUint8(at)
        : f.size === 2
          ? view.getUint16(at, true)
          : f.size === 4
            ? view.getUint32(at, true)
            : Number(view.getBigUint64(at, true));
  }
}

/**
 * Decodes point `i` from binary data into the flat `values`. `fieldBase[f]` and `stride[f]` locate
 * field f of point 0 and the step between points, which covers both layouts PCL writes:
 * interleaved records (binary) and one block per field (binary_compressed after LZF).
 */
export function decodeBinaryPoint(
  view: DataView,
  i: number,
  header: PcdHeader,
  layout: PcdLayout,
  fieldBase: number[],
  stride: number[],
  values: Float64Array,
): void {
  const fields = header.fields;
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!;
    const at = fieldBase[f]! + i * stride[f]!;
    const start = layout.fieldStart[f]!;
    if (start === layout.packedColor) {
      values[start] = view.getUint32(at, true); // colour bits, whatever TYPE says
      continue;
    }
    for (let c = 0; c < field.count; c++) values[start + c] = readValue(view, at + c * field.size, field);
  }
}

/** Interleaved records: every field at its record offset, records pointSize apart. */
export function interleavedStrides(header: PcdHeader): { fieldBase: number[]; stride: number[] } {
  return { fieldBase: header.fields.map((f) => f.offset), stride: header.fields.map(() => header.pointSize) };
}

/** binary_compressed after decompression: all points of field 0, then all of field 1, ... */
export function fieldBlockStrides(header: PcdHeader): { fieldBase: number[]; stride: number[] } {
  return { fieldBase: header.fields.map((f) => f.offset * header.points), stride: header.fields.map((f) => f.size * f.count) };
}

const float32Bits = new DataView(new ArrayBuffer(4));

/**
 * Packed colour written as text: PCL writes the 32 bits as an unsigned integer; other writers print
 * the float whose bits they are (tiny or NaN-looking numbers). Integers in uint32 range are taken
 * as the bits themselves, anything else as a float to reinterpret.
 */
function packedColorFromText(v: number): number {
  if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  float32Bits.setFloat32(0, v, true);
  return float32Bits.getUint32(0, true);
}

/** Decodes one ascii line's tokens into `values`; returns what is wrong, or null. */
export function decodeAsciiPoint(tokens: string[], layout: PcdLayout, values: Float64Array): string | null {
  if (tokens.length !== layout.valueCount) return `expected ${layout.valueCount} values, found ${tokens.length}`;
  for (let k = 0; k < tokens.length; k++) {
    const v = parseNumber(tokens[k]!);
    if (v === undefined) return `"${tokens[k]!.slice(0, 40)}" is not a number`;
    if (k === layout.packedColor) {
      values[k] = packedColorFromText(v);
      continue;
    }
    const range = layout.integerRanges[k];
    if (range && !(Number.isInteger(v) && v >= range.lo && v <= range.hi)) {
      return `"${tokens[k]!.slice(0, 40)}" is not a valid value for integer field "${range.field}" (${range.lo}..${range.hi})`;
    }
    values[k] = v;
  }
  return null;
}
