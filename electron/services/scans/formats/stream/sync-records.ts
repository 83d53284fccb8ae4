import { closeSync, openSync, readSync } from 'node:fs';

/** A read that stopped early: the bytes read before it, and the error code if the read failed (null: end of file). */
export interface ShortRead {
  bytesRead: number;
  error: string | null;
}

/** Bytes read at a time: each block is processed while it is still in cache. */
const BLOCK_BYTES = 4 << 20;
/** One read buffer per thread, reused by every call. */
let buffer = new Uint8Array(0);

/**
 * Worker-side reads: `count` fixed-size records from byte `at` of `path`, a block of whole records at
 * a time (the block's bytes are only valid during the call). Returns null, or where the read fell short.
 */
export function forEachRecordBlock(
  path: string,
  at: number,
  count: number,
  recordSize: number,
  visit: (bytes: Uint8Array, view: DataView, first: number, n: number) => void,
): ShortRead | null {
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / recordSize));
  const need = Math.min(count, perBlock) * recordSize;
  if (buffer.length < need) buffer = new Uint8Array(Buffer.allocUnsafeSlow(need).buffer);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { bytesRead: 0, error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  try {
    for (let first = 0; first < count; first += perBlock) {
      const n = Math.min(perBlock, count - first);
      const bytes = buffer.subarray(0, n * recordSize);
      let done = 0;
      try {
        while (done < bytes.length) {
          const got = readSync(fd, bytes, done, bytes.length - done, at + first * recordSize + done);
          if (got === 0) break;
          done += got;
        }
      } catch (e) {
        return { bytesRead: first * recordSize + done, error: (e as NodeJS.ErrnoException).code ?? String(e) };
      }
      if (done < bytes.length) return { bytesRead: first * recordSize + done, error: null };
      visit(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), first, n);
    }
  } finally {
    closeSync(fd);
  }
  return null;
}
