import type BetterSqlite3 from 'better-sqlite3';
import { BadInputError } from '../errors';
import type { Migration } from './migrations/index';

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`;

export function appliedMigrations(db: BetterSqlite3.Database): string[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  if (!exists) return [];
  return (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map((r) => r.id);
}

/**
 * Which known migrations are still to apply. Refuses a database whose applied list is not a
 * prefix of the known list: it was written by a newer or diverged ScanLabel, and guessing would
 * risk the user's labels.
 */
export function pendingMigrations(applied: readonly string[], known: readonly Migration[], file: string): Migration[] {
  for (let i = 0; i < applied.length; i++) {
    const expected = known[i];
    if (!expected || expected.id !== applied[i]) {
      throw new BadInputError(
        file,
        `schema migration "${applied[i]}" is unknown to this ScanLabel (expected ${expected ? `"${expected.id}"` : 'none'}); ` +
          'the project was written by a newer or different version',
      );
    }
  }
  return known.slice(applied.length);
}

/** Applies pending migrations, each in its own transaction together with its ledger row. */
export function migrate(db: BetterSqlite3.Database, known: readonly Migration[], file: string): string[] {
  db.exec(LEDGER);
  const pending = pendingMigrations(appliedMigrations(db), known, file);
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, Date.now());
    })();
  }
  return pending.map((m) => m.id);
}
