import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ProjectDb, migrations, repositories } from '../../../electron/services/db/index';
import { pendingMigrations } from '../../../electron/services/db/migrate';
import { BadInputError } from '../../../electron/services/errors';
import { ProjectStore } from '../../../electron/services/labels/index';
import { LabelChunk } from '../../../electron/services/labels/chunk';
import { range, tempDir } from './helpers';

const t = tempDir();
afterAll(() => t.cleanup());

test('migration ids are timestamped and strictly ordered', () => {
  expect(migrations.length).toBeGreaterThanOrEqual(2);
  for (const m of migrations) expect(m.id).toMatch(/^\d{10}_[a-z0-9_]+$/);
  const ids = migrations.map((m) => m.id);
  expect([...ids].sort()).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
});

test('a database created by the first schema, with labels, upgrades on open and keeps its data', () => {
  const dir = join(t.dir, 'old');
  mkdirSync(dir);
  const first = migrations.slice(0, 1);
  const db = ProjectDb.open(join(dir, 'project.sqlite'), { create: true, migrations: first });
  const repos = repositories(db);
  db.tx(() => {
    const schemaId = repos.classes.insertSchema({ name: 'old', preset: null, codeWidth: 1, createdAt: 1 });
    repos.classes.insertClass({ schemaId, code: 4, name: 'tree', color: '#00aa00', hotkey: '1', exportCode: null, sort: 0 });
    repos.projects.insert({ uuid: 'u-1', name: 'old project', activeSchemaId: schemaId, createdAt: 1 });
    repos.scans.insert({ id: 's', name: 'scan', sourcePath: '/data/a.las', format: 'las', crs: null, originX: 1.5, originY: 2.5, originZ: 3.5, pointCount: 1000, faceCount: 0, createdAt: 1 });
    const layerId = repos.layers.insert({ scanId: 's', name: 'user', kind: 'user', schemaId, chunkSize: 65536, createdAt: 1 });
    const chunk = LabelChunk.empty(0, 1000, 1, false);
    chunk.classes.fill(4, 0, 100);
    repos.labelChunks.upsert(chunk.toRow(layerId));
  });
  expect(db.raw.prepare('SELECT id FROM schema_migrations').all()).toEqual([{ id: first[0]!.id }]);
  expect(db.raw.prepare(`SELECT name FROM sqlite_master WHERE name = 'clicks'`).get()).toBeUndefined();
  db.close();

  expect(() => ProjectStore.open(dir, { readOnly: true })).toThrow(/needs an upgrade/);

  const store = ProjectStore.open(dir);
  expect(store.info()).toMatchObject({ uuid: 'u-1', name: 'old project' });
  expect(store.listScans()[0]).toMatchObject({ id: 's', origin: [1.5, 2.5, 3.5], sourcePath: '/data/a.las' });
  expect(store.stats('s').classes).toEqual([{ code: 4, name: 'tree', count: 100 }]);
  // Tables of the newer migration work, and edits run on the upgraded file.
  expect(store.clicks.list('s')).toEqual([]);
  store.applyEdit({ kind: 'assign', scanId: 's', points: range(100, 200), classCode: 4 });
  expect(store.stats('s').labeled).toBe(200);
  store.close();

  const check = ProjectDb.open(join(dir, 'project.sqlite'));
  expect((check.raw.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map((r) => r.id)).toEqual(migrations.map((m) => m.id));
  expect(check.integrityCheck()).toEqual(['ok']);
  check.close();
});

test('startup refuses a database whose applied migrations are not a prefix of the known ones', () => {
  const dir = join(t.dir, 'future');
  ProjectStore.create(dir).close();
  const db = ProjectDb.open(join(dir, 'project.sqlite'));
  db.tx(() => db.raw.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, 0)').run('9999999999_from_the_future'));
  db.close();
  expect(() => ProjectStore.open(dir)).toThrow(BadInputError);
  expect(() => ProjectStore.open(dir)).toThrow(/"9999999999_from_the_future" is unknown to this ScanLabel/);

  expect(() => pendingMigrations(['1763769600_initial', 'x'], migrations, 'f')).toThrow(/"x" is unknown/);
  expect(() => pendingMigrations(['0000000000_other'], migrations, 'f')).toThrow(/unknown/);
  expect(pendingMigrations([migrations[0]!.id], migrations, 'f')).toEqual(migrations.slice(1));
});
