import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ProjectStore, type EditCommand, type LayerLabels } from '../../../electron/services/labels/index';
import { range, rng, tempDir } from './helpers';

const t = tempDir();
afterAll(() => t.cleanup());

/** Every label array of the layer as one byte string, so comparisons are byte-exact. */
function snapshot(labels: LayerLabels): Buffer {
  const parts = [labels.classes, labels.flags, labels.instances, ...(labels.confidence ? [labels.confidence] : [])];
  return Buffer.concat(parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

function randomEdit(random: () => number, scanId: string, total: number, codes: number[], step: number): EditCommand {
  const points = (): Uint32Array => {
    const n = 1 + Math.floor(random() * 40_000);
    if (random() < 0.5) {
      const s = Math.floor(random() * (total - n));
      return range(s, s + n);
    }
    return Uint32Array.from({ length: n }, () => Math.floor(random() * total)); // unsorted, with duplicates
  };
  const code = () => codes[Math.floor(random() * codes.length)]!;
  const includeLocked = random() < 0.2;
  switch (step % 8) {
    case 0:
    case 1:
      return { kind: 'assign', scanId, points: points(), classCode: code(), ...(random() < 0.5 ? { instance: 1 + Math.floor(random() * 20) } : {}), includeLocked };
    case 2:
      return { kind: 'erase', scanId, points: points(), includeLocked: true };
    case 3:
      return { kind: 'lift', scanId, points: points(), classCode: code(), clickIds: [], includeLocked };
    case 4:
      return { kind: 'split', scanId, points: points(), instance: 100 + step, includeLocked: true };
    case 5:
      return { kind: 'lock', scanId, classes: [code()] };
    case 6:
      return { kind: 'merge', scanId, instances: [1, 2, 3, 4, 5], into: 7, includeLocked: true };
    default:
      return { kind: 'accept', scanId, fromLayer: 'model', minConfidence: 100, includeLocked };
  }
}

test('apply N edits, undo all, redo all: label arrays are byte-identical at every step, across a restart', () => {
  const dir = join(t.dir, 'p');
  let store = ProjectStore.create(dir, { schema: 'semantickitti' });
  const total = 200_000;
  const scanId = store.registerScan({ name: 'rt', format: 'bin', pointCount: total }).id;
  const codes = store.listClasses().map((c) => c.code);
  store.createLayer(scanId, 'model', 'predicted');
  for (let s = 0; s < total; s += 25_000) {
    store.applyEdit({ kind: 'assign', scanId, layer: 'model', points: range(s, s + 25_000), classCode: codes[(s / 25_000) % codes.length]!, confidence: (s / 1000) % 256, source: 'predicted', instance: s / 25_000 });
  }

  const random = rng(7);
  const states: Buffer[] = [snapshot(store.readLabels(scanId))];
  const ids: number[] = [];
  for (let step = 0; ids.length < 40; step++) {
    try {
      ids.push(store.applyEdit(randomEdit(random, scanId, total, codes, step)).editId);
    } catch (e) {
      if ((e as Error).message.startsWith('nothing to change')) continue; // e.g. merge with no matching instance
      throw e;
    }
    states.push(snapshot(store.readLabels(scanId)));
  }
  expect(new Set(states.map((s) => s.toString('base64'))).size).toBeGreaterThan(30);

  // Undo half, restart, undo the rest: each undo lands exactly on the earlier state.
  for (let i = ids.length - 1; i >= 0; i--) {
    if (i === 20) {
      store.close();
      store = ProjectStore.open(dir);
    }
    expect(store.undo(scanId)?.editId).toBe(ids[i]);
    expect(snapshot(store.readLabels(scanId)).equals(states[i]!)).toBe(true);
  }
  // History is per scan, so the next undo reverts the last fill of the predicted layer.
  expect(store.undo(scanId)?.editId).toBe(ids[0]! - 1);
  expect(store.redo(scanId)?.editId).toBe(ids[0]! - 1);
  expect(snapshot(store.readLabels(scanId)).equals(states[0]!)).toBe(true);

  store.close();
  store = ProjectStore.open(dir);
  for (let i = 0; i < ids.length; i++) {
    expect(store.redo(scanId)?.editId).toBe(ids[i]);
    expect(snapshot(store.readLabels(scanId)).equals(states[i + 1]!)).toBe(true);
  }
  expect(store.redo(scanId)).toBeNull();
  expect(store.history(scanId, 1000).entries.every((e) => e.state === 'applied')).toBe(true);

  // A new edit after an undo discards the redo branch.
  const last = ids[ids.length - 1]!;
  store.undo(scanId);
  const fresh = store.applyEdit({ kind: 'assign', scanId, points: range(0, 10), classCode: codes[0]!, includeLocked: true });
  expect(fresh.editId).toBeGreaterThan(last);
  expect(store.history(scanId, 1000).entries.some((e) => e.editId === last)).toBe(false);
  expect(store.redo(scanId)).toBeNull();
  store.close();
});
