import type BetterSqlite3 from 'better-sqlite3';

export interface JobRow {
  id: string;
  kind: string;
  title: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  params: string;
  progress: number | null;
  message: string;
  result: string | null;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}

const COLUMNS = `id, kind, title, state, params, progress, message, result, error, started_at AS startedAt, finished_at AS finishedAt`;

export class JobsRepo {
  constructor(private readonly db: BetterSqlite3.Database) {}

  upsert(r: JobRow) {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, state, params, progress, message, result, error, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, progress = excluded.progress, message = excluded.message,
           result = excluded.result, error = excluded.error, finished_at = excluded.finished_at`,
      )
      .run(r.id, r.kind, r.title, r.state, r.params, r.progress, r.message, r.result, r.error, r.startedAt, r.finishedAt);
  }

  list(): JobRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM jobs ORDER BY started_at DESC`).all() as JobRow[];
  }

  get(id: string): JobRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
  }

  /** Jobs a killed process left running cannot resume; mark them failed on open. */
  failInterrupted(at: number): number {
    return this.db
      .prepare(`UPDATE jobs SET state = 'failed', error = '{"code":"internal","message":"interrupted"}', finished_at = ? WHERE state IN ('queued', 'running')`)
      .run(at).changes;
  }
}
