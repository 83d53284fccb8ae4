import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runCli } from '../../../electron/cli/run';
import { ProjectDb } from '../../../electron/services/db/index';
import { BadInputError } from '../../../electron/services/errors';
import { ProjectStore } from '../../../electron/services/labels/index';
import { range, tempDir } from './helpers';

const t = tempDir();
afterAll(() => t.cleanup());
let n = 0;

/** A closed project with a scan, labels, and undo data; returns its folder. */
function project(): string {
  const dir = join(t.dir, `p${n++}`);
  const s = ProjectStore.create(dir, { schema: 's3dis' });
  const id = s.registerScan({ name: 'room', format: 'txt', pointCount: 600_000 }).id;
  for (let k = 0; k < 8; k++) s.applyEdit({ kind: 'assign', scanId: id, points: range(k * 70_000, k * 70_000 + 65_000), classCode: k, instance: k + 1 });
  s.close();
  return dir;
}

const db = (dir: string) => join(dir, 'project.sqlite');

function expectBadInput(dir: string, message: RegExp) {
  let error: unknown;
  try {
    const s = ProjectStore.open(dir);
    // Damage that only shows when data is read must surface as bad input too.
    s.stats('1');
    s.undo('1');
    s.close();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BadInputError);
  expect((error as Error).message).toMatch(message);
}

test('an empty, a foreign and a missing project file are clear bad input', () => {
  const a = project();
  writeFileSync(db(a), '');
  expectBadInput(a, /empty/);
  writeFileSync(db(a), 'this is a text file, not a database\n'.repeat(10));
  expectBadInput(a, /not a SQLite database/);
  expectBadInput(t.dir, /not a ScanLabel project \(no project.sqlite\)/);
  expectBadInput(join(t.dir, 'nowhere'), /no such folder/);
});

test('a truncated project file is bad input, not a crash', () => {
  for (const fraction of [0.02, 0.3, 0.6, 0.95]) {
    const dir = project();
    truncateSync(db(dir), Math.floor(statSync(db(dir)).size * fraction));
    expectBadInput(dir, /corrupt|truncated|malformed/i);
  }
});

test('overwritten pages are reported as corruption', () => {
  for (const at of [0.25, 0.5, 0.75]) {
    const dir = project();
    const size = statSync(db(dir)).size;
    const page = 4096;
    const offset = Math.floor((size * at) / page) * page;
    const fd = openSync(db(dir), 'r+');
    writeSync(fd, Buffer.alloc(page, 0xab), 0, page, offset);
    closeSync(fd);
    expectBadInput(dir, /corrupt|malformed|damaged/i);
  }
});

test('label chunks or undo data of the wrong size are reported with the layer or edit', () => {
  const dir = project();
  let raw = ProjectDb.open(db(dir));
  raw.tx(() => raw.raw.prepare(`UPDATE label_chunks SET class_data = x'0102' WHERE chunk_key = 3`).run());
  raw.close();
  expectBadInput(dir, /labels of layer "user" \(scan 1\) are damaged: chunk 3: class data has 2 bytes, expected 65536/);

  const dir2 = project();
  raw = ProjectDb.open(db(dir2));
  raw.tx(() => raw.raw.prepare(`UPDATE edit_chunks SET before = x'ff' WHERE edit_id = 8`).run());
  raw.close();
  expectBadInput(dir2, /undo data of edit 8 \(chunk \d+\) is damaged/);
});

test('the CLI exits 2 with one line for a damaged project', async () => {
  const dir = project();
  const bytes = readFileSync(db(dir));
  writeFileSync(db(dir), bytes.subarray(0, 50));
  const err: string[] = [];
  const code = await runCli(['labels', 'stats', '--project', dir, '--scan', '1', '--json'], { out: () => {}, err: (l) => err.push(l) });
  expect(code).toBe(2);
  expect(err.join('\n')).toMatch(/project.sqlite: project database is truncated \(50 bytes\)/);
  expect(err.join('\n')).not.toMatch(/\n\s+at /);
});
