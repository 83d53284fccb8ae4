import type BetterSqlite3 from 'better-sqlite3';

export interface ModelRow {
  id: string;
  family: string;
  name: string;
  path: string | null;
  sha256: string | null;
  manifest: string;
  addedAt: number;
}

const COLUMNS = 'id, family, name, path, sha256, manifest, added_at AS addedAt';

export class ModelsRepo {
  constructor(private readonly db: BetterSqlite3.Database) {}

  upsert(r: ModelRow) {
    this.db
      .prepare(
        `INSERT INTO models (id, family, name, path, sha256, manifest, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET family = excluded.family, name = excluded.name, path = excluded.path,
           sha256 = excluded.sha256, manifest = excluded.manifest`,
      )
      .run(r.id, r.family, r.name, r.path, r.sha256, r.manifest, r.addedAt);
  }

  list(): ModelRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM models ORDER BY id`).all() as ModelRow[];
  }

  get(id: string): ModelRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM models WHERE id = ?`).get(id) as ModelRow | undefined;
  }
}
