import type BetterSqlite3 from 'better-sqlite3';

export interface ScanRow {
  id: string;
  name: string;
  sourcePath: string | null;
  format: string;
  crs: string | null;
  originX: number;
  originY: number;
  originZ: number;
  pointCount: number;
  faceCount: number;
  createdAt: number;
}

const COLUMNS = `id, name, source_path AS sourcePath, format, crs, origin_x AS originX, origin_y AS originY,
  origin_z AS originZ, point_count AS pointCount, face_count AS faceCount, created_at AS createdAt`;

export class ScansRepo {
  constructor(private readonly db: BetterSqlite3.Database) {}

  list(): ScanRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM scans ORDER BY created_at, id`).all() as ScanRow[];
  }

  get(id: string): ScanRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM scans WHERE id = ?`).get(id) as ScanRow | undefined;
  }

  /** Smallest positive integer id not taken, as a string: short ids users can type (`--scan 1`). */
  nextId(): string {
    const row = this.db
      .prepare(`SELECT COALESCE(MAX(CAST(id AS INTEGER)), 0) + 1 AS n FROM scans WHERE id GLOB '[0-9]*'`)
      .get() as { n: number };
    return String(row.n);
  }

  insert(r: ScanRow) {
    this.db
      .prepare(
        `INSERT INTO scans (id, name, source_path, format, crs, origin_x, origin_y, origin_z, point_count, face_count, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.id, r.name, r.sourcePath, r.format, r.crs, r.originX, r.originY, r.originZ, r.pointCount, r.faceCount, r.createdAt);
  }
}
