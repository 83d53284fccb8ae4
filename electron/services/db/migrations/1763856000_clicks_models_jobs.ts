/** Click prompts, the model registry and persisted jobs: what click-to-label segmentation records. */
export const id = '1763856000_clicks_models_jobs';

export const sql = /* sql */ `
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  family TEXT NOT NULL,                              -- sam1, sam2, builtin, ...
  name TEXT NOT NULL,
  path TEXT,
  sha256 TEXT,
  manifest TEXT NOT NULL,                            -- JSON manifest as validated by the registry
  added_at INTEGER NOT NULL
);

CREATE TABLE clicks (
  id INTEGER PRIMARY KEY,
  scan_id TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  edit_id INTEGER REFERENCES edits(id) ON DELETE SET NULL,   -- the lift edit it produced, if accepted
  x REAL NOT NULL,                                   -- anchor in scan-local coordinates (origin-relative)
  y REAL NOT NULL,
  z REAL NOT NULL,
  point_index INTEGER,
  positive INTEGER NOT NULL CHECK (positive IN (0, 1)),
  camera TEXT NOT NULL,                              -- JSON camera the click was made from
  model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX clicks_by_scan ON clicks(scan_id, id);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  params TEXT NOT NULL,
  progress REAL,
  message TEXT NOT NULL DEFAULT '',
  result TEXT,
  error TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
);
`;
