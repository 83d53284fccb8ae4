import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BadInputError } from '../errors';
import { BufferedWriter, openFileSink, type SinkOpener } from './sink';

export interface AtomicWriteOptions {
  /** Opens the temp file; tests inject a failing sink to simulate a full disk. */
  openSink?: SinkOpener;
  signal?: AbortSignal;
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/**
 * Turns the system errors a user can cause or fix (full disk, read-only folder) into one clear
 * line naming the output; anything else (cancellation, bugs) passes through unchanged.
 */
export function describeWriteError(e: unknown, target: string, bytesWritten: number): unknown {
  if (e instanceof BadInputError) return e;
  switch (errno(e)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new BadInputError(target, `the disk is full (no space left after ${bytesWritten} bytes); nothing was written`);
    case 'EFBIG':
      return new BadInputError(target, `the file is too large for this filesystem (failed after ${bytesWritten} bytes); nothing was written`);
    case 'EACCES':
    case 'EPERM':
      return new BadInputError(target, 'cannot write here: permission denied');
    case 'EROFS':
      return new BadInputError(target, 'cannot write here: the filesystem is read-only');
    case 'ENOENT':
    case 'ENOTDIR':
      return new BadInputError(target, `cannot write here: the folder ${dirname(target)} does not exist`);
    case 'EISDIR':
      return new BadInputError(target, 'is a folder, not a file');
    default:
      return e;
  }
}

/** Checks the output's folder exists and the output itself is not a folder, before any work starts. */
async function checkTarget(target: string, want: 'file' | 'dir'): Promise<void> {
  const parent = dirname(target);
  const dirStat = await stat(parent).catch((e: unknown) => {
    throw describeWriteError(e, target, 0);
  });
  if (!dirStat.isDirectory()) throw new BadInputError(target, `cannot write here: ${parent} is not a folder`);
  const existing = await stat(target).catch(() => null);
  if (existing && want === 'file' && existing.isDirectory()) throw new BadInputError(target, 'is a folder, not a file');
  if (existing && want === 'dir' && !existing.isDirectory()) throw new BadInputError(target, 'exists and is a file, not a folder');
}

/** A hidden name next to the target: same filesystem, so the final rename is atomic. */
const tempName = (target: string) => join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);

/**
 * Writes `target` through a temp file in the same folder and renames it into place only when
 * `fill` finished and the bytes are synced. On any failure or cancellation the temp file is
 * removed, so a reader never sees a half-written export and an older file at `target` survives.
 */
export async function writeFileAtomically<T>(target: string, fill: (out: BufferedWriter) => Promise<T>, options: AtomicWriteOptions = {}): Promise<T> {
  const path = resolve(target);
  await checkTarget(path, 'file');
  const temp = tempName(path);
  const sink = await (options.openSink ?? openFileSink)(temp).catch((e: unknown) => {
    throw describeWriteError(e, path, 0);
  });
  const out = new BufferedWriter(sink);
  try {
    const result = await fill(out);
    options.signal?.throwIfAborted();
    await out.flush();
    await sink.sync();
    await sink.close();
    await rename(temp, path);
    return result;
  } catch (e) {
    await sink.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw describeWriteError(e, path, out.position);
  }
}

/**
 * The folder version (S3DIS rooms are a folder of text files): fills a temp folder, then swaps it
 * in. An existing folder at `target` is replaced only after the new one is complete.
 */
export async function writeDirectoryAtomically<T>(target: string, fill: (dir: string) => Promise<T>, options: AtomicWriteOptions = {}): Promise<T> {
  const path = resolve(target);
  await checkTarget(path, 'dir');
  const temp = tempName(path);
  try {
    await mkdir(temp);
  } catch (e) {
    throw describeWriteError(e, path, 0);
  }
  try {
    const result = await fill(temp);
    options.signal?.throwIfAborted();
    const existing = await stat(path).catch(() => null);
    if (existing) {
      const old = tempName(path);
      await rename(path, old);
      await rename(temp, path);
      await rm(old, { recursive: true, force: true });
    } else await rename(temp, path);
    return result;
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw describeWriteError(e, path, 0);
  }
}
