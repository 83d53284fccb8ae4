import { parseNumber } from '../stream/numbers';
import { SCALAR_BYTES, isIntegerType } from './header';
import type { PlyElement, PlyScalarType } from './header';

/**
 * One decoded PLY record, reused from record to record: scalar property values by property index
 * (NaN at list positions) and list items by property index (empty at scalar positions).
 */
export interface RecordValues {
  scalars: Float64Array;
  lists: number[][];
}

export function newRecordValues(element: PlyElement): RecordValues {
  return { scalars: new Float64Array(element.properties.length), lists: element.properties.map(() => []) };
}

export function readScalar(view: DataView, at: number, type: PlyScalarType, le: boolean): number {
  switch (type) {
    case 'int8':
      return view.getInt8(at);
    case 'uint8':
      return view.getUint8(at);
    case 'int16':
      return view.getInt16(at, le);
    case 'uint16':
      return view.getUint16(at, le);
    case 'int32':
      return view.getInt32(at, le);
    case 'uint32':
      return view.getUint32(at, le);
    case 'float32':
      return view.getFloat32(at, le);
    case 'float64':
      return view.getFloat64(at, le);
  }
}

/** Record size when the element has no list properties, else null. */
export function fixedRecordSize(element: PlyElement): number | null {
  let size = 0;
  for (const p of element.properties) {
    if (p.kind === 'list') return null;
    size += SCALAR_BYTES[p.type];
  }
  return size;
}

/** Fewest bytes a binary record can take (every list empty): used to reject lying element counts. */
export function minBinaryRecordSize(element: PlyElement): number {
  let size = 0;
  for (const p of element.properties) size += SCALAR_BYTES[p.kind === 'list' ? p.countType : p.type];
  return size;
}

/**
 * Decodes one binary record at `at`; bytes are valid up to `limit`. Returns the offset just after
 * the record, or -1 when the record extends past `limit` (the caller reads more or reports EOF).
 */
export function decodeBinaryRecord(view: DataView, at: number, limit: number, element: PlyElement, le: boolean, out: RecordValues): number {
  const props = element.properties;
  for (let i = 0; i < props.length; i++) {
    const p = props[i]!;
    if (p.kind === 'scalar') {
      const size = SCALAR_BYTES[p.type];
      if (at + size > limit) return -1;
      out.scalars[i] = readScalar(view, at, p.type, le);
      at += size;
    } else {
      const countSize = SCALAR_BYTES[p.countType];
      if (at + countSize > limit) return -1;
      const n = readScalar(view, at, p.countType, le);
      at += countSize;
      const itemSize = SCALAR_BYTES[p.itemType];
      // A negative count (signed count type) is as broken as one running past the data.
      if (n < 0 || at + n * itemSize > limit) return n < 0 ? -2 : -1;
      const list = out.lists[i]!;
      list.length = n;
      for (let k = 0; k < n; k++, at += itemSize) list[k] = readScalar(view, at, p.itemType, le);
      out.scalars[i] = NaN;
    }
  }
  return at;
}

const INT_RANGE: Record<PlyScalarType, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  float32: [-Infinity, Infinity],
  float64: [-Infinity, Infinity],
};

function checkValue(token: string | undefined, type: PlyScalarType): number | string {
  if (token === undefined) return 'fewer values than the element declares';
  const v = parseNumber(token);
  if (v === undefined) return `"${token}" is not a number`;
  if (isIntegerType(type)) {
    const [lo, hi] = INT_RANGE[type];
    if (!Number.isInteger(v) || v < lo || v > hi) return `"${token}" is not a valid ${type}`;
  }
  return v;
}

/**
 * Decodes one ascii record (one line's tokens). Returns null on success or what is wrong with it.
 */
export function decodeAsciiRecord(tokens: string[], element: PlyElement, out: RecordValues): string | null {
  const props = element.properties;
  let t = 0;
  for (let i = 0; i < props.length; i++) {
    const p = props[i]!;
    if (p.kind === 'scalar') {
      const v = checkValue(tokens[t++], p.type);
      if (typeof v === 'string') return `property "${p.name}": ${v}`;
      out.scalars[i] = v;
    } else {
      const n = checkValue(tokens[t++], p.countType);
      if (typeof n === 'string') return `list "${p.name}" count: ${n}`;
      if (n < 0) return `list "${p.name}" has negative count ${n}`;
      if (t + n > tokens.length) return `list "${p.name}" declares ${n} items but the line has only ${tokens.length - t}`;
      const list = out.lists[i]!;
      list.length = n;
      for (let k = 0; k < n; k++) {
        const v = checkValue(tokens[t++], p.itemType);
        if (typeof v === 'string') return `list "${p.name}" item ${k}: ${v}`;
        list[k] = v;
      }
      out.scalars[i] = NaN;
    }
  }
  if (t !== tokens.length) return `expected ${t} values, found ${tokens.length}`;
  return null;
}
