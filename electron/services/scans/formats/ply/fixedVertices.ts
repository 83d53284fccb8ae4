import { endianness } from 'node:os';
import { BadInputError } from '../../../errors';
import type { BoundsAccumulator } from '../stream/bounds';
import { allocateUnfilled } from '../../model';
import type { FileSource } from '../stream/fileSource';
import { targetViews } from '../stream/target';
import type { PointChunk, ScanColumns } from '../types';
import { SCALAR_BYTES } from './header';
import type { PlyElement, PlyScalarType } from './header';
import type { VertexLayout } from './layout';
import { fixedRecordSize, minBinaryRecordSize, readScalar } from './records';

/**
 * Binary vertex elements without list properties (the usual point cloud PLY) decoded column by
 * column: one tight loop per property over a block of records instead of a generic per-record
 * decode and visitor call. Values and errors are the same as walkElements + a visitor gives.
 */

/** Bytes of records read at a time (whole records), into one reused buffer. */
const BLOCK_BYTES = 4 << 20;
/** Records per column pass: a sub-block's bytes and the scratch column stay in cache while every column is read. */
const SUB_RECORDS = 4096;
/** Same-type properties are copied as bytes when the file's byte order is the machine's. */
const HOST_LE = endianness() === 'LE';

export interface FixedVertexElement {
  element: PlyElement;
  recordSize: number;
  /** Byte offset of each property inside a record. */
  offsets: number[];
  le: boolean;
}

/** The column layout of the vertex element when the file is binary and its records have a fixed size, else null. */
export function fixedVertexElement(encoding: string, element: PlyElement): FixedVertexElement | null {
  if (encoding === 'ascii') return null;
  const recordSize = fixedRecordSize(element);
  if (recordSize === null || recordSize === 0) return null;
  const offsets: number[] = [];
  let at = 0;
  for (const p of element.properties) {
    offsets.push(at);
    at += SCALAR_BYTES[(p as { type: PlyScalarType }).type];
  }
  return { element, recordSize, offsets, le: encoding === 'binary_little_endian' };
}

/** Reads `count` values of one property, records `stride` bytes apart starting at byte `first`, into `out`. */
function readColumn(
  view: DataView,
  first: number,
  stride: number,
  count: number,
  type: PlyScalarType,
  le: boolean,
  out: Float64Array,
): void {
  switch (type) {
    case 'int8':
      for (let i = 0, o = first; i < count; i++, o += stride) out[i] = view.getInt8(o);
      return;
    case 'uint8':
      for (let i = 0, o = first; i < count; i++, o += stride) out[i] = view.getUint8(o);
      return;
    case 'int16':
      for (let i = 0, o = first; i < count; i++, o += stride) out[i] = view.getInt16(o, le);
      return;
    case 'uint16':
      for (let i = 0, o = first; i < count; i++, o += stride) out[i] = view.getUint16(o, le);
      return;
    case 'int32':
      for (let i = 0, o = first; i < count; i++, o += stride) out[i] = view.getInt32(o, le);
      return;
    case 'uint32':
      for (let i = 0, o = first; i < count; i++, o += stride) out[i] = view.getUint32(o, le);
      return;
    case 'float32':
      for (let i = 0, o = first; i < count; i++, o += stride) out[i] = view.getFloat32(o, le);
      return;
    case 'float64':
      for (let i = 0, o = first; i < count; i++, o += stride) out[i] = view.getFloat64(o, le);
      return;
  }
}

/** The element must fit in the bytes after `start` (the check walkElements makes before an element). */
function checkFits(src: FileSource, layout: FixedVertexElement, start: number): void {
  const el = layout.element;
  if (el.count * minBinaryRecordSize(el) > src.size - start) {
    throw new BadInputError(
      src.name,
      `element "${el.name}" declares ${el.count} records of at least ${minBinaryRecordSize(el)} bytes but only ${src.size - start} bytes remain`,
      { byte: start },
    );
  }
}

/**
 * Records `from` to `to` (exclusive) of the element starting at byte `start`, in blocks of at most
 * `perBlock` whole records: the index of the first, the count, the bytes and a DataView over them
 * (valid until the next block: one buffer is reused) and their file offset.
 */
async function* blocks(
  src: FileSource,
  layout: FixedVertexElement,
  start: number,
  from: number,
  to: number,
  buffer: Uint8Array,
): AsyncGenerator<{ first: number; count: number; bytes: Uint8Array; view: DataView; at: number }> {
  const { element: el, recordSize } = layout;
  const perBlock = buffer.length / recordSize;
  for (let first = from; first < to;) {
    const at = start + first * recordSize;
    const want = Math.min(perBlock, to - first);
    const bytes = buffer.subarray(0, want * recordSize);
    const count = Math.floor((await src.readInto(at, bytes)) / recordSize);
    if (count < want) {
      throw new BadInputError(
        src.name,
        `file ends inside element "${el.name}" record ${first + count} of ${el.count} (truncated file or list count running past the end)`,
        { byte: at + count * recordSize },
      );
    }
    yield { first, count, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), at };
    first += count;
  }
}

/** The read buffer for blocks(): whole records, at most BLOCK_BYTES (one record at least), no more than `limit` records. */
function blockBuffer(layout: FixedVertexElement, limit: number): Uint8Array {
  const records = Math.max(1, Math.min(limit, Math.floor(BLOCK_BYTES / layout.recordSize)));
  return new Uint8Array(Buffer.allocUnsafeSlow(records * layout.recordSize).buffer);
}

/**
 * The validating pass over the vertex element (see scanBody): every coordinate finite, bounds.
 * Column-wise per sub-block: a range per axis, and a look at single vertices only when one is bad.
 * Returns the byte where the next element starts.
 */
export async function scanFixedVertices(
  src: FileSource,
  layout: FixedVertexElement,
  vertex: VertexLayout,
  start: number,
  bounds: BoundsAccumulator,
): Promise<number> {
  const props = layout.element.properties as { type: PlyScalarType }[];
  const { recordSize: rs, offsets, le } = layout;
  const axes = [vertex.x, vertex.y, vertex.z];
  const scratch = new Float64Array(SUB_RECORDS);
  const min: [number, number, number] = [0, 0, 0];
  const max: [number, number, number] = [0, 0, 0];
  checkFits(src, layout, start);
  const total = layout.element.count;
  for await (const b of blocks(src, layout, start, 0, total, blockBuffer(layout, total))) {
    for (let s = 0; s < b.count; s += SUB_RECORDS) {
      const n = Math.min(SUB_RECORDS, b.count - s);
      let bad = -1;
      for (let k = 0; k < 3; k++) {
        readColumn(b.view, s * rs + offsets[axes[k]!]!, rs, n, props[axes[k]!]!.type, le, scratch);
        let lo = Infinity;
        let hi = -Infinity;
        let finite = true;
        for (let i = 0; i < n; i++) {
          const v = scratch[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
          // NaN and +-Infinity both give NaN here.
          if (v - v !== 0) finite = false;
        }
        if (!finite) for (let i = 0; i < n && (bad < 0 || i < bad); i++) if (scratch[i]! - scratch[i]! !== 0) bad = i;
        min[k] = lo;
        max[k] = hi;
      }
      if (bad >= 0) {
        const o = (s + bad) * rs;
        const [x, y, z] = axes.map((p) => readScalar(b.view, o + offsets[p]!, props[p]!.type, le));
        throw new BadInputError(src.name, `vertex ${b.first + s + bad} has a non-finite coordinate (${x}, ${y}, ${z})`, {
          byte: b.at + o,
        });
      }
      bounds.addRange(min, max, n);
    }
  }
  return start + total * rs;
}

/**
 * Point chunks of `capacity` points (the last one shorter), as ChunkBuilder would cut them. With a
 * `target` (ReadOptions.target, already checked to fit) chunks are decoded in place into it.
 */
export async function* fixedVertexChunks(
  src: FileSource,
  layout: FixedVertexElement,
  vertex: VertexLayout,
  start: number,
  origin: readonly [number, number, number],
  capacity: number,
  signal?: AbortSignal,
  target?: ScanColumns | null,
): AsyncGenerator<PointChunk> {
  const props = layout.element.properties as { type: PlyScalarType }[];
  const total = layout.element.count;
  const { recordSize: rs, offsets, le } = layout;
  const { attributes, ops } = vertex.mapping;
  const byteCopy = ops.map((op) => HOST_LE === le && op.convert === null && attributes[op.attr]!.type === props[op.prop]!.type);
  const scratch = new Float64Array(SUB_RECORDS);
  const buffer = blockBuffer(layout, Math.min(capacity, total));
  checkFits(src, layout, start);
  for (let first = 0; first < total; first += capacity) {
    const n = Math.min(capacity, total - first);
    const out = target ? targetViews(target, first, n) : null;
    const positions = out ? out.positions : (allocateUnfilled('float32', n * 3) as Float32Array);
    const columns = out ? out.attributes.map((a) => a.values) : attributes.map((a) => allocateUnfilled(a.type, n * a.components));
    const columnBytes = columns.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    for await (const b of blocks(src, layout, start, first, first + n, buffer)) {
      for (let s = 0; s < b.count; s += SUB_RECORDS) {
        const count = Math.min(SUB_RECORDS, b.count - s);
        const base = b.first - first + s;
        for (let k = 0; k < 3; k++) {
          const prop = k === 0 ? vertex.x : k === 1 ? vertex.y : vertex.z;
          const o = origin[k]!;
          readColumn(b.view, s * rs + offsets[prop]!, rs, count, props[prop]!.type, le, scratch);
          for (let i = 0, q = base * 3 + k; i < count; i++, q += 3) positions[q] = scratch[i]! - o;
        }
        ops.forEach((op, j) => {
          const col = columns[op.attr]!;
          const step = op.components;
          if (byteCopy[j]) {
            const size = SCALAR_BYTES[props[op.prop]!.type];
            copyStrided(
              b.bytes,
              s * rs + offsets[op.prop]!,
              rs,
              count,
              size,
              columnBytes[op.attr]!,
              (base * step + op.component) * size,
              step * size,
            );
            return;
          }
          readColumn(b.view, s * rs + offsets[op.prop]!, rs, count, props[op.prop]!.type, le, scratch);
          const convert = op.convert;
          let q = base * step + op.component;
          if (convert) for (let i = 0; i < count; i++, q += step) col[q] = convert(scratch[i]!);
          else for (let i = 0; i < count; i++, q += step) col[q] = scratch[i]!;
        });
      }
    }
    signal?.throwIfAborted();
    yield {
      start: first,
      count: n,
      positions,
      attributes: attributes.map((a, k) => ({ name: a.name, type: a.type, components: a.components, values: columns[k]! })),
    };
  }
}

/** Copies `count` values of `size` bytes, `stride` bytes apart from `first`, to `out` every `outStride` bytes from `outFirst`. */
function copyStrided(
  bytes: Uint8Array,
  first: number,
  stride: number,
  count: number,
  size: number,
  out: Uint8Array,
  outFirst: number,
  outStride: number,
): void {
  if (size === 1) {
    for (let i = 0, o = first, q = outFirst; i < count; i++, o += stride, q += outStride) out[q] = bytes[o]!;
    return;
  }
  for (let i = 0, o = first, q = outFirst; i < count; i++, o += stride, q += outStride)
    for (let k = 0; k < size; k++) out[q + k] = bytes[o + k]!;
}
