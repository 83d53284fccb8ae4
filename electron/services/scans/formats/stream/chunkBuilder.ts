import type { AttributeInfo } from '../../../../../common/contracts/scans';
import { allocateAttribute, type ScanAttribute, type TypedArray } from '../../model';
import type { PointChunk } from '../types';


/**
 * Collects streamed points into fixed-capacity PointChunks. Parsers push points from synchronous
 * callbacks; full chunks queue up in `ready` until the async iterator hands them out, so memory
 * stays bounded by one read block plus one chunk.
 */
export class ChunkBuilder {
  readonly ready: PointChunk[] = [];
  positions: Float32Array;
  columns: TypedArray[];
  /** Points in the current chunk. */
  count = 0;
  private start = 0;
  /** The arrays went out with a chunk; allocate new ones before the next point. */
  private handedOut = false;

  constructor(
    private readonly origin: readonly [number, number, number],
    private readonly specs: readonly AttributeInfo[],
    private readonly capacity: number,
  ) {
    this.positions = new Float32Array(capacity * 3);
    this.columns = specs.map((s) => allocateAttribute(s.type, capacity * s.components));
  }

  /** Adds one point; returns its index in the current chunk so callers fill `columns[a][i * components + c]`. */
  push(x: number, y: number, z: number): number {
    if (this.count === this.capacity) this.flush();
    if (this.handedOut) this.fresh();
    const i = this.count++;
    const p = this.positions;
    p[i * 3] = x - this.origin[0];
    p[i * 3 + 1] = y - this.origin[1];
    p[i * 3 + 2] = z - this.origin[2];
    return i;
  }

  /** Moves the current partial chunk to `ready` (no-op when empty). */
  flush(): void {
    if (this.count === 0) return;
    const n = this.count;
    const attributes: ScanAttribute[] = this.specs.map((s, a) => ({
      name: s.name,
      type: s.type,
      components: s.components,
      values: n === this.capacity ? this.columns[a]! : this.columns[a]!.slice(0, n * s.components),
    }));
    this.ready.push({
      start: this.start,
      count: n,
      positions: n === this.capacity ? this.positions : this.positions.slice(0, n * 3),
      attributes,
    });
    this.start += n;
    this.count = 0;
    this.handedOut = n === this.capacity;
  }

  private fresh(): void {
    this.positions = new Float32Array(this.capacity * 3);
    this.columns = this.specs.map((s) => allocateAttribute(s.type, this.capacity * s.components));
    this.handedOut = false;
  }

  /** Hands out queued chunks, checking for cancellation between them. */
  *drain(signal?: AbortSignal): Generator<PointChunk> {
    while (this.ready.length > 0) {
      signal?.throwIfAborted();
      yield this.ready.shift()!;
    }
  }
}

export const DEFAULT_CHUNK_POINTS = 65536;

export function chunkCapacity(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_CHUNK_POINTS;
  return Math.max(1, Math.floor(requested));
}
