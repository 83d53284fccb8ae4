import { open as openFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';

/**
 * Positional, bounded reads over one open file. Text and binary point formats read through this so
 * no reader ever loads a whole file; positional reads also let several iterations share one handle.
 */
export class FileSource {
  private constructor(
    readonly path: string,
    /** The file name used in BadInputError messages. */
    readonly name: string,
    readonly size: number,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<FileSource> {
    const handle = await openFile(path, 'r');
    try {
      const { size } = await handle.stat();
      return new FileSource(path, basename(path), size, handle);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /** Exactly `length` bytes at `offset`, or fewer only at the end of the file. */
  async read(offset: number, length: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    const done = await this.readInto(offset, out);
    return done === out.length ? out : out.subarray(0, done);
  }

  /** Fills `target` from `offset` (a caller's reused buffer); returns the bytes read, fewer only at the end of the file. */
  async readInto(offset: number, target: Uint8Array): Promise<number> {
    const n = Math.max(0, Math.min(target.length, this.size - offset));
    let done = 0;
    while (done < n) {
      const { bytesRead } = await this.handle.read(target, done, n - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
