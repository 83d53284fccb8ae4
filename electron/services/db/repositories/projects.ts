import type BetterSqlite3 from 'better-sqlite3';

export interface ProjectRow {
  uuid: string;
  name: string;
  activeSchemaId: number | null;
  createdAt: number;
}

export class ProjectsRepo {
  constructor(private readonly db: BetterSqlite3.Database) {}

  get(): ProjectRow | undefined {
    return this.db
      .prepare('SELECT uuid, name, active_schema_id AS activeSchemaId, created_at AS createdAt FROM projects WHERE id = 1')
      .get() as ProjectRow | undefined;
  }

  insert(row: ProjectRow) {
    this.db
      .prepare('INSERT INTO projects (id, uuid, name, active_schema_id, created_at) VALUES (1, ?, ?, ?, ?)')
      .run(row.uuid, row.name, row.activeSchemaId, row.createdAt);
  }

  setActiveSchema(schemaId: number) {
    this.db.prepare('UPDATE projects SET active_schema_id = ? WHERE id = 1').run(schemaId);
  }
}
