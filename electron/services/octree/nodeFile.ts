import { closeSync, openSync, writeSync } from 'node:fs';
import { align, compareNodeNames, type OctreeNodeEntry } from './format';
import type { EncodedNode } from './lodBuilder';

/**
 * Appends node blobs to nodes.bin as they finish (in completion order, which varies between runs;
 * the hierarchy is what names each node's byte range). Offsets are 8-aligned so any block can be
 * viewed in place.
 */
export class NodeFileWriter {
  private fd: number | null;
  private offset = 0;
  private readonly entries: OctreeNodeEntry[] = [];
  private readonly zeros = new Uint8Array(8);

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(node: EncodedNode): void {
    const bytes = node.blob;
    this.entries.push({
      name: node.name,
      level: node.level,
      pointCount: node.pointCount,
      byteOffset: this.offset,
      byteSize: bytes.byteLength,
      childMask: node.childMask,
    });
    this.put(bytes);
    const padded = align(this.offset, 8);
    if (padded > this.offset) this.put(this.zeros.subarray(0, padded - this.offset));
  }

  private put(bytes: Uint8Array) {
    let at = 0;
    if (this.fd === null) throw new Error('nodes.bin is closed');
    while (at < bytes.byteLength) at += writeSync(this.fd, bytes, at, bytes.byteLength - at, this.offset + at);
    this.offset += bytes.byteLength;
  }

  /** Closes the file; returns the node entries in breadth-first order. */
  close(): OctreeNodeEntry[] {
    this.abort();
    return this.entries.sort((a, b) => compareNodeNames(a.name, b.name));
  }

  /** Closes the file without a result (failed or cancelled build; the caller removes the folder). */
  abort(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  get bytesWritten(): number {
    return this.offset;
  }
}
