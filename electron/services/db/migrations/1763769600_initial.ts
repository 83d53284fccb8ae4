/**
 * First schema: project, scans, class schemas, label layers, chunked per-point labels and the edit
 * log. Embedded as a string (not a .sql file) so the same code runs from sources and from the
 * esbuild bundle without locating files at runtime.
 */
export const id = '1763769600_initial';

export const sql = /* sql */ `
CREATE TABLE projects (
  id INTEGER PRIMARY KEY CHECK (id = 1),           -- one row: this project
  uuid TEXT NOT NULL,
  name TEXT NOT NULL,
  active_schema_id INTEGER REFERENCES class_schemas(id),
  created_at INTEGER NOT NULL
);

CREATE TABLE class_schemas (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  preset TEXT,                                       -- preset id it was created from, NULL = custom
  code_width INTEGER NOT NULL CHECK (code_width IN (1, 2)),  -- bytes per stored class code
  created_at INTEGER NOT NULL
);

CREATE TABLE classes (
  schema_id INTEGER NOT NULL REFERENCES class_schemas(id) ON DELETE CASCADE,
  code INTEGER NOT NULL CHECK (code >= 0 AND code < 65535),
  name TEXT NOT NULL,
  color TEXT NOT NULL CHECK (length(color) = 7 AND substr(color, 1, 1) = '#'),
  hotkey TEXT,
  export_code INTEGER,                               -- code written on export, NULL = code
  sort INTEGER NOT NULL,
  PRIMARY KEY (schema_id, code),
  UNIQUE (schema_id, hotkey)
);

CREATE TABLE scans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  source_path TEXT,
  format TEXT NOT NULL,
  crs TEXT,
  origin_x REAL NOT NULL DEFAULT 0,
  origin_y REAL NOT NULL DEFAULT 0,
  origin_z REAL NOT NULL DEFAULT 0,
  point_count INTEGER NOT NULL CHECK (point_count >= 0),
  face_count INTEGER NOT NULL DEFAULT 0 CHECK (face_count >= 0),
  created_at INTEGER NOT NULL
);

CREATE TABLE label_layers (
  id INTEGER PRIMARY KEY,
  scan_id TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'predicted', 'imported')),
  schema_id INTEGER NOT NULL REFERENCES class_schemas(id),
  chunk_size INTEGER NOT NULL DEFAULT 65536,
  created_at INTEGER NOT NULL,
  UNIQUE (scan_id, name)
);

-- One row per (layer, chunk). chunk_key = floor(point index / chunk_size) today; an octree node id
-- (integer-encoded) once labels follow the octree permutation. Absent row = all points unlabeled.
CREATE TABLE label_chunks (
  layer_id INTEGER NOT NULL REFERENCES label_layers(id) ON DELETE CASCADE,
  chunk_key INTEGER NOT NULL,
  point_count INTEGER NOT NULL,
  class_data BLOB NOT NULL,                          -- uint8 or uint16 LE codes, all-ones = unlabeled
  flag_data BLOB NOT NULL,                           -- uint8: source (bits 0-2), locked (bit 7)
  confidence_data BLOB,                              -- uint8, predicted layers only
  instance_data BLOB,                                -- sparse or dictionary encoded, NULL = none
  UNIQUE (layer_id, chunk_key)
);

-- The command log. Undone edits keep their rows until a new edit discards the redo branch.
CREATE TABLE edits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,              -- never reused: printed ids stay unique
  scan_id TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  layer_id INTEGER NOT NULL REFERENCES label_layers(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,                              -- JSON of the request minus the point set
  point_count INTEGER NOT NULL,
  skipped_locked INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('applied', 'undone')),
  created_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL
);
CREATE INDEX edits_by_scan ON edits(scan_id, state, id);

-- Undo/redo data per edit and chunk: touched local indices and the values before and after.
CREATE TABLE edit_chunks (
  edit_id INTEGER NOT NULL REFERENCES edits(id) ON DELETE CASCADE,
  chunk_key INTEGER NOT NULL,
  indices BLOB NOT NULL,
  before BLOB NOT NULL,
  after BLOB NOT NULL,
  PRIMARY KEY (edit_id, chunk_key)
);
`;
