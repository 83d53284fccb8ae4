/**
 * Chunk buffers come back from the indexer once their chunk is indexed and are reused for the
 * next chunks, so a build allocates about as many chunk buffers as are in flight instead of one
 * per chunk. Fewer large short-lived buffers means less memory waiting for a garbage collection
 * (and less heap fragmentation): the peak resident size stays near what is really in use.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly capacity: number) {}

  /** The smallest pooled buffer of at least `bytes`, or a new one. */
  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.free[best]!.byteLength)) best = i;
    }
    if (best < 0) return new ArrayBuffer(bytes);
    return this.free.splice(best, 1)[0]!;
  }

  /** Keeps a buffer for reuse (the largest ones, up to the capacity). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return; // empty, or detached (transferred away)
    this.free.push(buffer);
    this.free.sort((a, b) => b.byteLength - a.byteLength);
    this.free.length = Math.min(this.free.length, this.capacity);
  }
}
