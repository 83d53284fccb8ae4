import { allocateUnfilled, type ScanAttribute, type TypedArray } from '../../model';
import { forEachRecordBlock, type ShortRead } from '../stream/sync-records';
import { mapProperties } from './attributes';
import {
  axesOf,
  badVertex,
  boundsOfBlock,
  byteCopies,
  decodeBlock,
  emptyRanges,
  fixedVertexElement,
  SUB_RECORDS,
  vertexColumns,
  type AxisRanges,
  type FixedVertexElement,
} from './fixedVertices';
import type { PlyElement } from './header';
import type { VertexLayout } from './layout';

/**
 * Worker jobs over a range of a binary PLY vertex element with fixed-size records: the worker reads
 * the records from the file itself and runs the same block functions as the reader's own thread.
 */
interface VertexRangeJob {
  id: number;
  path: string;
  /** Byte where the vertex element starts. */
  elementStart: number;
  first: number;
  count: number;
  element: PlyElement;
  le: boolean;
  /** x, y, z property indices. */
  axes: [number, number, number];
}

/** The validating pass over a range: per-axis ranges, or the first vertex with a non-finite coordinate. */
export interface PlyBoundsJob extends VertexRangeJob {
  kind: 'ply-bounds';
}

/**
 * Decoding a range (positions relative to `origin`) into `out`, columns the caller allocated and
 * transferred with the job, which come back in the outcome; without them the worker allocates its own.
 */
export interface PlyVerticesJob extends VertexRangeJob {
  kind: 'ply-vertices';
  origin: [number, number, number];
  out?: PlyVertexColumns;
}

/** Positions and one column per mapped attribute (`mapping.attributes` order), for exactly `count` vertices. */
export interface PlyVertexColumns {
  positions: Float32Array;
  columns: TypedArray[];
}

export function allocateVertexColumns(
  attributes: readonly { type: ScanAttribute['type']; components: number }[],
  count: number,
): PlyVertexColumns {
  return {
    positions: allocateUnfilled('float32', count * 3) as Float32Array,
    columns: attributes.map((a) => allocateUnfilled(a.type, count * a.components)),
  };
}

type Failed = { id: number; ok: false } & ShortRead;
export type PlyBoundsOutcome =
  | { id: number; ok: true; ranges: AxisRanges; bad: { index: number; coordinates: [number, number, number]; byte: number } | null }
  | Failed;
export type PlyVerticesOutcome = { id: number; ok: true; positions: Float32Array; attributes: ScanAttribute[] } | Failed;

/** The reader's layouts, rebuilt from plain data (the mapping's conversions are functions, which do not cross threads). */
function layoutsOf(job: VertexRangeJob): { layout: FixedVertexElement; vertex: VertexLayout } {
  const layout = fixedVertexElement(job.le ? 'binary_little_endian' : 'binary_big_endian', job.element)!;
  const [x, y, z] = job.axes;
  return { layout, vertex: { element: 0, x, y, z, mapping: mapProperties(job.element, new Set(['x', 'y', 'z'])) } };
}

const startOf = (job: VertexRangeJob, layout: FixedVertexElement) => job.elementStart + job.first * layout.recordSize;

export function runPlyBoundsJob(job: PlyBoundsJob): PlyBoundsOutcome {
  const { layout, vertex } = layoutsOf(job);
  const axes = axesOf(vertex);
  const scratch = new Float64Array(SUB_RECORDS);
  const ranges = emptyRanges();
  let bad: { index: number; coordinates: [number, number, number]; byte: number } | null = null;
  const at = startOf(job, layout);
  const short = forEachRecordBlock(job.path, at, job.count, layout.recordSize, (_bytes, view, first, n) => {
    if (bad) return;
    const i = boundsOfBlock(view, n, layout, axes, scratch, ranges);
    if (i >= 0) bad = { index: job.first + first + i, coordinates: badVertex(view, i, layout, axes), byte: at + (first + i) * layout.recordSize };
  });
  return short ? { id: job.id, ok: false, ...short } : { id: job.id, ok: true, ranges, bad };
}

export function runPlyVerticesJob(job: PlyVerticesJob): PlyVerticesOutcome {
  const { layout, vertex } = layoutsOf(job);
  const { attributes } = vertex.mapping;
  const { positions, columns } = job.out ?? allocateVertexColumns(attributes, job.count);
  const out = vertexColumns(positions, columns);
  const byteCopy = byteCopies(layout, vertex.mapping);
  const scratch = new Float64Array(SUB_RECORDS);
  const short = forEachRecordBlock(job.path, startOf(job, layout), job.count, layout.recordSize, (bytes, view, first, n) =>
    decodeBlock(bytes, view, n, layout, vertex, job.origin, byteCopy, scratch, out, first),
  );
  if (short) return { id: job.id, ok: false, ...short };
  return { id: job.id, ok: true, positions, attributes: attributes.map((a, k) => ({ ...a, values: columns[k]! })) };
}
