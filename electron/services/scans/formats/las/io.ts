import type { FileHandle } from 'node:fs/promises';

/**
 * Reads exactly `length` bytes at `position` (fewer only at end of file). Callers check offsets and
 * lengths against the file size first, so a short result means the file changed or lied.
 */
export async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}
