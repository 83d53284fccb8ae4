import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ServiceFailure } from '../../../common/result';
import type { Scan } from '../scans/model';
import type { PointChunk, ScanReader } from '../scans/formats/types';
import { CellCounts, countingGridBits, loadOrder, planChunks, type ChunkPlan } from './chunkPlan';
import { BufferPool } from './bufferPool';
import { ChunkBuckets, ScanChunks, type ChunkSource, type SliceRunner } from './chunkSources';
import { HIERARCHY_FILE, NODES_FILE, OCTREE_FORMAT, OCTREE_VERSION, spacingAt, type OctreeCube, type OctreeHierarchy } from './format';
import { cubeFromBounds, GridKey } from './gridKey';
import { LodBuilder, type LodParams, type PendingNode } from './lodBuilder';
import { nodeBlockBytes } from './nodeBlock';
import { NodeFileWriter } from './nodeFile';
import { startChunkIndexer, type ChunkIndexer } from './octreeWorkers';
import { PhasedProgress, type ProgressCallback } from './progress';
import { runSliceTask, sliceRanges, type ScanColumns, type SliceResult } from './scanSlices';
import {
  allocRecords,
  colorMax16,
  fillRecords,
  nodeAttributesFor,
  pickAttributeSources,
  recordsOver,
  RECORD_BYTES,
  RECORD_WORDS,
  type AttributeSources,
  type Records,
} from './records';
import { buildUpperTree } from './upperTree';

export interface BuildOctreeOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Point data held in memory at once (records, spill buffers, chunks in flight). Default: a quarter of RAM, at most 2 GiB. */
  memoryBudgetBytes?: number;
  /** Worker threads (default: one per core, or 0 for scans under 100k points; 0 = index on the calling thread). */
  threads?: number;
  /** A node with more points is split (default 20,000). */
  maxLeafPoints?: number;
  /** Root spacing = cube size / spacingDivisor (default 128, as Potree). */
  spacingDivisor?: number;
  /** Points per chunk asked of a ScanReader. */
  readChunkPoints?: number;
}

export interface BuildOctreeResult {
  dir: string;
  pointCount: number;
  nodeCount: number;
  levels: number;
  chunks: number;
  /** How many times pass 2 spilled its buffers to disk (0: the scan fitted the budget). */
  spills: number;
  /** '2 worker threads' or 'in-thread (why)'. */
  indexing: string;
  hierarchy: OctreeHierarchy;
}

export const DEFAULT_MAX_LEAF_POINTS = 20_000;
export const DEFAULT_SPACING_DIVISOR = 128;
const MAX_LEVEL = 20;
/** Rough bytes a point costs while its chunk is indexed (record, keys, index lists, encoded node). */
const INDEXING_BYTES_PER_POINT = 128;
/** Chunks stay below this whatever the budget: bounds the memory of chunks in flight (~32 MB each). */
const MAX_CHUNK_POINTS = 1 << 18;
/**
 * An in-memory scan's chunks are gathered a group at a time (ScanChunks) into one buffer per thread
 * and one more; all of them together hold about 1/GROUP_BUFFER_SHARE of the scan's records (a
 * group is never smaller than a chunk). Gathering a group costs little more than its points.
 */
const GROUP_BUFFER_SHARE = 8;
/** Scans up to this size are indexed on the calling thread unless `threads` says otherwise. */
const SMALL_SCAN_POINTS = 100_000;

export function defaultMemoryBudget(): number {
  return Math.min(2 * 1024 ** 3, Math.floor(totalmem() / 4));
}

function isReader(input: Scan | ScanReader): input is ScanReader {
  return typeof (input as ScanReader).chunks === 'function';
}

/** What pass 1 (or the in-memory scan) tells the rest of the build. */
interface Prepared {
  pointCount: number;
  cube: OctreeCube;
  key: GridKey;
  bounds: { min: [number, number, number]; max: [number, number, number] };
  plan: ChunkPlan;
  colorMax: number;
  sources: AttributeSources;
  source: ChunkSource;
  spills: () => number;
}

/**
 * Builds the LOD octree of a scan into `outDir` (docs/octree-format.md). Everything is written to
 * a sibling temp folder first and renamed into place at the end, so a failed or cancelled build
 * leaves no octree (and an existing one untouched until the new one is complete).
 */
export async function buildOctree(input: Scan | ScanReader, outDir: string, options: BuildOctreeOptions = {}): Promise<BuildOctreeResult> {
  const signal = options.signal;
  const budget = Math.max(1 << 20, options.memoryBudgetBytes ?? defaultMemoryBudget());
  const expected = isReader(input) ? input.info.pointCount : input.pointCount;
  // Starting workers costs more than indexing a small scan on this thread.
  const threads = Math.max(0, options.threads ?? (expected <= SMALL_SCAN_POINTS ? 0 : availableParallelism()));
  const maxLeafPoints = Math.max(1, options.maxLeafPoints ?? DEFAULT_MAX_LEAF_POINTS);
  const spacingDivisor = Math.max(2, Math.round(options.spacingDivisor ?? DEFAULT_SPACING_DIVISOR));
  const progress = new PhasedProgress(options.onProgress);

  mkdirSync(dirname(outDir), { recursive: true });
  const tmp = join(dirname(outDir), `.${basename(outDir)}.building-${process.pid}-${Date.now().toString(36)}`);
  const spillDir = join(tmp, 'spill');
  mkdirSync(spillDir, { recursive: true });
  // Workers take a moment to start (tsx compiles on the fly from sources): overlap that with pass 1.
  const indexerReady = startChunkIndexer(threads);
  let writer: NodeFileWriter | null = null;
  let prepared: Prepared | null = null;
  try {
    progress.phase(0, isReader(input) ? 0.3 : 0.05, 'reading points');
    // Chunks small enough that the in-flight ones fit the budget, and several per thread so the
    // threads stay busy to the end. (The chunking never changes the octree, only the schedule.)
    const maxChunkPoints = Math.max(
      maxLeafPoints,
      Math.min(
        MAX_CHUNK_POINTS,
        Math.floor(budget / ((threads + 1) * INDEXING_BYTES_PER_POINT)),
        Math.ceil(expected / (Math.max(1, threads) * 8)),
      ),
    );
    // Chunks in flight: one per thread plus the one being loaded (indexChunks).
    const inFlight = Math.max(1, threads) + 1;
    prepared = isReader(input)
      ? await prepareFromReader(input, {
          budget,
          maxChunkPoints,
          spillDir,
          signal,
          progress,
          readChunkPoints: options.readChunkPoints,
          inFlight,
        })
      : await prepareFromScan(input, await indexerReady, maxChunkPoints, budget);
    const { plan, source, cube, pointCount } = prepared;
    const params: LodParams = {
      cube,
      spacingDivisor,
      maxLeafPoints,
      maxLevel: MAX_LEVEL,
      attributes: nodeAttributesFor(prepared.sources),
      colorMax: prepared.colorMax,
    };
    const indexer = await indexerReady;
    writer = new NodeFileWriter(join(tmp, NODES_FILE));
    const indexFrom = isReader(input) ? 0.45 : 0.05;
    progress.phase(indexFrom, 0.97, `indexing ${plan.chunks.length} chunk(s), ${indexer.mode}`);
    const roots = await indexChunks(indexer, plan, source, params, writer, progress, signal);
    // The upper levels run on this thread: the workers' heaps and buffers, and the chunk source's, can go now.
    source.dispose();
    await indexer.close();

    throwIfAborted(signal);
    progress.phase(0.97, 0.99, 'building the upper levels');
    const builder = new LodBuilder(params);
    if (roots.length === 0) builder.emit(allocRecords(0), null, 'r', 0, 0);
    else buildUpperTree(builder, roots);
    for (const node of builder.nodes) writer.write(node);
    const nodes = writer.close();
    writer = null;

    const stored = nodes.reduce((s, n) => s + n.pointCount, 0);
    if (stored !== pointCount) throw new Error(`octree build lost points: ${stored} stored of ${pointCount}`);
    const levels = nodes.reduce((m, n) => Math.max(m, n.level), 0) + 1;
    const hierarchy: OctreeHierarchy = {
      format: OCTREE_FORMAT,
      version: OCTREE_VERSION,
      pointCount,
      origin: isReader(input) ? [...input.info.origin] : [...input.origin],
      cube,
      bounds: prepared.bounds,
      spacing: Array.from({ length: levels }, (_, l) => spacingAt(cube, spacingDivisor, l)),
      spacingDivisor,
      maxLeafPoints,
      attributes: params.attributes,
      nodes,
    };
    writeFileSync(join(tmp, HIERARCHY_FILE), JSON.stringify(hierarchy));
    rmSync(spillDir, { recursive: true, force: true });
    throwIfAborted(signal);
    replaceDir(tmp, outDir);
    progress.done(`octree built: ${nodes.length} nodes, ${levels} levels`);
    return {
      dir: outDir,
      pointCount,
      nodeCount: nodes.length,
      levels,
      chunks: plan.chunks.length,
      spills: prepared.spills(),
      indexing: indexer.mode,
      hierarchy,
    };
  } catch (e) {
    writer?.abort();
    rmSync(tmp, { recursive: true, force: true });
    if (signal?.aborted) throw new ServiceFailure('cancelled', 'octree build cancelled');
    throw e;
  } finally {
    prepared?.source.dispose();
    await (await indexerReady).close();
  }
}

function throwIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new ServiceFailure('cancelled', 'octree build cancelled');
}

/** Moves the finished build into place; an older octree is moved aside first and removed after. */
function replaceDir(tmp: string, outDir: string) {
  if (!existsSync(outDir)) {
    renameSync(tmp, outDir);
    return;
  }
  const old = `${tmp}.old`;
  renameSync(outDir, old);
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
}

/**
 * An in-memory scan: bounds, cell counts, the grouping and the gathering of chunks are passes over
 * slices of the points (scanSlices.ts). With worker threads and columns on SharedArrayBuffers, each
 * worker takes a slice; otherwise (columns the workers cannot see: copying them would cost as much
 * memory as the scan) the passes run on the calling thread.
 */
async function prepareFromScan(scan: Scan, indexer: ChunkIndexer, maxChunkPoints: number, budget: number): Promise<Prepared> {
  const n = scan.pointCount;
  const sources = pickAttributeSources(scan.attributes);
  const used = new Set([sources.color?.name, sources.intensity, sources.classification]);
  const columns: ScanColumns = { positions: scan.positions, attributes: scan.attributes.filter((a) => used.has(a.name)), sources };
  const onWorkers = indexer.workerThreads > 0 && isShared(columns.positions) && columns.attributes.every((a) => isShared(a.values));
  const run: SliceRunner = onWorkers ? (task) => indexer.runSlice(task) : async (task) => runSliceTask(task);
  const ranges = sliceRanges(n, onWorkers ? indexer.workerThreads : 1);

  const parts = (await Promise.all(ranges.map((r) => run({ kind: 'bounds', columns, ...r })))) as Extract<SliceResult, { kind: 'bounds' }>[];
  const bounds = {
    min: [0, 1, 2].map((k) => (n === 0 ? 0 : Math.min(...parts.map((p) => p.min[k]!)))) as [number, number, number],
    max: [0, 1, 2].map((k) => (n === 0 ? 0 : Math.max(...parts.map((p) => p.max[k]!)))) as [number, number, number],
  };
  const colorMax = Math.max(0, ...parts.map((p) => p.colorMax));
  const cube = cubeFromBounds(bounds.min, bounds.max);
  const key = new GridKey(cube);
  const bits = countingGridBits(n);
  const cells = new CellCounts(key, bits, new Uint32Array(new SharedArrayBuffer(8 ** bits * 4)));
  const atomic = ranges.length > 1;
  await Promise.all(ranges.map((r) => run({ kind: 'cells', columns, ...r, cube, bits, counts: cells.counts, atomic })));
  const plan = planChunks(cells, maxChunkPoints);
  const slots = indexer.parallelism + 1;
  const groupPoints = Math.max(maxChunkPoints, Math.min(Math.ceil(n / GROUP_BUFFER_SHARE / slots), Math.floor(budget / RECORD_BYTES / slots)));
  const source = await ScanChunks.create(columns, plan, cube, loadOrder(plan), groupPoints, ranges, run, slots);
  return { pointCount: n, cube, key, bounds, plan, colorMax, sources, source, spills: () => 0 };
}

function isShared(values: { buffer: ArrayBufferLike }): boolean {
  return values.buffer instanceof SharedArrayBuffer;
}

interface ReaderContext {
  budget: number;
  maxChunkPoints: number;
  spillDir: string;
  signal: AbortSignal | undefined;
  progress: PhasedProgress;
  readChunkPoints: number | undefined;
  inFlight: number;
}

/**
 * Pass 1 reads the file once: bounds, colour range and the counting grid (on the header's cube).
 * While the records fit the budget they are kept, and the file is not read again; otherwise pass 2
 * reads it again and distributes records into chunk buckets that spill to disk. If a point lies
 * outside the header's bounds the header is wrong, and the counts are redone on the real bounds.
 */
async function prepareFromReader(reader: ScanReader, ctx: ReaderContext): Promise<Prepared> {
  const { info } = reader;
  const sources = pickAttributeSources(info.attributes);
  const expected = Math.max(1, info.pointCount);
  const chunkPoints = ctx.readChunkPoints ?? 1 << 17;
  const headerCube = cubeFromHeader(info.boundsMin, info.boundsMax, info.origin);
  let key = new GridKey(headerCube ?? { min: [0, 0, 0], size: 1 });
  const bits = countingGridBits(info.pointCount);
  let cells = new CellCounts(key, bits);
  let cubeOk = headerCube !== null;
  const tolerance = headerCube ? headerCube.size * 1e-6 : 0;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  let colorMax = 0;
  let retained: (Records | undefined)[] | null = info.pointCount * RECORD_BYTES <= ctx.budget ? [] : null;
  let retainedBytes = 0;
  let read = 0;

  const toRecords = (chunk: PointChunk) => {
    const records = allocRecords(chunk.count);
    fillRecords(records, 0, chunk.positions, chunk.attributes, sources, chunk.start, { start: 0, count: chunk.count });
    return records;
  };

  for await (const chunk of reader.chunks({ chunkPoints, signal: ctx.signal })) {
    throwIfAborted(ctx.signal);
    const records = toRecords(chunk);
    const f32 = records.f32;
    for (let i = 0; i < chunk.count; i++) {
      for (let k = 0; k < 3; k++) {
        const v = f32[i * RECORD_WORDS + k]!;
        if (v < min[k]!) min[k] = v;
        if (v > max[k]!) max[k] = v;
      }
    }
    if (cubeOk && headerCube && !inside(min, max, headerCube, tolerance)) cubeOk = false;
    if (cubeOk) cells.addRecords(records);
    if (sources.color) {
      const color = chunk.attributes.find((a) => a.name === sources.color!.name);
      if (color) colorMax = Math.max(colorMax, colorMax16(color));
    }
    if (retained) {
      retained.push(records);
      retainedBytes += records.bytes.byteLength;
      if (retainedBytes > ctx.budget) retained = null;
    }
    read += chunk.count;
    ctx.progress.report(read / expected, `reading points: ${read.toLocaleString('en-US')}`);
  }
  if (read === 0) {
    min.fill(0);
    max.fill(0);
  }
  const bounds = { min, max };
  let cube = headerCube!;
  if (!cubeOk) {
    cube = cubeFromBounds(min, max);
    key = new GridKey(cube);
    cells = new CellCounts(key, bits);
    if (retained) for (const r of retained) cells.addRecords(r!);
    else
      for await (const chunk of reader.chunks({ chunkPoints, signal: ctx.signal })) {
        throwIfAborted(ctx.signal);
        cells.addPositions(chunk.positions, chunk.count);
      }
  }
  const plan = planChunks(cells, ctx.maxChunkPoints);
  const buckets = new ChunkBuckets(plan, key, ctx.budget, ctx.spillDir, ctx.inFlight);
  if (retained) {
    for (let i = 0; i < retained.length; i++) {
      buckets.add(retained[i]!);
      retained[i] = undefined; // let the block go as soon as its points are in their chunks
    }
  } else {
    ctx.progress.phase(0.3, 0.45, 'distributing points into chunks (pass 2)');
    let distributed = 0;
    for await (const chunk of reader.chunks({ chunkPoints, signal: ctx.signal })) {
      throwIfAborted(ctx.signal);
      buckets.add(toRecords(chunk));
      distributed += chunk.count;
      ctx.progress.report(distributed / read, `distributing points: ${distributed.toLocaleString('en-US')}`);
    }
    if (distributed !== read) throw new Error(`${reader.path}: second read gave ${distributed} points, first gave ${read}`);
  }
  return { pointCount: read, cube, key, bounds, plan, colorMax, sources, source: buckets, spills: () => buckets.spills };
}

function cubeFromHeader(bmin: readonly number[], bmax: readonly number[], origin: readonly number[]): OctreeCube | null {
  const min = [0, 1, 2].map((k) => bmin[k]! - origin[k]!);
  const max = [0, 1, 2].map((k) => bmax[k]! - origin[k]!);
  if (![...min, ...max].every(Number.isFinite) || min.some((v, k) => v > max[k]!)) return null;
  return cubeFromBounds(min, max);
}

function inside(min: number[], max: number[], cube: OctreeCube, tolerance: number): boolean {
  for (let k = 0; k < 3; k++) {
    if (min[k]! < cube.min[k]! - tolerance || max[k]! > cube.min[k]! + cube.size + tolerance) return false;
  }
  return true;
}

/**
 * Feeds chunks to the indexer, at most `parallelism` in flight plus the one being loaded (largest
 * first, so the last chunk to finish is a small one), writing finished nodes as results arrive.
 */
async function indexChunks(
  indexer: ChunkIndexer,
  plan: ChunkPlan,
  source: ChunkSource,
  params: LodParams,
  writer: NodeFileWriter,
  progress: PhasedProgress,
  signal: AbortSignal | undefined,
): Promise<PendingNode[]> {
  const roots: PendingNode[] = [];
  const total = plan.chunks.reduce((s, c) => s + c.pointCount, 0) || 1;
  const order = loadOrder(plan);
  // The buffers workers encode nodes into, handed back and forth (NodeBlock).
  const outputs = new BufferPool(indexer.parallelism + 1);
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  let done = 0;
  let finished = 0;
  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  for (const c of order) {
    if (failure || signal?.aborted) break;
    const chunk = plan.chunks[c]!;
    const records = await source.load(c);
    const output = outputs.take(nodeBlockBytes(params.attributes, chunk.pointCount));
    const task = indexer
      .index({ name: chunk.name, params, buffer: records.bytes.buffer, byteOffset: records.bytes.byteOffset, count: records.count, output })
      .then((result) => {
        source.recycle(result.spent, c);
        for (const node of result.nodes) writer.write(node);
        for (const buffer of result.outputs) outputs.give(buffer);
        const r = result.root;
        roots.push({ name: r.name, level: r.level, childMask: r.childMask, records: recordsOver(r.buffer, r.count) });
        done += chunk.pointCount;
        finished++;
        progress.report(done / total, `indexed ${finished} of ${plan.chunks.length} chunks (${indexer.mode})`);
      })
      .catch((error: unknown) => {
        source.recycle(new ArrayBuffer(0), c); // the chunk is settled: a source waiting for its buffer goes on
        failure ??= { error };
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    while (inFlight.size >= indexer.parallelism && !failure && !signal?.aborted) await Promise.race([...inFlight, aborted]);
  }
  if (!signal?.aborted) await Promise.all(inFlight);
  throwIfAborted(signal);
  if (failure) throw (failure as { error: unknown }).error;
  return roots;
}
