import { open, type FileHandle } from 'node:fs/promises';

/**
 * Where exported bytes go. The file sink is the real one; tests inject wrappers (a sink that fails
 * with ENOSPC after N bytes simulates a full disk without needing a tiny filesystem).
 */
export interface ByteSink {
  /** Appends at the current end. */
  write(bytes: Uint8Array): Promise<void>;
  /** Overwrites bytes already written (header fields known only once all points are written). */
  writeAt(bytes: Uint8Array, position: number): Promise<void>;
  /** Flushes to stable storage before the rename makes the file visible. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export type SinkOpener = (path: string) => Promise<ByteSink>;

/**
 * Appended bytes after which the file sink starts flushing them to disk in the background. The
 * final fsync of a 200 MB export took ~0.15-0.2 s on its own; flushing as the export goes
 * overlaps that disk time with the work, and the last sync waits only for the tail.
 */
const EARLY_SYNC_BYTES = 16 * 1024 * 1024;

class FileSink implements ByteSink {
  private position = 0;
  private closed = false;
  private unsynced = 0;
  private syncing: Promise<void> | null = null;
  private syncError: unknown = null;

  constructor(private readonly fh: FileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    await this.writeFully(bytes, this.position);
    this.position += bytes.length;
    this.unsynced += bytes.length;
    if (this.unsynced >= EARLY_SYNC_BYTES && !this.syncing) {
      this.unsynced = 0;
      // Not awaited: writes go on while the disk catches up. A failure is reported by sync().
      this.syncing = this.fh
        .datasync()
        .catch((e: unknown) => {
          this.syncError ??= e;
        })
        .finally(() => {
          this.syncing = null;
        });
    }
  }

  async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    await this.writeFully(bytes, position);
  }

  /** fs writes may be short (rare, but real on some filesystems): loop until all bytes are down. */
  private async writeFully(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, done, bytes.length - done, position + done);
      if (bytesWritten === 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      done += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.syncing;
    if (this.syncError) throw this.syncError;
    await this.fh.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.syncing; // never rejects; the handle must outlive the flush
    await this.fh.close();
  }
}

/** Creates the file exclusively ('wx'): a temp name that already exists is never overwritten. */
export const openFileSink: SinkOpener = async (path) => new FileSink(await open(path, 'wx'));

/** Default batch a BufferedWriter collects before it writes (fewer, larger syscalls). */
const BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Appends through a buffer and counts what was written. Large writes (a whole batch of point
 * records) bypass the buffer so they are not copied twice.
 */
export class BufferedWriter {
  private readonly buffer: Uint8Array;
  private used = 0;
  private written = 0;

  constructor(
    readonly sink: ByteSink,
    bufferBytes = BUFFER_BYTES,
  ) {
    this.buffer = new Uint8Array(bufferBytes);
  }

  /** Bytes accepted so far (buffered or written): the offset the next write lands at. */
  get position(): number {
    return this.written + this.used;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length >= this.buffer.length / 2) return this.writeUnbuffered(bytes);
    if (this.used + bytes.length > this.buffer.length) await this.flush();
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /**
   * Appends `bytes` with no copy into the buffer, whatever their size (the LAS kernel's output
   * batches, already in their final layout). The caller keeps `bytes` unchanged until this settles.
   */
  async writeUnbuffered(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.sink.write(bytes);
    this.written += bytes.length;
  }

  private readonly encoder = new TextEncoder();

  writeText(text: string): Promise<void> {
    return this.write(this.encoder.encode(text));
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    // The sink may keep a reference until its promise settles; the buffer is reused only after.
    await this.sink.write(this.buffer.subarray(0, this.used));
    this.written += this.used;
    this.used = 0;
  }

  /** Overwrites already-accepted bytes (flushes first so the region is on the sink). */
  async patch(bytes: Uint8Array, position: number): Promise<void> {
    await this.flush();
    await this.sink.writeAt(bytes, position);
  }
}
