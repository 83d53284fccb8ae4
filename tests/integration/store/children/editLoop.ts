/**
 * Crash-test child: applies edits in a loop and prints each id only after applyEdit returned,
 * i.e. after commit: `E <id>` for an edit, `U <id>`/`R <id>` for undo/redo. The parent kills it
 * with SIGKILL at a random moment. Args: projectDir scanId seed.
 */
import { writeSync } from 'node:fs';
import { ProjectStore } from '../../../../electron/services/labels/index';
import { rng } from '../helpers';

const [dir, scanId, seedArg] = process.argv.slice(2);
const random = rng(Number(seedArg));
const store = ProjectStore.open(dir!);
const total = store.getScan(scanId!).pointCount;
const codes = store.listClasses().map((c) => c.code);
writeSync(1, 'ready\n');

for (;;) {
  const r = random();
  if (r < 0.1) {
    const u = store.undo(scanId!);
    if (u) writeSync(1, `U ${u.editId}\n`);
    const d = store.redo(scanId!);
    if (d) writeSync(1, `R ${d.editId}\n`);
    continue;
  }
  // Mostly coherent spans (like a brush), sometimes scattered points, up to ~120k per edit.
  const n = 1 + Math.floor(random() * 120_000);
  const points = new Uint32Array(n);
  if (random() < 0.7) {
    const start = Math.floor(random() * (total - n));
    for (let i = 0; i < n; i++) points[i] = start + i;
  } else for (let i = 0; i < n; i++) points[i] = Math.floor(random() * total);
  // A no-op edit (erasing unlabeled points, re-assigning the same class) is refused, not logged.
  const res = tryEdit(() =>
    r < 0.15
      ? store.applyEdit({ kind: 'erase', scanId: scanId!, points })
      : store.applyEdit({
          kind: 'assign',
          scanId: scanId!,
          points,
          classCode: codes[Math.floor(random() * codes.length)]!,
          ...(random() < 0.3 ? { instance: 1 + Math.floor(random() * 50) } : {}),
        }),
  );
  if (res) writeSync(1, `E ${res.editId}\n`);
}

function tryEdit<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if ((e as { code?: string }).code === 'invalid_params' && String((e as Error).message).startsWith('nothing to change')) return undefined;
    throw e;
  }
}
