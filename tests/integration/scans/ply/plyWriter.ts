/**
 * Writes PLY files for tests, independently of the reader: every encoding, any scalar type, list
 * properties. Values are given per record in property order (lists as arrays).
 */
export type PlyType =
  | 'char'
  | 'uchar'
  | 'short'
  | 'ushort'
  | 'int'
  | 'uint'
  | 'float'
  | 'double'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'float32'
  | 'float64';

export interface PlyPropertySpec {
  name: string;
  type: PlyType;
  /** List properties: the count type. */
  list?: PlyType;
}

export interface PlyElementSpec {
  name: string;
  properties: PlyPropertySpec[];
  records: (number | number[])[][];
  /** Declared count when it should lie; defaults to records.length. */
  count?: number;
}

export type PlyEncoding = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

const SIZE: Record<string, number> = {
  char: 1,
  uchar: 1,
  int8: 1,
  uint8: 1,
  short: 2,
  ushort: 2,
  int16: 2,
  uint16: 2,
  int: 4,
  uint: 4,
  int32: 4,
  uint32: 4,
  float: 4,
  float32: 4,
  double: 8,
  float64: 8,
};

function put(view: DataView, at: number, type: PlyType, v: number, le: boolean): number {
  switch (type) {
    case 'char':
    case 'int8':
      view.setInt8(at, v);
      break;
    case 'uchar':
    case 'uint8':
      view.setUint8(at, v);
      break;
    case 'short':
    case 'int16':
      view.setInt16(at, v, le);
      break;
    case 'ushort':
    case 'uint16':
      view.setUint16(at, v, le);
      break;
    case 'int':
    case 'int32':
      view.setInt32(at, v, le);
      break;
    case 'uint':
    case 'uint32':
      view.setUint32(at, v, le);
      break;
    case 'float':
    case 'float32':
      view.setFloat32(at, v, le);
      break;
    case 'double':
    case 'float64':
      view.setFloat64(at, v, le);
      break;
  }
  return at + SIZE[type]!;
}

export function plyHeader(encoding: PlyEncoding, elements: PlyElementSpec[], comments: string[] = []): string {
  const lines = ['ply', `format ${encoding} 1.0`, ...comments.map((c) => `comment ${c}`)];
  for (const el of elements) {
    lines.push(`element ${el.name} ${el.count ?? el.records.length}`);
    for (const p of el.properties) lines.push(p.list ? `property list ${p.list} ${p.type} ${p.name}` : `property ${p.type} ${p.name}`);
  }
  lines.push('end_header');
  return `${lines.join('\n')}\n`;
}

export function writePly(encoding: PlyEncoding, elements: PlyElementSpec[], comments: string[] = []): Uint8Array {
  const header = Buffer.from(plyHeader(encoding, elements, comments), 'latin1');
  if (encoding === 'ascii') {
    const body = elements
      .flatMap((el) => el.records.map((r) => r.map((v) => (Array.isArray(v) ? [v.length, ...v].join(' ') : String(v))).join(' ')))
      .join('\n');
    return Buffer.concat([header, Buffer.from(`${body}\n`, 'latin1')]);
  }
  const le = encoding === 'binary_little_endian';
  let size = 0;
  for (const el of elements) {
    for (const r of el.records) {
      el.properties.forEach((p, i) => {
        const v = r[i]!;
        size += Array.isArray(v) ? SIZE[p.list!]! + v.length * SIZE[p.type]! : SIZE[p.type]!;
      });
    }
  }
  const body = new Uint8Array(size);
  const view = new DataView(body.buffer);
  let at = 0;
  for (const el of elements) {
    for (const r of el.records) {
      el.properties.forEach((p, i) => {
        const v = r[i]!;
        if (Array.isArray(v)) {
          at = put(view, at, p.list!, v.length, le);
          for (const item of v) at = put(view, at, p.type, item, le);
        } else at = put(view, at, p.type, v, le);
      });
    }
  }
  return Buffer.concat([header, body]);
}
