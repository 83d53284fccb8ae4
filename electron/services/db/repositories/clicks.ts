import type BetterSqlite3 from 'better-sqlite3';

export interface ClickRow {
  id: number;
  scanId: string;
  editId: number | null;
  x: number;
  y: number;
  z: number;
  pointIndex: number | null;
  positive: boolean;
  camera: string;
  modelId: string | null;
  createdAt: number;
}

const COLUMNS = `id, scan_id AS scanId, edit_id AS editId, x, y, z, point_index AS pointIndex, positive, camera,
  model_id AS modelId, created_at AS createdAt`;

export class ClicksRepo {
  constructor(private readonly db: BetterSqlite3.Database) {}

  insert(r: Omit<ClickRow, 'id'>): number {
    const info = this.db
      .prepare(
        `INSERT INTO clicks (scan_id, edit_id, x, y, z, point_index, positive, camera, model_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.scanId, r.editId, r.x, r.y, r.z, r.pointIndex, r.positive ? 1 : 0, r.camera, r.modelId, r.createdAt);
    return Number(info.lastInsertRowid);
  }

  linkEdit(clickIds: readonly number[], editId: number) {
    const stmt = this.db.prepare('UPDATE clicks SET edit_id = ? WHERE id = ?');
    for (const id of clickIds) stmt.run(editId, id);
  }

  list(scanId: string): ClickRow[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM clicks WHERE scan_id = ? ORDER BY id`).all(scanId) as (Omit<ClickRow, 'positive'> & { positive: number })[]).map(
      (r) => ({ ...r, positive: r.positive === 1 }),
    );
  }
}
