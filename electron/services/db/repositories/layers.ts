import type BetterSqlite3 from 'better-sqlite3';

export type LayerKind = 'user' | 'predicted' | 'imported';

export interface LayerRow {
  id: number;
  scanId: string;
  name: string;
  kind: LayerKind;
  schemaId: number;
  chunkSize: number;
  createdAt: number;
}

const COLUMNS = 'id, scan_id AS scanId, name, kind, schema_id AS schemaId, chunk_size AS chunkSize, created_at AS createdAt';

export class LayersRepo {
  constructor(private readonly db: BetterSqlite3.Database) {}

  list(scanId: string): LayerRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM label_layers WHERE scan_id = ? ORDER BY id`).all(scanId) as LayerRow[];
  }

  get(id: number): LayerRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM label_layers WHERE id = ?`).get(id) as LayerRow | undefined;
  }

  byName(scanId: string, name: string): LayerRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM label_layers WHERE scan_id = ? AND name = ?`).get(scanId, name) as
      | LayerRow
      | undefined;
  }

  insert(r: Omit<LayerRow, 'id'>): number {
    const info = this.db
      .prepare('INSERT INTO label_layers (scan_id, name, kind, schema_id, chunk_size, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.scanId, r.name, r.kind, r.schemaId, r.chunkSize, r.createdAt);
    return Number(info.lastInsertRowid);
  }

  /** Whether any stored label of a layer using this schema carries the code (checked by the caller over chunks). */
  listBySchema(schemaId: number): LayerRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM label_layers WHERE schema_id = ? ORDER BY id`).all(schemaId) as LayerRow[];
  }
}
