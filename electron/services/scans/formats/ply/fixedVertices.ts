import { endianness } from 'node:os';
import { BadInputError } from '../../../errors';
import type { BoundsAccumulator } from '../stream/bounds';
import { allocateUnfilled, type TypedArray } from '../../model';
import type { FileSource } from '../stream/fileSource';
import { targetViews } from '../stream/target';
import type { PointChunk, ScanColumns } from '../types';
import { SCALAR_BYTES } from './header';
import type { PlyElement, PlyScalarType } from './header';
import type { AttributeMapping } from './attributes';
import type { VertexLayout } from './layout';
import { fixedRecordSize, minBinaryRecordSize, readScalar } from './records';

/**
 * Binary vertex elements without list properties (the usual point cloud PLY) decoded column by
 * column: one tight loop per property over a block of records instead of a generic per-record
 * decode and visitor call. Values and errors are the same as walkElements + a visitor gives.
 */

/** Bytes of records read at a time (whole records), into one reused buffer. */
export const BLOCK_BYTES = 4 << 20;
/** Records per column pass: a sub-block's bytes and the scratch column stay in cache while every column is read. */
export const SUB_RECORDS = 4096;
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

/** Per-axis range of records, accumulated block by block. */
export interface AxisRanges {
  min: [number, number, number];
  max: [number, number, number];
}

export const emptyRanges = (): AxisRanges => ({ min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] });

/** The x, y, z property indices. */
export type Axes = readonly [number, number, number];

export const axesOf = (vertex: Pick<VertexLayout, 'x' | 'y' | 'z'>): Axes => [vertex.x, vertex.y, vertex.z];

/**
 * Folds `count` records of `view` into `ranges`, column by column per sub-block (a range per axis,
 * a look at single vertices only when one is bad). Returns the index of the first record with a
 * non-finite coordinate (the ranges are then incomplete), or -1.
 */
export function boundsOfBlock(view: DataView, count: number, layout: FixedVertexElement, axes: Axes, scratch: Float64Array, ranges: AxisRanges): number {
  const props = layout.element.properties as { type: PlyScalarType }[];
  const { recordSize: rs, offsets, le } = layout;
  const { min, max } = ranges;
  for (let s = 0; s < count; s += SUB_RECORDS) {
    const n = Math.min(SUB_RECORDS, count - s);
    let bad = -1;
    for (let k = 0; k < 3; k++) {
      readColumn(view, s * rs + offsets[axes[k]!]!, rs, n, props[axes[k]!]!.type, le, scratch);
      let lo = min[k]!;
      let hi = max[k]!;
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
    if (bad >= 0) return s + bad;
  }
  return -1;
}

/** What is wrong with record `index` of a block (its coordinates, as the message states them). */
export function badVertex(view: DataView, index: number, layout: FixedVertexElement, axes: Axes): [number, number, number] {
  const props = layout.element.properties as { type: PlyScalarType }[];
  const o = index * layout.recordSize;
  return axes.map((p) => readScalar(view, o + layout.offsets[p]!, props[p]!.type, layout.le)) as [number, number, number];
}

export const nonFiniteMessage = (index: number, [x, y, z]: readonly number[]) => `vertex ${index} has a non-finite coordinate (${x}, ${y}, ${z})`;

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
  const axes = axesOf(vertex);
  const scratch = new Float64Array(SUB_RECORDS);
  checkFits(src, layout, start);
  const total = layout.element.count;
  for await (const b of blocks(src, layout, start, 0, total, blockBuffer(layout, total))) {
    const ranges = emptyRanges();
    const bad = boundsOfBlock(b.view, b.count, layout, axes, scratch, ranges);
    if (bad >= 0)
      throw new BadInputError(src.name, nonFiniteMessage(b.first + bad, badVertex(b.view, bad, layout, axes)), {
        byte: b.at + bad * layout.recordSize,
      });
    bounds.addRange(ranges.min, ranges.max, b.count);
  }
  return start + total * layout.recordSize;
}

/** Output columns of decodeBlock: positions and the mapping's attributes, with byte views for byte copies. */
export interface VertexColumns {
  positions: Float32Array;
  columns: TypedArray[];
  columnBytes: Uint8Array[];
}

export function vertexColumns(positions: Float32Array, columns: TypedArray[]): VertexColumns {
  return { positions, columns, columnBytes: columns.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength)) };
}

/** Which mapping ops copy bytes as they are (same type, the machine's byte order, no conversion). */
export function byteCopies(layout: FixedVertexElement, mapping: AttributeMapping): boolean[] {
  const props = layout.element.properties as { type: PlyScalarType }[];
  return mapping.ops.map((op) => HOST_LE === layout.le && op.convert === null && mapping.attributes[op.attr]!.type === props[op.prop]!.type);
}

/** Decodes `count` records of `bytes` into `out` from point `base` on (positions relative to `origin`). */
export function decodeBlock(
  bytes: Uint8Array,
  view: DataView,
  count: number,
  layout: FixedVertexElement,
  vertex: VertexLayout,
  origin: readonly [number, number, number],
  byteCopy: boolean[],
  scratch: Float64Array,
  out: VertexColumns,
  base: number,
): void {
  const props = layout.element.properties as { type: PlyScalarType }[];
  const { recordSize: rs, offsets, le } = layout;
  const { ops } = vertex.mapping;
  const { positions, columns, columnBytes } = out;
  const axes = axesOf(vertex);
  for (let s = 0; s < count; s += SUB_RECORDS) {
    const n = Math.min(SUB_RECORDS, count - s);
    const at = base + s;
    for (let k = 0; k < 3; k++) {
      const prop = axes[k]!;
      const o = origin[k]!;
      readColumn(view, s * rs + offsets[prop]!, rs, n, props[prop]!.type, le, scratch);
      for (let i = 0, q = at * 3 + k; i < n; i++, q += 3) positions[q] = scratch[i]! - o;
    }
    ops.forEach((op, j) => {
      const col = columns[op.attr]!;
      const step = op.components;
      if (byteCopy[j]) {
        const size = SCALAR_BYTES[props[op.prop]!.type];
        copyStrided(bytes, s * rs + offsets[op.prop]!, rs, n, size, columnBytes[op.attr]!, (at * step + op.component) * size, step * size);
        return;
      }
      readColumn(view, s * rs + offsets[op.prop]!, rs, n, props[op.prop]!.type, le, scratch);
      const convert = op.convert;
      let q = at * step + op.component;
      if (convert) for (let i = 0; i < n; i++, q += step) col[q] = convert(scratch[i]!);
      else for (let i = 0; i < n; i++, q += step) col[q] = scratch[i]!;
    });
  }
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
  const total = layout.element.count;
  const { attributes } = vertex.mapping;
  const byteCopy = byteCopies(layout, vertex.mapping);
  const scratch = new Float64Array(SUB_RECORDS);
  const buffer = blockBuffer(layout, Math.min(capacity, total));
  checkFits(src, layout, start);
  for (let first = 0; first < total; first += capacity) {
    const n = Math.min(capacity, total - first);
    const views = target ? targetViews(target, first, n) : null;
    const positions = views ? views.positions : (allocateUnfilled('float32', n * 3) as Float32Array);
    const columns = views ? views.attributes.map((a) => a.values) : attributes.map((a) => allocateUnfilled(a.type, n * a.components));
    const out = vertexColumns(positions, columns);
    for await (const b of blocks(src, layout, start, first, first + n, buffer))
      decodeBlock(b.bytes, b.view, b.count, layout, vertex, origin, byteCopy, scratch, out, b.first - first);
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
