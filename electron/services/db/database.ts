import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { ServiceFailure } from '../../../common/result';
import { BadInputError } from '../errors';
import { appliedMigrations, migrate, pendingMigrations } from './migrate';
import { migrations as knownMigrations, type Migration } from './migrations/index';

export interface OpenDatabaseOptions {
  /** Create the file when missing (project creation); otherwise a missing file is bad input. */
  create?: boolean;
  /** Open without writing: no migrations, no writer lock. Fails while a writer holds the project. */
  readOnly?: boolean;
  /** Defaults to every known migration; tests pass a prefix to build an old-schema database. */
  migrations?: readonly Migration[];
}

/** Who holds the writer lock; informational only (the lock itself is SQLite's, see docs/architecture-store.md). */
interface OwnerInfo {
  pid: number;
  host: string;
  since: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * An open project database. Writers run in SQLite's EXCLUSIVE locking mode: the OS file lock is
 * held from open to close, so a second process cannot read or write behind our in-memory label
 * cache, and a killed process releases it automatically (no stale lock to clean up).
 */
export class ProjectDb {
  private closed = false;

  private constructor(
    readonly file: string,
    readonly raw: BetterSqlite3.Database,
    readonly readOnly: boolean,
    private readonly ownerFile: string | null,
  ) {}

  static open(file: string, options: OpenDatabaseOptions = {}): ProjectDb {
    const readOnly = options.readOnly ?? false;
    const exists = existsSync(file);
    if (!exists && !options.create) throw new BadInputError(file, 'no project database here');
    if (exists) checkHeader(file);
    let raw: BetterSqlite3.Database;
    try {
      // timeout 0: a held lock means "open elsewhere" now, not after a silent wait.
      raw = new Database(file, { readonly: readOnly, fileMustExist: !options.create, timeout: 0 });
    } catch (e) {
      throw translate(e, file);
    }
    try {
      if (!readOnly) {
        raw.pragma('locking_mode = EXCLUSIVE');
        const mode = raw.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal') throw new ServiceFailure('internal', `${file}: cannot enable WAL (journal_mode=${String(mode)})`);
        // FULL: every commit fsyncs the WAL, so an acknowledged edit survives power loss, not only a crash.
        raw.pragma('synchronous = FULL');
        raw.pragma('fullfsync = ON'); // macOS: fsync alone does not flush the drive cache
        raw.pragma('checkpoint_fullfsync = ON');
        raw.pragma('journal_size_limit = 67108864');
        raw.exec('BEGIN EXCLUSIVE; COMMIT'); // take the writer lock now, not at the first edit
      }
      raw.pragma('foreign_keys = ON');
      quickCheck(raw, file);
      const known = options.migrations ?? knownMigrations;
      if (readOnly) {
        const pending = pendingMigrations(appliedMigrations(raw), known, file);
        if (pending.length > 0) throw new ServiceFailure('conflict', `${file}: needs an upgrade; open it read-write once`);
      } else migrate(raw, known, file);
    } catch (e) {
      raw.close();
      throw translate(e, file);
    }
    const ownerFile = readOnly ? null : join(dirname(file), `${basename(file)}.owner`);
    if (ownerFile) writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() } satisfies OwnerInfo));
    return new ProjectDb(file, raw, readOnly, ownerFile);
  }

  /** Runs fn in one transaction: everything it writes is durable when tx returns, or nothing is. */
  tx<T>(fn: () => T): T {
    this.assertWritable();
    return this.raw.transaction(fn)();
  }

  assertWritable() {
    if (this.closed) throw new ServiceFailure('conflict', `${this.file}: project is closed`);
    if (this.readOnly) throw new ServiceFailure('conflict', `${this.file}: project is open read-only`);
  }

  get isOpen() {
    return !this.closed;
  }

  integrityCheck(): string[] {
    return (this.raw.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (!this.readOnly) this.raw.pragma('wal_checkpoint(TRUNCATE)');
    this.raw.close();
    if (this.ownerFile) rmSync(this.ownerFile, { force: true });
  }
}

function checkHeader(file: string) {
  const size = statSync(file).size;
  if (size === 0) throw new BadInputError(file, 'project database is empty (truncated or never written)');
  if (size < 100) throw new BadInputError(file, `project database is truncated (${size} bytes)`);
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_MAGIC) throw new BadInputError(file, 'not a SQLite database (bad header)', { byte: 0 });
}

function quickCheck(raw: BetterSqlite3.Database, file: string) {
  const rows = raw.pragma('quick_check') as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (problems.length > 0) throw new BadInputError(file, `project database is corrupt: ${problems.slice(0, 3).join('; ')}`);
}

function ownerOf(file: string): OwnerInfo | null {
  try {
    const o = JSON.parse(readFileSync(join(dirname(file), `${basename(file)}.owner`), 'utf8')) as OwnerInfo;
    return typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

/** Maps SQLite failures to errors the user can act on. */
function translate(e: unknown, file: string): unknown {
  if (e instanceof ServiceFailure) return e;
  const code = (e as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    const owner = ownerOf(file);
    const who = owner ? `pid ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ''}` : 'another process';
    return new ServiceFailure('conflict', `${file}: project open elsewhere (${who})`);
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code === 'SQLITE_IOERR_SHORT_READ') {
    return new BadInputError(file, `project database is corrupt or truncated (${String(code)}: ${(e as Error).message})`);
  }
  if (code === 'SQLITE_CANTOPEN') return new BadInputError(file, `cannot open project database: ${(e as Error).message}`);
  return e;
}

export { translate as translateSqliteError };
