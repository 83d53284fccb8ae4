import { BadInputError } from '../../../errors';
import type { BoundsAccumulator } from '../stream/bounds';
import { allocateAttribute } from '../../model';
import type { FileSource } from '../stream/fileSource';
import type { PointChunk } from '../types';
import { SCALAR_BYTES } from './header';
import type { PlyElement, PlyScalarType } from './header';
import type { VertexLayout } from './layout';
import { fixedRecordSize, minBinaryRecordSize } from './records';

/**
 * Binary vertex elements without list properties (the usual point cloud PLY) decoded column by
 * column: one tight loop per property over a block of records instead of a generic per-record
 * decode and visitor call. Values and errors are the same as walkElements + a visitor gives.
 */

/** Bytes of records read at a time (whole records). */
const BLOCK_BYTES = 4 << 20;

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
 * `perBlock` whole records: the index of the first, the count, a DataView over them and their byte.
 */
async function* blocks(
  src: FileSource,
  layout: FixedVertexElement,
  start: number,
  from: number,
  to: number,
  perBlock: number,
): AsyncGenerator<{ first: number; count: number; view: DataView; at: number }> {
  const { element: el, recordSize } = layout;
  for (let first = from; first < to;) {
    const at = start + first * recordSize;
    const want = Math.min(perBlock, to - first);
    const buf = await src.read(at, want * recordSize);
    const count = Math.floor(buf.length / recordSize);
    if (count < want) {
      throw new BadInputError(
        src.name,
        `file ends inside element "${el.name}" record ${first + count} of ${el.count} (truncated file or list count running past the end)`,
        { byte: at + count * recordSize },
      );
    }
    yield { first, count, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), at };
    first += count;
  }
}

/**
 * The validating pass over the vertex element (see scanBody): every coordinate finite, bounds.
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
  const n = Math.min(layout.element.count, Math.max(1, Math.floor(BLOCK_BYTES / layout.recordSize)));
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const zs = new Float64Array(n);
  const { recordSize: rs, offsets, le } = layout;
  checkFits(src, layout, start);
  for await (const b of blocks(src, layout, start, 0, layout.element.count, n)) {
    readColumn(b.view, offsets[vertex.x]!, rs, b.count, props[vertex.x]!.type, le, xs);
    readColumn(b.view, offsets[vertex.y]!, rs, b.count, props[vertex.y]!.type, le, ys);
    readColumn(b.view, offsets[vertex.z]!, rs, b.count, props[vertex.z]!.type, le, zs);
    for (let i = 0; i < b.count; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      const z = zs[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
        throw new BadInputError(src.name, `vertex ${b.first + i} has a non-finite coordinate (${x}, ${y}, ${z})`, {
          byte: b.at + i * rs,
        });
      }
      bounds.add(x, y, z);
    }
  }
  return start + layout.element.count * layout.recordSize;
}

/** Point chunks of `capacity` points (the last one shorter), as ChunkBuilder would cut them. */
export async function* fixedVertexChunks(
  src: FileSource,
  layout: FixedVertexElement,
  vertex: VertexLayout,
  start: number,
  origin: readonly [number, number, number],
  capacity: number,
  signal?: AbortSignal,
): AsyncGenerator<PointChunk> {
  const props = layout.element.properties as { type: PlyScalarType }[];
  const total = layout.element.count;
  const { recordSize: rs, offsets, le } = layout;
  const { attributes, ops } = vertex.mapping;
  const scratch = new Float64Array(Math.min(capacity, total, Math.max(1, Math.floor(BLOCK_BYTES / rs))));
  checkFits(src, layout, start);
  for (let first = 0; first < total; first += capacity) {
    const n = Math.min(capacity, total - first);
    const positions = new Float32Array(n * 3);
    const columns = attributes.map((a) => allocateAttribute(a.type, n * a.components));
    for await (const b of blocks(src, layout, start, first, first + n, scratch.length)) {
      const count = b.count;
      const base = b.first - first;
      for (let k = 0; k < 3; k++) {
        const prop = k === 0 ? vertex.x : k === 1 ? vertex.y : vertex.z;
        const o = origin[k]!;
        readColumn(b.view, offsets[prop]!, rs, count, props[prop]!.type, le, scratch);
        for (let i = 0, q = base * 3 + k; i < count; i++, q += 3) positions[q] = scratch[i]! - o;
      }
      for (const op of ops) {
        readColumn(b.view, offsets[op.prop]!, rs, count, props[op.prop]!.type, le, scratch);
        const col = columns[op.attr]!;
        const step = op.components;
        const convert = op.convert;
        let q = base * step + op.component;
        if (convert) for (let i = 0; i < count; i++, q += step) col[q] = convert(scratch[i]!);
        else for (let i = 0; i < count; i++, q += step) col[q] = scratch[i]!;
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
