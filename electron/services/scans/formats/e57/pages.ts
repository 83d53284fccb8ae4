import { BadInputError } from '../../../errors';
import { crc32c } from './crc32c';
import type { ByteSource } from './source';

/**
 * E57's paged physical layout: every 1024-byte page holds 1020 payload bytes and a CRC-32C of them
 * (stored big-endian). Offsets in the XML and section headers are physical; data runs continuously
 * in logical (payload-only) space across page boundaries.
 */
export const PAGE_SIZE = 1024;
export const PAGE_PAYLOAD = 1020;

export function physicalToLogical(physical: number): number {
  const offsetInPage = physical % PAGE_SIZE;
  return Math.floor(physical / PAGE_SIZE) * PAGE_PAYLOAD + Math.min(offsetInPage, PAGE_PAYLOAD);
}

export function logicalToPhysical(logical: number): number {
  return Math.floor(logical / PAGE_PAYLOAD) * PAGE_SIZE + (logical % PAGE_PAYLOAD);
}

/** True when a physical offset points into a page's checksum (never a valid data address). */
export function isInChecksum(physical: number): boolean {
  return physical % PAGE_SIZE >= PAGE_PAYLOAD;
}

/** Pages read per I/O call: 64 KiB, one data packet's worth. */
const PAGES_PER_BLOCK = 64;

/**
 * Reads logical bytes, verifying the checksum of every page it touches. Keeps one block of verified
 * pages so sequential packet reads cost one I/O per 64 KiB.
 */
export class PagedReader {
  private blockFirstPage = -1;
  private block: Uint8Array = new Uint8Array(0);
  readonly logicalLength: number;

  constructor(
    private readonly source: ByteSource,
    private readonly file: string,
  ) {
    this.logicalLength = Math.floor(source.size / PAGE_SIZE) * PAGE_PAYLOAD;
  }

  async read(logicalOffset: number, length: number): Promise<Uint8Array> {
    if (logicalOffset < 0 || logicalOffset + length > this.logicalLength)
      throw new BadInputError(
        this.file,
        `needs ${length} bytes of data at logical offset ${logicalOffset}, past the end of the file's ${this.logicalLength} data bytes (truncated?)`,
        { byte: logicalToPhysical(Math.min(logicalOffset, this.logicalLength)) },
      );
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const logical = logicalOffset + done;
      const page = Math.floor(logical / PAGE_PAYLOAD);
      const payload = await this.pagePayload(page);
      const from = logical - page * PAGE_PAYLOAD;
      const n = Math.min(PAGE_PAYLOAD - from, length - done);
      out.set(payload.subarray(from, from + n), done);
      done += n;
    }
    return out;
  }

  private async pagePayload(page: number): Promise<Uint8Array> {
    if (page < this.blockFirstPage || page >= this.blockFirstPage + this.block.length / PAGE_SIZE) await this.loadBlock(page);
    const at = (page - this.blockFirstPage) * PAGE_SIZE;
    return this.block.subarray(at, at + PAGE_PAYLOAD);
  }

  private async loadBlock(firstPage: number): Promise<void> {
    const totalPages = Math.floor(this.source.size / PAGE_SIZE);
    const pages = Math.min(PAGES_PER_BLOCK, totalPages - firstPage);
    const bytes = await this.source.read(firstPage * PAGE_SIZE, pages * PAGE_SIZE);
    if (bytes.length < pages * PAGE_SIZE)
      throw new BadInputError(this.file, `page is truncated: expected ${PAGE_SIZE} bytes`, {
        byte: firstPage * PAGE_SIZE + Math.floor(bytes.length / PAGE_SIZE) * PAGE_SIZE,
      });
    for (let p = 0; p < pages; p++) {
      const at = p * PAGE_SIZE;
      const computed = crc32c(bytes, at, at + PAGE_PAYLOAD);
      const stored = ((bytes[at + 1020]! << 24) | (bytes[at + 1021]! << 16) | (bytes[at + 1022]! << 8) | bytes[at + 1023]!) >>> 0;
      if (computed !== stored)
        throw new BadInputError(
          this.file,
          `page checksum mismatch: stored CRC-32C 0x${stored.toString(16).padStart(8, '0')}, computed 0x${computed.toString(16).padStart(8, '0')} (corrupt page)`,
          { byte: (firstPage + p) * PAGE_SIZE },
        );
    }
    this.blockFirstPage = firstPage;
    this.block = bytes;
  }
}
