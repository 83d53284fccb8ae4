import { LodBuilder, type EncodedNode, type LodParams } from './lodBuilder';
import { IndexArena } from './indexArena';
import { MortonSorter } from './mortonSort';
import { NodeBlock, nodeBlockBytes } from './nodeBlock';
import { PoissonSampler } from './poissonSampler';
import { recordsOver, RECORD_BYTES } from './records';
import type { SliceResult, SliceTask } from './scanSlices';

/** What crosses the thread boundary for one chunk. Buffers are transferred, not copied. */
export interface IndexRequest {
  id: number;
  name: string;
  params: LodParams;
  /** The chunk's records: its own buffer (transferred), or a slice of a shared group buffer (ScanChunks). */
  buffer: ArrayBuffer | SharedArrayBuffer;
  byteOffset: number;
  count: number;
  /** A buffer to encode the nodes into (a NodeBlock's, back from an earlier chunk), or an empty one. */
  output: ArrayBuffer;
}

export interface IndexedChunk {
  nodes: EncodedNode[];
  /** The chunk root's points, still pending: the nodes above the chunks may take some of them. */
  root: { name: string; level: number; childMask: number; buffer: ArrayBuffer; count: number };
  /** The request's buffer, free again: handed back so that it can carry a later chunk. */
  spent: ArrayBuffer | SharedArrayBuffer;
  /** The buffers the nodes' blobs are slices of: free again once the nodes are written. */
  outputs: ArrayBuffer[];
}

/** A chunk to index, or a pass over a slice of an in-memory scan (scanSlices.ts). */
export type WorkerRequest = IndexRequest | { id: number; slice: SliceTask };

export type WorkerResponse = { id: number; ok: true; result: IndexedChunk | SliceResult } | { id: number; ok: false; message: string };

/**
 * Per-thread state kept between chunks: the sampler's grid, the sort's buffers and the point lists' arena are reused
 * rather than reallocated, which keeps a worker's footprint flat from chunk to chunk.
 */
export class IndexingContext {
  private sampler: PoissonSampler | undefined;
  readonly sorter = new MortonSorter();
  readonly arena = new IndexArena();

  samplerFor(divisor: number): PoissonSampler {
    if (this.sampler?.divisor !== divisor) this.sampler = new PoissonSampler(divisor);
    return this.sampler;
  }
}

/** Run by the worker, and by the main thread when no worker could start. */
export function indexChunk(request: IndexRequest, context: IndexingContext): IndexedChunk {
  const block = new NodeBlock(request.output, nodeBlockBytes(request.params.attributes, request.count));
  const builder = new LodBuilder(request.params, context.samplerFor(request.params.spacingDivisor), context.arena, block);
  const records = recordsOver(request.buffer, request.count, request.byteOffset);
  const root = builder.indexChunk(records, request.name, context.sorter);
  const buffer = root.records.bytes.buffer as ArrayBuffer;
  return {
    nodes: builder.nodes,
    root: { name: root.name, level: root.level, childMask: root.childMask, buffer, count: buffer.byteLength / RECORD_BYTES },
    spent: request.buffer,
    outputs: block.buffers,
  };
}

export function transferables(result: IndexedChunk): ArrayBuffer[] {
  // A shared buffer is shared, not transferred.
  const spent = result.spent instanceof ArrayBuffer ? [result.spent] : [];
  return [result.root.buffer, ...spent, ...result.outputs];
}
