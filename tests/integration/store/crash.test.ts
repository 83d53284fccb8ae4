import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ProjectStore } from '../../../electron/services/labels/index';
import { bundleChild } from './childScript';
import { rng, tempDir } from './helpers';
import { replayFromLog } from './replay';

const ROUNDS = 50;
const POINTS = 400_000;
let childJs = '';
const t = tempDir('scanlabel-crash-');
afterAll(() => t.cleanup());
beforeAll(async () => {
  childJs = await bundleChild(join(import.meta.dirname, 'children/editLoop.ts'), 'editLoop');
});

/** Runs the edit loop until a random moment after it is ready, then SIGKILLs it; returns what it printed. */
function runAndKill(dir: string, scanId: string, seed: number, delayMs: number): Promise<string[]> {
  return new Promise((resolveLines, reject) => {
    const child = spawn(process.execPath, [childJs, dir, scanId, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (errText += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own (code ${code}): ${errText}`));
      // Only complete lines count: a torn last line was not fully acknowledged.
      else resolveLines(out.split('\n').slice(0, -1));
    });
  });
}

test(`SIGKILL at random moments (${ROUNDS} rounds) never loses an acknowledged edit nor corrupts the project`, { timeout: 300_000 }, async () => {
  const dir = join(t.dir, 'p');
  const p = ProjectStore.create(dir, { schema: 'sum' });
  const scanId = p.registerScan({ name: 'crash', format: 'synthetic', pointCount: POINTS }).id;
  p.close();

  const random = rng(20251122);
  let acknowledged = 0;
  let roundsWithEdits = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const lines = await runAndKill(dir, scanId, round + 1, 30 + Math.floor(random() * 600));
    expect(lines[0]).toBe('ready');
    const printed = lines.filter((l) => l.startsWith('E ')).map((l) => Number(l.slice(2)));
    acknowledged += printed.length;
    if (printed.length > 0) roundsWithEdits++;

    const { integrity, classes, editIds } = replayFromLog(dir, scanId);
    expect(integrity).toEqual(['ok']);
    const missing = printed.filter((id) => !editIds.has(id));
    expect(missing, `round ${round}: acknowledged edits missing after SIGKILL`).toEqual([]);

    // Chunk rows and edit log were committed together: labels equal the replayed log.
    const store = ProjectStore.open(dir);
    const stored = store.readLabels(scanId).classes;
    store.close();
    expect(Buffer.compare(Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength), Buffer.from(classes))).toBe(0);
  }
  console.log(`crash test: ${ROUNDS} SIGKILLs, ${roundsWithEdits} rounds with acknowledged edits, ${acknowledged} acknowledged edits, all present`);
  expect(roundsWithEdits).toBeGreaterThan(ROUNDS / 3);
  expect(acknowledged).toBeGreaterThan(ROUNDS);
});
