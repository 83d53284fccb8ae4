import type { FileHandle } from 'node:fs/promises';

/**
 * Fills `target` from `position` (fewer bytes only at end of file); returns the bytes read. Callers
 * check offsets and lengths against the file size first, so a short read means the file changed or lied.
 */
export async function readInto(fh: FileHandle, position: number, target: Uint8Array): Promise<number> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await fh.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Exactly `length` bytes at `position` (fewer only at end of file), in a fresh array of its own. */
export async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  // Not zeroed first: the read overwrites every byte that is returned.
  const buf = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
  const done = await readInto(fh, position, buf);
  return done === length ? buf : buf.subarray(0, done);
}
