import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runCli } from '../../../electron/cli/run';
import { ProjectStore } from '../../../electron/services/labels/index';
import { bundleChild } from './childScript';
import { tempDir } from './helpers';

const t = tempDir('scanlabel-cli-');
afterAll(() => t.cleanup());
let holdOpenJs = '';
beforeAll(async () => {
  holdOpenJs = await bundleChild(join(import.meta.dirname, 'children/holdOpen.ts'), 'holdOpen');
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('project create, labels set from text and binary id files, undo/redo, stats', async () => {
  const dir = join(t.dir, 'p');
  expect((await cli('project', 'create', dir, '--schema', 'sum')).code).toBe(0);
  const scan = await cli('project', 'add-scan', dir, '--name', 'block', '--points', '1000', '--format', 'ply');
  expect(scan).toMatchObject({ code: 0, out: '1' });

  const text = join(t.dir, 'ids.txt');
  writeFileSync(text, '0\n1\n2\n\n10\r\n999\n');
  const set1 = await cli('labels', 'set', '--project', dir, '--scan', '1', '--ids', text, '--class', '3');
  expect(set1).toMatchObject({ code: 0, out: '1' });

  const bin = join(t.dir, 'ids.u32');
  const ids = Uint32Array.from({ length: 100 }, (_, i) => 100 + i);
  writeFileSync(bin, Buffer.from(ids.buffer));
  const set2 = await cli('labels', 'set', '--project', dir, '--scan', '1', '--ids', bin, '--class', 'car', '--json');
  expect(set2.code).toBe(0);
  expect(JSON.parse(set2.out)).toEqual({ editId: 2, kind: 'assign', pointCount: 100, skippedLocked: 0 });

  const stats = JSON.parse((await cli('labels', 'stats', '--project', dir, '--scan', '1', '--json')).out);
  expect(stats).toEqual({
    scanId: '1', layer: 'user', total: 1000, labeled: 105, locked: 0,
    classes: [{ code: 3, name: 'Building', count: 5 }, { code: 5, name: 'Car', count: 100 }],
  });

  expect(await cli('labels', 'undo', '--project', dir, '--scan', '1')).toMatchObject({ code: 0, out: '2' });
  expect(await cli('labels', 'undo', '--project', dir, '--scan', '1')).toMatchObject({ code: 0, out: '1' });
  expect(await cli('labels', 'undo', '--project', dir, '--scan', '1')).toMatchObject({ code: 0, out: '', err: 'nothing to undo' });
  expect(JSON.parse((await cli('labels', 'stats', '--project', dir, '--scan', '1', '--json')).out).labeled).toBe(0);
  expect(await cli('labels', 'redo', '--project', dir, '--scan', '1')).toMatchObject({ code: 0, out: '1' });
  expect(JSON.parse((await cli('labels', 'redo', '--project', dir, '--scan', '1', '--json')).out).editId).toBe(2);
  expect(JSON.parse((await cli('labels', 'redo', '--project', dir, '--scan', '1', '--json')).out)).toEqual({ editId: null });
  expect(JSON.parse((await cli('labels', 'stats', '--project', dir, '--scan', '1', '--json')).out).labeled).toBe(105);

  expect((await cli('labels', 'lock', '--project', dir, '--scan', '1', '--classes', '5')).code).toBe(0);
  const locked = await cli('labels', 'set', '--project', dir, '--scan', '1', '--ids', bin, '--class', '1');
  expect(locked).toMatchObject({ code: 2, err: expect.stringMatching(/all 100 selected points are locked/) });
  expect(await cli('labels', 'set', '--project', dir, '--scan', '1', '--ids', bin, '--class', '1', '--include-locked')).toMatchObject({ code: 0, out: '4' });
  const history = JSON.parse((await cli('labels', 'history', '--project', dir, '--scan', '1', '--json')).out);
  expect(history.entries.map((e: { kind: string }) => e.kind)).toEqual(['assign', 'lock', 'assign', 'assign']);
});

test('bad input exits 2 with a message naming the problem; usage errors exit 64', async () => {
  const dir = join(t.dir, 'q');
  await cli('project', 'create', dir);
  await cli('project', 'add-scan', dir, '--name', 'a', '--points', '10');
  const bad = join(t.dir, 'bad.txt');
  writeFileSync(bad, '1\n2\nthree\n');
  expect(await cli('labels', 'set', '--project', dir, '--scan', '1', '--ids', bad, '--class', '2')).toMatchObject({ code: 2, err: expect.stringMatching(/bad.txt: line 3: expected a point index, got "three"/) });
  const odd = join(t.dir, 'odd.bin');
  writeFileSync(odd, Buffer.from([1, 2, 3, 0xff, 0xfe]));
  expect((await cli('labels', 'set', '--project', dir, '--scan', '1', '--ids', odd, '--class', '2')).err).toMatch(/not a multiple of 4/);
  const far = join(t.dir, 'far.txt');
  writeFileSync(far, '5\n10\n');
  expect(await cli('labels', 'set', '--project', dir, '--scan', '1', '--ids', far, '--class', '2')).toMatchObject({ code: 2, err: expect.stringMatching(/point index 10 out of range \(scan has 10 points\)/) });
  expect((await cli('labels', 'set', '--project', dir, '--scan', '9', '--ids', far, '--class', '2')).err).toMatch(/no scan "9"/);
  expect((await cli('labels', 'set', '--project', dir, '--scan', '1', '--ids', join(t.dir, 'missing'), '--class', '2')).code).toBe(2);
  expect((await cli('labels', 'stats', '--project', join(t.dir, 'none'), '--scan', '1')).code).toBe(2);
  expect((await cli('labels', 'set', '--project', dir, '--scan', '1', '--class', '2')).code).toBe(64);
  expect((await cli('project', 'create', join(t.dir, 'r'), '--schema', 'nope')).code).toBe(64);
  expect((await cli('project', 'create', dir)).err).toMatch(/already holds a project/);
});

test('a second process gets "project open elsewhere (pid N)"; once that process is killed the project opens again', async () => {
  const dir = join(t.dir, 'shared');
  ProjectStore.create(dir).close();
  const child = spawn(process.execPath, [holdOpenJs, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (c) => reject(new Error(`holder exited ${c}`)));
  });
  const r = await cli('labels', 'stats', '--project', dir, '--scan', '1');
  expect(r.code).toBe(2);
  expect(r.err).toContain(`project open elsewhere (pid ${child.pid})`);
  expect(() => ProjectStore.open(dir, { readOnly: true })).toThrow(/open elsewhere/);

  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  // The lock was the killed process's OS file lock: nothing stale to clean up.
  const store = ProjectStore.open(dir);
  expect(store.integrityCheck()).toEqual(['ok']);
  store.close();
});
