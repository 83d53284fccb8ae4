import type BetterSqlite3 from 'better-sqlite3';
import { toBlob } from './blob';

export interface LabelChunkRow {
  layerId: number;
  chunkKey: number;
  pointCount: number;
  classData: Uint8Array;
  flagData: Uint8Array;
  confidenceData: Uint8Array | null;
  instanceData: Uint8Array | null;
}

const COLUMNS = `layer_id AS layerId, chunk_key AS chunkKey, point_count AS pointCount, class_data AS classData,
  flag_data AS flagData, confidence_data AS confidenceData, instance_data AS instanceData`;

export class LabelChunksRepo {
  private readonly getStmt;
  private readonly upsertStmt;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM label_chunks WHERE layer_id = ? AND chunk_key = ?`);
    this.upsertStmt = db.prepare(
      `INSERT INTO label_chunks (layer_id, chunk_key, point_count, class_data, flag_data, confidence_data, instance_data)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (layer_id, chunk_key) DO UPDATE SET point_count = excluded.point_count, class_data = excluded.class_data,
         flag_data = excluded.flag_data, confidence_data = excluded.confidence_data, instance_data = excluded.instance_data`,
    );
  }

  get(layerId: number, chunkKey: number): LabelChunkRow | undefined {
    return this.getStmt.get(layerId, chunkKey) as LabelChunkRow | undefined;
  }

  all(layerId: number): LabelChunkRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM label_chunks WHERE layer_id = ? ORDER BY chunk_key`).all(layerId) as LabelChunkRow[];
  }

  upsert(r: LabelChunkRow) {
    this.upsertStmt.run(
      r.layerId,
      r.chunkKey,
      r.pointCount,
      toBlob(r.classData),
      toBlob(r.flagData),
      r.confidenceData ? toBlob(r.confidenceData) : null,
      r.instanceData ? toBlob(r.instanceData) : null,
    );
  }

  /** Stored bytes per layer, for the storage budget check in benchmarks. */
  storedBytes(layerId: number): { points: number; bytes: number } {
    return this.db
      .prepare(
        `SELECT COALESCE(SUM(point_count), 0) AS points, COALESCE(SUM(length(class_data) + length(flag_data)
           + COALESCE(length(confidence_data), 0) + COALESCE(length(instance_data), 0)), 0) AS bytes
         FROM label_chunks WHERE layer_id = ?`,
      )
      .get(layerId) as { points: number; bytes: number };
  }
}
