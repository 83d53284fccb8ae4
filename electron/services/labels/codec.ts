/**
 * Compact binary encodings for undo data and sparse instance ids. Undo of a million-point edit must
 * be one blob read, so the touched indices are stored as runs of consecutive indices and the values
 * as runs of equal tuples, both with LEB128 varints (selections and prior labels are spatially
 * coherent, so runs are long).
 */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(extra: number) {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(v: number) {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  /** Unsigned LEB128 for 0 <= v < 2^32. */
  varint(v: number) {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }

  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class CodecError extends Error {}

export class ByteReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done() {
    return this.pos >= this.buf.length;
  }

  byte(): number {
    const v = this.buf[this.pos++];
    if (v === undefined) throw new CodecError('unexpected end of data');
    return v;
  }

  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    throw new CodecError('varint longer than 5 bytes');
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new CodecError('unexpected end of data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Streams strictly ascending indices into [count, (gap from previous run end, run length - 1)*]. */
export class IndexRunWriter {
  private readonly w: ByteWriter;
  private count = 0;
  private runStart = -1;
  private runLen = 0;
  private prevEnd = 0;

  constructor(expected = 0) {
    this.w = new ByteWriter(16 + (expected >> 4));
  }

  push(i: number) {
    this.pushRun(i, 1);
  }

  /** Appends start, start+1, ..., start+len-1. */
  pushRun(start: number, len: number) {
    this.count += len;
    if (this.runLen > 0 && start === this.runStart + this.runLen) {
      this.runLen += len;
      return;
    }
    this.flush();
    this.runStart = start;
    this.runLen = len;
  }

  private flush() {
    if (this.runLen === 0) return;
    this.w.varint(this.runStart - this.prevEnd);
    this.w.varint(this.runLen - 1);
    this.prevEnd = this.runStart + this.runLen;
  }

  finish(): Uint8Array {
    this.flush();
    this.runLen = 0;
    const body = this.w.finish();
    const out = new ByteWriter(body.length + 5);
    out.varint(this.count);
    out.bytes(body);
    return out.finish();
  }
}

/** Sorted unique indices -> index runs (see IndexRunWriter). */
export function encodeIndexRuns(sorted: ArrayLike<number>, count = sorted.length): Uint8Array {
  const w = new IndexRunWriter(count);
  for (let i = 0; i < count; i++) w.push(sorted[i]!);
  return w.finish();
}

export function decodeIndexRuns(data: Uint8Array): Uint32Array {
  const r = new ByteReader(data);
  const count = r.varint();
  const out = new Uint32Array(count);
  let n = 0;
  let prevEnd = 0;
  while (n < count) {
    const start = prevEnd + r.varint();
    const len = r.varint() + 1;
    if (n + len > count) throw new CodecError('index runs exceed their count');
    for (let k = 0; k < len; k++) out[n++] = start + k;
    prevEnd = start + len;
  }
  return out;
}

/** Target of replayRuns: the dense arrays of one chunk. */
export interface RunTarget {
  classes: Uint8Array | Uint16Array;
  flags: Uint8Array;
  confidence: Uint8Array | null;
  /** The chunk's instance array for writing; null when it has none and create is false. */
  instances: (create: boolean) => Uint32Array | null;
  size: number;
}

/**
 * Writes stored values back at stored indices (undo and redo) by walking the index runs and the
 * value runs together and filling the overlaps: a coherent million-point edit becomes a few fills.
 * Returns how many points were written.
 */
export function replayRuns(indexData: Uint8Array, valueData: Uint8Array, target: RunTarget): number {
  const ir = new ByteReader(indexData);
  const vr = new ByteReader(valueData);
  const count = ir.varint();
  if (vr.varint() !== count) throw new CodecError('values do not match indices');
  let prevEnd = 0;
  let idxStart = 0;
  let idxLeft = 0;
  let valLeft = 0;
  let c = 0;
  let f = 0;
  let q = 0;
  let inst = 0;
  let inst32: Uint32Array | null = null;
  let probed = false;
  let done = 0;
  while (done < count) {
    if (idxLeft === 0) {
      idxStart = prevEnd + ir.varint();
      idxLeft = ir.varint() + 1;
      prevEnd = idxStart + idxLeft;
      if (prevEnd > target.size) throw new CodecError(`index ${prevEnd - 1} outside chunk of ${target.size}`);
    }
    if (valLeft === 0) {
      valLeft = vr.varint();
      c = vr.varint();
      f = vr.byte();
      q = vr.byte();
      inst = vr.varint();
      if (valLeft === 0) throw new CodecError('empty value run');
      if (inst !== 0 && !inst32) inst32 = target.instances(true);
    }
    const n = Math.min(idxLeft, valLeft, count - done);
    const end = idxStart + n;
    target.classes.fill(c, idxStart, end);
    target.flags.fill(f, idxStart, end);
    if (target.confidence) target.confidence.fill(q, idxStart, end);
    if (!inst32 && !probed) inst32 = target.instances(false);
    probed = true;
    if (inst32) inst32.fill(inst, idxStart, end);
    idxStart = end;
    idxLeft -= n;
    valLeft -= n;
    done += n;
  }
  if (!ir.done || !vr.done) throw new CodecError('trailing undo data');
  return done;
}

/** The four per-point label values, as one tuple. */
export interface LabelValues {
  classes: Uint16Array;
  flags: Uint8Array;
  confidence: Uint8Array;
  instances: Uint32Array;
}

/** Streams (class, flags, confidence, instance) tuples into runs of equal tuples. */
export class ValueRunWriter {
  private readonly w: ByteWriter;
  private runLen = 0;
  private c = 0;
  private f = 0;
  private q = 0;
  private inst = 0;
  private total = 0;

  constructor(expected: number) {
    this.w = new ByteWriter(32 + (expected >> 3));
  }

  push(c: number, f: number, q: number, inst: number) {
    this.pushRun(1, c, f, q, inst);
  }

  /** Appends len copies of one tuple. */
  pushRun(len: number, c: number, f: number, q: number, inst: number) {
    this.total += len;
    if (this.runLen > 0 && c === this.c && f === this.f && q === this.q && inst === this.inst) {
      this.runLen += len;
      return;
    }
    this.flush();
    this.runLen = len;
    this.c = c;
    this.f = f;
    this.q = q;
    this.inst = inst;
  }

  private flush() {
    if (this.runLen === 0) return;
    this.w.varint(this.runLen);
    this.w.varint(this.c);
    this.w.byte(this.f);
    this.w.byte(this.q);
    this.w.varint(this.inst);
  }

  finish(): Uint8Array {
    this.flush();
    this.runLen = 0;
    const body = this.w.finish();
    const head = new ByteWriter(8);
    head.varint(this.total);
    head.bytes(body);
    return head.finish();
  }
}

export function decodeValueRuns(data: Uint8Array): LabelValues {
  const r = new ByteReader(data);
  const count = r.varint();
  const v: LabelValues = {
    classes: new Uint16Array(count),
    flags: new Uint8Array(count),
    confidence: new Uint8Array(count),
    instances: new Uint32Array(count),
  };
  let n = 0;
  while (n < count) {
    const len = r.varint();
    const c = r.varint();
    const f = r.byte();
    const q = r.byte();
    const inst = r.varint();
    if (len === 0 || n + len > count) throw new CodecError('value runs exceed their count');
    v.classes.fill(c, n, n + len);
    v.flags.fill(f, n, n + len);
    v.confidence.fill(q, n, n + len);
    v.instances.fill(inst, n, n + len);
    n += len;
  }
  return v;
}

const SPARSE = 1;
const DICTIONARY = 2;

/**
 * Instance ids of one chunk, or null when no point has one. Two layouts, the smaller wins:
 * sparse (index runs + value runs; cheap when few points belong to instances) or dictionary
 * (a table of distinct ids + one uint8/uint16 slot per point; bounded at 1-2 bytes per point).
 */
export function encodeInstances(instances: Uint32Array): Uint8Array | null {
  const idx = new IndexRunWriter();
  const vals = new ValueRunWriter(0);
  let count = 0;
  for (let i = 0; i < instances.length; i++) {
    const v = instances[i]!;
    if (v === 0) continue;
    idx.push(i);
    vals.push(0, 0, 0, v);
    count++;
  }
  if (count === 0) return null;
  const runs = idx.finish();
  const sparse = new ByteWriter(runs.length + 64);
  sparse.byte(SPARSE);
  sparse.varint(runs.length);
  sparse.bytes(runs);
  sparse.bytes(vals.finish());
  const sparseBytes = sparse.finish();
  // A dictionary costs at least one byte per point, so it can only win above that.
  if (sparseBytes.length <= instances.length) return sparseBytes;

  const slots = new Map<number, number>();
  for (let i = 0; i < instances.length; i++) {
    const id = instances[i]!;
    if (id !== 0 && !slots.has(id)) slots.set(id, slots.size + 1);
  }
  if (slots.size > 0xfffe) return sparseBytes;
  const width = slots.size < 0xff ? 1 : 2;
  if (sparseBytes.length <= instances.length * width + slots.size * 5 + 8) return sparseBytes;
  const dict = new ByteWriter(instances.length * width + slots.size * 5 + 8);
  dict.byte(DICTIONARY);
  dict.varint(slots.size);
  for (const id of slots.keys()) dict.varint(id);
  dict.byte(width);
  const dense = width === 1 ? new Uint8Array(instances.length) : new Uint16Array(instances.length);
  for (let i = 0; i < instances.length; i++) if (instances[i] !== 0) dense[i] = slots.get(instances[i]!)!;
  dict.bytes(new Uint8Array(dense.buffer, dense.byteOffset, dense.byteLength));
  return dict.finish();
}

export function decodeInstances(data: Uint8Array, size: number): Uint32Array {
  const out = new Uint32Array(size);
  const r = new ByteReader(data);
  const mode = r.byte();
  if (mode === SPARSE) {
    const idx = decodeIndexRuns(r.bytes(r.varint()));
    const vals = decodeValueRuns(data.subarray(r.pos));
    if (vals.instances.length !== idx.length) throw new CodecError('instance runs do not match their indices');
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      if (i >= size) throw new CodecError(`instance index ${i} outside chunk of ${size}`);
      out[i] = vals.instances[k]!;
    }
    return out;
  }
  if (mode === DICTIONARY) {
    const n = r.varint();
    const table = new Uint32Array(n + 1);
    for (let k = 1; k <= n; k++) table[k] = r.varint();
    const width = r.byte();
    if (width !== 1 && width !== 2) throw new CodecError(`bad instance slot width ${width}`);
    const raw = r.bytes(size * width).slice();
    const slots = width === 1 ? raw : new Uint16Array(raw.buffer, 0, size);
    for (let i = 0; i < size; i++) {
      const s = slots[i]!;
      if (s > n) throw new CodecError(`instance slot ${s} outside table of ${n}`);
      out[i] = table[s]!;
    }
    return out;
  }
  throw new CodecError(`unknown instance encoding ${mode}`);
}
