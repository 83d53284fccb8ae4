import type BetterSqlite3 from 'better-sqlite3';
import { toBlob } from './blob';

export type EditState = 'applied' | 'undone';

export interface EditRow {
  id: number;
  scanId: string;
  layerId: number;
  kind: string;
  params: string;
  pointCount: number;
  skippedLocked: number;
  state: EditState;
  createdAt: number;
  changedAt: number;
}

export interface EditChunkRow {
  chunkKey: number;
  indices: Uint8Array;
  before: Uint8Array;
  after: Uint8Array;
}

const COLUMNS = `id, scan_id AS scanId, layer_id AS layerId, kind, params, point_count AS pointCount,
  skipped_locked AS skippedLocked, state, created_at AS createdAt, changed_at AS changedAt`;

/**
 * The persisted command log. History is linear per scan: every undone edit has a larger id than
 * every applied one, because applying a new edit first discards the undone (redo) branch.
 */
export class EditsRepo {
  private readonly insertChunkStmt;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.insertChunkStmt = db.prepare('INSERT INTO edit_chunks (edit_id, chunk_key, indices, before, after) VALUES (?, ?, ?, ?, ?)');
  }

  insert(r: Omit<EditRow, 'id'>): number {
    const info = this.db
      .prepare(
        `INSERT INTO edits (scan_id, layer_id, kind, params, point_count, skipped_locked, state, created_at, changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.scanId, r.layerId, r.kind, r.params, r.pointCount, r.skippedLocked, r.state, r.createdAt, r.changedAt);
    return Number(info.lastInsertRowid);
  }

  insertChunk(editId: number, c: EditChunkRow) {
    this.insertChunkStmt.run(editId, c.chunkKey, toBlob(c.indices), toBlob(c.before), toBlob(c.after));
  }

  get(id: number): EditRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM edits WHERE id = ?`).get(id) as EditRow | undefined;
  }

  chunks(editId: number): EditChunkRow[] {
    return this.db
      .prepare('SELECT chunk_key AS chunkKey, indices, before, after FROM edit_chunks WHERE edit_id = ? ORDER BY chunk_key')
      .all(editId) as EditChunkRow[];
  }

  /** The edit undo would revert. */
  lastApplied(scanId: string): EditRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM edits WHERE scan_id = ? AND state = 'applied' ORDER BY id DESC LIMIT 1`).get(scanId) as
      | EditRow
      | undefined;
  }

  /** The edit redo would re-apply. */
  firstUndone(scanId: string): EditRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM edits WHERE scan_id = ? AND state = 'undone' ORDER BY id ASC LIMIT 1`).get(scanId) as
      | EditRow
      | undefined;
  }

  setState(id: number, state: EditState, at: number) {
    this.db.prepare('UPDATE edits SET state = ?, changed_at = ? WHERE id = ?').run(state, at, id);
  }

  /** Drops the redo branch; edit_chunks go with it (ON DELETE CASCADE). */
  discardUndone(scanId: string): number {
    return this.db.prepare(`DELETE FROM edits WHERE scan_id = ? AND state = 'undone'`).run(scanId).changes;
  }

  list(scanId: string, limit: number, beforeId?: number): EditRow[] {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM edits WHERE scan_id = ? AND id < ? ORDER BY id DESC LIMIT ?`)
      .all(scanId, beforeId ?? Number.MAX_SAFE_INTEGER, limit) as EditRow[];
  }

  count(scanId: string): { applied: number; undone: number } {
    return this.db
      .prepare(
        `SELECT COALESCE(SUM(state = 'applied'), 0) AS applied, COALESCE(SUM(state = 'undone'), 0) AS undone FROM edits WHERE scan_id = ?`,
      )
      .get(scanId) as { applied: number; undone: number };
  }
}
