/**
 * Writes PCD files for tests, independently of the reader, including a small LZF compressor so
 * binary_compressed fixtures exercise literal runs and (overlapping) back references.
 */
export interface PcdFieldSpec {
  name: string;
  type: 'F' | 'I' | 'U';
  size: 1 | 2 | 4 | 8;
  count?: number;
}

export type PcdData = 'ascii' | 'binary' | 'binary_compressed';

export interface PcdSpec {
  fields: PcdFieldSpec[];
  /** One flat array of values per point (count values per field, in field order). */
  points: number[][];
  width?: number;
  height?: number;
  /** Declared POINTS when it should lie. */
  declaredPoints?: number;
  version?: string;
}

function put(view: DataView, at: number, f: PcdFieldSpec, v: number): void {
  const key = `${f.type}${f.size}`;
  if (key === 'F4') view.setFloat32(at, v, true);
  else if (key === 'F8') view.setFloat64(at, v, true);
  else if (key === 'I1') view.setInt8(at, v);
  else if (key === 'I2') view.setInt16(at, v, true);
  else if (key === 'I4') view.setInt32(at, v, true);
  else if (key === 'U1') view.setUint8(at, v);
  else if (key === 'U2') view.setUint16(at, v, true);
  else if (key === 'U4') view.setUint32(at, v, true);
  else throw new Error(`writer cannot encode ${key}`);
}

export function pcdHeader(spec: PcdSpec, data: PcdData): string {
  const n = spec.points.length;
  return [
    '# .PCD v0.7 - Point Cloud Data file format',
    `VERSION ${spec.version ?? '0.7'}`,
    `FIELDS ${spec.fields.map((f) => f.name).join(' ')}`,
    `SIZE ${spec.fields.map((f) => f.size).join(' ')}`,
    `TYPE ${spec.fields.map((f) => f.type).join(' ')}`,
    `COUNT ${spec.fields.map((f) => f.count ?? 1).join(' ')}`,
    `WIDTH ${spec.width ?? n}`,
    `HEIGHT ${spec.height ?? 1}`,
    'VIEWPOINT 0 0 0 1 0 0 0',
    `POINTS ${spec.declaredPoints ?? n}`,
    `DATA ${data}`,
    '',
  ].join('\n');
}

/** Greedy LZF: 3-byte hash matches within 8 KiB, literal runs of up to 32 bytes. */
export function lzfCompress(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  const last = new Map<number, number>();
  let literal: number[] = [];
  const flushLiteral = () => {
    for (let i = 0; i < literal.length; i += 32) {
      const run = literal.slice(i, i + 32);
      out.push(run.length - 1, ...run);
    }
    literal = [];
  };
  let ip = 0;
  while (ip < input.length) {
    const key = ip + 2 < input.length ? (input[ip]! << 16) | (input[ip + 1]! << 8) | input[ip + 2]! : -1;
    const ref = key >= 0 ? last.get(key) : undefined;
    if (key >= 0) last.set(key, ip);
    if (ref !== undefined && ip - ref - 1 < 8192) {
      let len = 0;
      while (len < 264 && ip + len < input.length && input[ref + len] === input[ip + len]) len++;
      if (len >= 3) {
        flushLiteral();
        const off = ip - ref - 1;
        const l = len - 2;
        if (l < 7) out.push((l << 5) | (off >> 8), off & 0xff);
        else out.push((7 << 5) | (off >> 8), l - 7, off & 0xff);
        ip += len;
        continue;
      }
    }
    literal.push(input[ip++]!);
  }
  flushLiteral();
  return Uint8Array.from(out);
}

export function writePcd(spec: PcdSpec, data: PcdData): Uint8Array {
  const header = Buffer.from(pcdHeader(spec, data), 'latin1');
  if (data === 'ascii') {
    const body = spec.points.map((p) => p.map((v) => (Number.isNaN(v) ? 'nan' : String(v))).join(' ')).join('\n');
    return Buffer.concat([header, Buffer.from(`${body}\n`, 'latin1')]);
  }
  const counts = spec.fields.map((f) => f.count ?? 1);
  const pointSize = spec.fields.reduce((s, f, i) => s + f.size * counts[i]!, 0);
  const n = spec.points.length;
  const body = new Uint8Array(n * pointSize);
  const view = new DataView(body.buffer);
  spec.points.forEach((p, i) => {
    let at = i * pointSize;
    let k = 0;
    let fieldBlock = 0;
    spec.fields.forEach((f, fi) => {
      for (let c = 0; c < counts[fi]!; c++, k++) {
        // binary: interleaved records; binary_compressed: one block per field
        const where = data === 'binary' ? at : fieldBlock * n + i * f.size * counts[fi]! + c * f.size;
        put(view, where, f, p[k]!);
        at += f.size;
      }
      fieldBlock += f.size * counts[fi]!;
    });
  });
  if (data === 'binary') return Buffer.concat([header, body]);
  const compressed = lzfCompress(body);
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32LE(compressed.length, 0);
  sizes.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, sizes, compressed]);
}
