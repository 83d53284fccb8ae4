/**
 * The point lists of a chunk's nodes (leaf runs, candidates, kept and accepted points) all die when
 * the chunk is done. A worker carves them out of one block it keeps from chunk to chunk instead of
 * allocating a typed array each: otherwise several MB of garbage per chunk pile up in every worker
 * until a collection, and count in the build's peak memory.
 */
export class IndexArena {
  private block = new Uint32Array(0);
  private top = 0;
  private requested = 0;

  alloc(n: number): Uint32Array {
    this.requested += n;
    if (this.top + n > this.block.length) return new Uint32Array(n); // the block grows at the next reset
    const list = this.block.subarray(this.top, this.top + n);
    this.top += n;
    return list;
  }

  /** Frees every list at once (none may be in use any more); sizes the block for what the last chunk needed. */
  reset(): void {
    if (this.requested > this.block.length) this.block = new Uint32Array(Math.ceil(this.requested * 1.25));
    this.top = 0;
    this.requested = 0;
  }
}
