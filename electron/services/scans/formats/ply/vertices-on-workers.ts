import { BadInputError } from '../../../errors';
import type { PointChunk } from '../types';
import type { BoundsAccumulator } from '../stream/bounds';
import { decodeWorkerSettings, type DecodePool } from '../stream/decode-pool';
import { inOrderJobs } from '../stream/in-order-jobs';
import type { ShortRead } from '../stream/sync-records';
import type { FileSource } from '../stream/fileSource';
import { fixedVertexChunks, scanFixedVertices, type FixedVertexElement } from './fixedVertices';
import type { VertexLayout } from './layout';
import {
  allocateVertexColumns,
  type PlyBoundsJob,
  type PlyBoundsOutcome,
  type PlyVerticesJob,
} from './ply-vertex-jobs';

/** Smaller chunks are decoded on the calling thread (per-message costs would show). */
const MIN_JOB_POINTS = 65_536;

/** Large vertex elements pay for workers (the pool's start and messages cost more than small files take). */
export function worthVertexWorkers(pointCount: number): boolean {
  return decodeWorkerSettings.threads > 1 && pointCount >= decodeWorkerSettings.minRecordPoints;
}

/** Decoding on workers also needs chunks big enough to hand out, and more than one of them. */
export function worthVertexChunkWorkers(pointCount: number, chunkPoints: number): boolean {
  return worthVertexWorkers(pointCount) && chunkPoints >= MIN_JOB_POINTS && pointCount > Math.min(chunkPoints, decodeWorkerSettings.jobPoints);
}

const rangeJob = (src: FileSource, layout: FixedVertexElement, vertex: VertexLayout, start: number, first: number, count: number) => ({
  path: src.path,
  elementStart: start,
  first,
  count,
  element: layout.element,
  le: layout.le,
  axes: [vertex.x, vertex.y, vertex.z] as [number, number, number],
});

function shortReadError(src: FileSource, layout: FixedVertexElement, start: number, first: number, short: ShortRead): BadInputError {
  const at = start + first * layout.recordSize;
  if (short.error) return new BadInputError(src.name, `cannot read vertex data (${short.error})`, { byte: at + short.bytesRead });
  const record = first + Math.floor(short.bytesRead / layout.recordSize);
  return new BadInputError(
    src.name,
    `file ends inside element "${layout.element.name}" record ${record} of ${layout.element.count} (truncated file or list count running past the end)`,
    { byte: start + record * layout.recordSize },
  );
}

/**
 * scanFixedVertices on the decode pool: ranges of the vertex element checked and bounded in parallel,
 * folded in file order (the first bad vertex in the file is the one reported). A range whose worker
 * fails is scanned on this thread. Returns the byte where the next element starts.
 */
export async function scanVerticesOnWorkers(
  pool: DecodePool,
  src: FileSource,
  layout: FixedVertexElement,
  vertex: VertexLayout,
  start: number,
  bounds: BoundsAccumulator,
): Promise<number> {
  const total = layout.element.count;
  // Whole-file checks first (as the in-thread pass makes them), with nothing handed out yet.
  if (total * layout.recordSize > src.size - start) return scanFixedVertices(src, layout, vertex, start, bounds);
  const owner = {};
  const jobs: { first: number; count: number; outcome: Promise<PlyBoundsOutcome | null> }[] = [];
  for (let first = 0; first < total; first += decodeWorkerSettings.jobPoints) {
    const count = Math.min(decodeWorkerSettings.jobPoints, total - first);
    const job: Omit<PlyBoundsJob, 'id'> = { kind: 'ply-bounds', ...rangeJob(src, layout, vertex, start, first, count) };
    jobs.push({ first, count, outcome: pool.decode<PlyBoundsJob>(job, owner).catch(() => null) });
  }
  try {
    for (const j of jobs) {
      const outcome = await j.outcome;
      if (!outcome) {
        await scanRangeHere(src, layout, vertex, start, j.first, j.count, bounds);
        continue;
      }
      if (!outcome.ok) throw shortReadError(src, layout, start, j.first, outcome);
      if (outcome.bad)
        throw new BadInputError(src.name, `vertex ${outcome.bad.index} has a non-finite coordinate (${outcome.bad.coordinates.join(', ')})`, {
          byte: outcome.bad.byte,
        });
      bounds.addRange(outcome.ranges.min, outcome.ranges.max, j.count);
    }
  } finally {
    pool.cancel(owner);
    // Outcomes left unread after an error must not surface as unhandled rejections (they cannot: each has a catch).
  }
  return start + total * layout.recordSize;
}

/** One range scanned on this thread (its worker failed): a sub-element of the same records. */
async function scanRangeHere(
  src: FileSource,
  layout: FixedVertexElement,
  vertex: VertexLayout,
  start: number,
  first: number,
  count: number,
  bounds: BoundsAccumulator,
): Promise<void> {
  const part: FixedVertexElement = { ...layout, element: { ...layout.element, count } };
  const at = start + first * layout.recordSize;
  try {
    await scanFixedVertices(src, part, vertex, at, bounds);
  } catch (e) {
    // Indices in messages are the element's, not the range's.
    if (e instanceof BadInputError) {
      const detail = e.detail.replace(/^vertex (\d+)/, (_, i: string) => `vertex ${Number(i) + first}`);
      throw new BadInputError(e.file, detail, e.location);
    }
    throw e;
  }
}

/**
 * fixedVertexChunks on the decode pool: each job a chunk of consecutive vertices its worker reads and
 * decodes, several ahead of the caller (bounded memory), handed out in file order. Chunks hold at
 * most min(chunkPoints, 1 M) points; a chunk whose worker fails is decoded on this thread.
 */
export async function* vertexChunksOnWorkers(
  pool: DecodePool,
  src: FileSource,
  layout: FixedVertexElement,
  vertex: VertexLayout,
  start: number,
  origin: readonly [number, number, number],
  chunkPoints: number,
  signal?: AbortSignal,
): AsyncGenerator<PointChunk> {
  const per = Math.min(chunkPoints, decodeWorkerSettings.jobPoints);
  const job = (first: number, count: number): Omit<PlyVerticesJob, 'id'> => ({
    kind: 'ply-vertices',
    ...rangeJob(src, layout, vertex, start, first, count),
    origin: [origin[0], origin[1], origin[2]],
    // Allocated here, filled there: this thread's allocator then recycles the memory of chunks the
    // caller dropped (fresh pages in each worker cost page faults that serialise the threads).
    out: allocateVertexColumns(vertex.mapping.attributes, count),
  });
  for await (const { first, count, outcome } of inOrderJobs<PlyVerticesJob>(pool, layout.element.count, per, job, signal)) {
    if (!outcome) {
      const part: FixedVertexElement = { ...layout, element: { ...layout.element, count } };
      const at = start + first * layout.recordSize;
      for await (const c of fixedVertexChunks(src, part, vertex, at, origin, count, signal)) yield { ...c, start: first };
      continue;
    }
    if (!outcome.ok) throw shortReadError(src, layout, start, first, outcome);
    yield { start: first, count, positions: outcome.positions, attributes: outcome.attributes };
  }
}
