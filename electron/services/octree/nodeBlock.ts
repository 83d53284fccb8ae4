import { nodeLayout, type NodeAttribute } from './format';

/** Room for the alignment padding of a chunk's nodes (a few bytes per node and attribute block) beyond its points' bytes. */
const SLACK_BYTES = 64 * 1024;

/** A NodeBlock size that holds every node of a chunk of `points` points in one buffer. */
export function nodeBlockBytes(attributes: readonly NodeAttribute[], points: number): number {
  return nodeLayout(attributes, points).byteSize + SLACK_BYTES;
}

/**
 * Where a worker encodes the nodes of a chunk: consecutive 8-aligned slices of one buffer, which
 * travels to the main thread with the result and comes back with a later request. One buffer per
 * chunk, reused, instead of one ArrayBuffer per node: per-node buffers are garbage on the main
 * thread once written, and hundreds of MB of them piled up before a collection freed them (the
 * build's peak resident memory). A buffer too small for the chunk is followed by a larger one.
 */
export class NodeBlock {
  private buffer: ArrayBuffer;
  private used = 0;
  /** Every buffer slices were cut from (to transfer them all). */
  readonly buffers: ArrayBuffer[] = [];

  constructor(buffer: ArrayBuffer, expectedBytes: number) {
    this.buffer = buffer.byteLength >= expectedBytes ? buffer : new ArrayBuffer(expectedBytes);
    this.buffers.push(this.buffer);
  }

  alloc(bytes: number): Uint8Array {
    let start = Math.ceil(this.used / 8) * 8;
    if (start + bytes > this.buffer.byteLength) {
      this.buffer = new ArrayBuffer(Math.max(bytes, this.buffer.byteLength));
      this.buffers.push(this.buffer);
      start = 0;
    }
    this.used = start + bytes;
    return new Uint8Array(this.buffer, start, bytes);
  }
}
