import type BetterSqlite3 from 'better-sqlite3';

export interface ClassSchemaRow {
  id: number;
  name: string;
  preset: string | null;
  codeWidth: 1 | 2;
  createdAt: number;
}

export interface ClassRow {
  schemaId: number;
  code: number;
  name: string;
  color: string;
  hotkey: string | null;
  exportCode: number | null;
  sort: number;
}

const SCHEMA_COLUMNS = 'id, name, preset, code_width AS codeWidth, created_at AS createdAt';
const CLASS_COLUMNS = 'schema_id AS schemaId, code, name, color, hotkey, export_code AS exportCode, sort';

export class ClassesRepo {
  constructor(private readonly db: BetterSqlite3.Database) {}

  listSchemas(): ClassSchemaRow[] {
    return this.db.prepare(`SELECT ${SCHEMA_COLUMNS} FROM class_schemas ORDER BY id`).all() as ClassSchemaRow[];
  }

  getSchema(id: number): ClassSchemaRow | undefined {
    return this.db.prepare(`SELECT ${SCHEMA_COLUMNS} FROM class_schemas WHERE id = ?`).get(id) as ClassSchemaRow | undefined;
  }

  insertSchema(r: Omit<ClassSchemaRow, 'id'>): number {
    const info = this.db
      .prepare('INSERT INTO class_schemas (name, preset, code_width, created_at) VALUES (?, ?, ?, ?)')
      .run(r.name, r.preset, r.codeWidth, r.createdAt);
    return Number(info.lastInsertRowid);
  }

  listClasses(schemaId: number): ClassRow[] {
    return this.db.prepare(`SELECT ${CLASS_COLUMNS} FROM classes WHERE schema_id = ? ORDER BY sort, code`).all(schemaId) as ClassRow[];
  }

  getClass(schemaId: number, code: number): ClassRow | undefined {
    return this.db.prepare(`SELECT ${CLASS_COLUMNS} FROM classes WHERE schema_id = ? AND code = ?`).get(schemaId, code) as
      | ClassRow
      | undefined;
  }

  byHotkey(schemaId: number, hotkey: string): ClassRow | undefined {
    return this.db.prepare(`SELECT ${CLASS_COLUMNS} FROM classes WHERE schema_id = ? AND hotkey = ?`).get(schemaId, hotkey) as
      | ClassRow
      | undefined;
  }

  insertClass(r: ClassRow) {
    this.db
      .prepare('INSERT INTO classes (schema_id, code, name, color, hotkey, export_code, sort) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.schemaId, r.code, r.name, r.color, r.hotkey, r.exportCode, r.sort);
  }

  updateClass(r: ClassRow) {
    this.db
      .prepare('UPDATE classes SET name = ?, color = ?, hotkey = ?, export_code = ?, sort = ? WHERE schema_id = ? AND code = ?')
      .run(r.name, r.color, r.hotkey, r.exportCode, r.sort, r.schemaId, r.code);
  }

  deleteClass(schemaId: number, code: number) {
    this.db.prepare('DELETE FROM classes WHERE schema_id = ? AND code = ?').run(schemaId, code);
  }
}
