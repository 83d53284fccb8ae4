import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ServiceFailure } from '../../../common/result';
import { LOCKED, PRESETS, ProjectStore, sourceName } from '../../../electron/services/labels/index';
import { range, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let store: ProjectStore;
let scanId: string;
beforeEach(() => {
  t = tempDir();
  store = ProjectStore.create(join(t.dir, 'p'), { schema: 'asprs', name: 'Test' });
  scanId = store.registerScan({ name: 'tile', format: 'las', crs: 'EPSG:2154', origin: [650000.5, 6860000.25, 10], pointCount: 300_000 }).id;
});
afterEach(() => {
  if (store.isOpen) store.close();
  t.cleanup();
});

const failure = (fn: () => unknown): ServiceFailure => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ServiceFailure) return e;
    throw e;
  }
  throw new Error('expected a ServiceFailure');
};

describe('projects and scans', () => {
  test('a project is a folder with project.sqlite and a sidecar folder, reopened with its scans', () => {
    expect(existsSync(join(t.dir, 'p', 'project.sqlite'))).toBe(true);
    expect(existsSync(store.sidecarDir)).toBe(true);
    const info = store.info();
    store.close();
    const again = ProjectStore.open(join(t.dir, 'p'));
    expect(again.info()).toEqual(info);
    expect(again.listScans()).toEqual([
      expect.objectContaining({ id: scanId, name: 'tile', format: 'las', crs: 'EPSG:2154', origin: [650000.5, 6860000.25, 10], pointCount: 300_000, faceCount: 0 }),
    ]);
    expect(again.listLayers(scanId)).toEqual([expect.objectContaining({ name: 'user', kind: 'user' })]);
    again.close();
  });

  test('creating over an existing project or registering a duplicate scan id is a conflict', () => {
    expect(failure(() => ProjectStore.create(join(t.dir, 'p'))).code).toBe('conflict');
    expect(failure(() => store.registerScan({ id: scanId, name: 'x', format: 'ply', pointCount: 1 })).code).toBe('conflict');
    expect(failure(() => store.registerScan({ name: '', format: 'ply', pointCount: 1 })).code).toBe('invalid_params');
    expect(store.registerScan({ id: 'demo', name: 'demo', format: 'ply', pointCount: 5, faceCount: 3 }).id).toBe('demo');
  });

  test('unknown scans and layers are not_found', () => {
    expect(failure(() => store.stats('nope')).code).toBe('not_found');
    expect(failure(() => store.stats(scanId, 'nope')).code).toBe('not_found');
  });
});

describe('class schemas', () => {
  test('every preset creates its classes with hotkeys 1-9 on the first nine', () => {
    for (const preset of ['asprs', 'sum', 'semantickitti', 's3dis'] as const) {
      const schema = store.createSchema({ name: `copy of ${preset}`, preset });
      const classes = store.listClasses(schema.id);
      expect(classes.map((c) => c.code)).toEqual(PRESETS[preset].classes.map((c) => c.code));
      const hotkeys = classes.filter((c) => c.hotkey !== null).map((c) => c.hotkey);
      expect(hotkeys).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9'].slice(0, Math.min(9, classes.length)));
    }
    const sum = store.listClasses(store.listSchemas().find((s) => s.preset === 'sum')!.id).map((c) => c.name);
    expect(sum).toEqual(['Terrain', 'High Vegetation', 'Building', 'Water', 'Car', 'Boat']);
    expect(store.listClasses().find((c) => c.code === 6)?.name).toBe('Building');
  });

  test('custom schemas: add, update, remove classes; hotkeys stay unique; used classes cannot be removed', () => {
    const schema = store.createSchema({ name: 'roads', classes: [{ code: 0, name: 'asphalt', color: '#333333', hotkey: '1' }] });
    expect(schema.codeWidth).toBe(1);
    store.addClass({ code: 1, name: 'marking', color: '#FFFFFF' }, schema.id);
    expect(failure(() => store.addClass({ code: 1, name: 'dup', color: '#000000' }, schema.id)).code).toBe('conflict');
    expect(failure(() => store.updateClass(1, { hotkey: '1' }, schema.id)).message).toMatch(/hotkey "1" is already used by class 0/);
    expect(store.updateClass(1, { hotkey: '2', name: 'lane marking', exportCode: 11 }, schema.id)).toEqual({
      code: 1, name: 'lane marking', color: '#ffffff', hotkey: '2', exportCode: 11,
    });
    expect(failure(() => store.addClass({ code: 300, name: 'too big', color: '#000000' }, schema.id)).code).toBe('invalid_params');
    store.removeClass(1, schema.id);
    expect(store.listClasses(schema.id).map((c) => c.code)).toEqual([0]);

    store.applyEdit({ kind: 'assign', scanId, points: range(0, 10), classCode: 6 });
    expect(failure(() => store.removeClass(6)).code).toBe('conflict');
    store.undo(scanId);
    store.removeClass(6);
    expect(store.listClasses().some((c) => c.code === 6)).toBe(false);
  });

  test('wide schemas store 16-bit codes', () => {
    const wide = store.createSchema({ name: 'wide', classes: [{ code: 1000, name: 'a', color: '#010203' }], activate: true });
    expect(wide.codeWidth).toBe(2);
    const id = store.registerScan({ name: 'w', format: 'ply', pointCount: 70_000 }).id;
    store.applyEdit({ kind: 'assign', scanId: id, points: range(65_530, 65_540), classCode: 1000 });
    expect(store.stats(id).classes).toEqual([{ code: 1000, name: 'a', count: 10 }]);
    expect(failure(() => store.applyEdit({ kind: 'assign', scanId: id, points: range(0, 1), classCode: 6 })).message).toMatch(/not in the layer's class schema/);
  });
});

describe('edits', () => {
  test('assign, erase, stats and history', () => {
    const a = store.applyEdit({ kind: 'assign', scanId, points: range(0, 100_000), classCode: 2 });
    const b = store.applyEdit({ kind: 'assign', scanId, points: Uint32Array.of(5, 3, 3, 200_000, 99_999), classCode: 6 });
    expect(b).toEqual({ editId: a.editId + 1, kind: 'assign', pointCount: 4, skippedLocked: 0 });
    store.applyEdit({ kind: 'erase', scanId, points: range(50_000, 60_000) });
    expect(store.stats(scanId)).toEqual({
      scanId, layer: 'user', total: 300_000, labeled: 90_001, locked: 0,
      classes: [{ code: 2, name: 'Ground', count: 89_997 }, { code: 6, name: 'Building', count: 4 }],
    });
    const h = store.history(scanId);
    expect(h.entries.map((e) => [e.kind, e.state, e.pointCount])).toEqual([['erase', 'applied', 10_000], ['assign', 'applied', 4], ['assign', 'applied', 100_000]]);
    expect(h.entries[1]!.params).toMatchObject({ classCode: 6, selected: 5, layer: 'user' });
    expect(h.canUndo).toBe(true);
    expect(h.canRedo).toBe(false);
  });

  test('out-of-range indices and empty selections are rejected without writing anything', () => {
    expect(failure(() => store.applyEdit({ kind: 'assign', scanId, points: Uint32Array.of(1, 300_000), classCode: 2 })).message).toMatch(/out of range/);
    expect(failure(() => store.applyEdit({ kind: 'assign', scanId, points: new Uint32Array(0), classCode: 2 })).code).toBe('invalid_params');
    expect(store.history(scanId).entries).toEqual([]);
  });

  test('an edit that changes nothing is refused and not logged, with a message saying why', () => {
    expect(failure(() => store.applyEdit({ kind: 'erase', scanId, points: range(0, 10) })).message).toBe('nothing to change: the 10 selected points already carry this label');
    store.applyEdit({ kind: 'assign', scanId, points: range(0, 10), classCode: 2 });
    expect(failure(() => store.applyEdit({ kind: 'assign', scanId, points: range(0, 10), classCode: 2 })).message).toMatch(/10 selected points already carry/);
    expect(store.history(scanId).entries).toHaveLength(1);
  });

  test('locked points are skipped unless the edit includes them', () => {
    store.applyEdit({ kind: 'assign', scanId, points: range(0, 1000), classCode: 6 });
    store.applyEdit({ kind: 'assign', scanId, points: range(1000, 2000), classCode: 2 });
    const lock = store.applyEdit({ kind: 'lock', scanId, classes: [6] });
    expect(lock.pointCount).toBe(1000);
    expect(store.stats(scanId).locked).toBe(1000);

    const r = store.applyEdit({ kind: 'assign', scanId, points: range(500, 1500), classCode: 5 });
    expect(r).toMatchObject({ pointCount: 500, skippedLocked: 500 });
    expect(failure(() => store.applyEdit({ kind: 'erase', scanId, points: range(0, 10) })).message).toMatch(/all 10 selected points are locked/);
    const forced = store.applyEdit({ kind: 'assign', scanId, points: range(0, 10), classCode: 3, includeLocked: true });
    expect(forced).toMatchObject({ pointCount: 10, skippedLocked: 0 });
    const labels = store.readLabels(scanId);
    expect(labels.flags[0]! & LOCKED).toBe(LOCKED); // assigning keeps the lock
    expect(labels.classes[0]).toBe(3);
    expect(labels.classes[600]).toBe(6);

    store.applyEdit({ kind: 'unlock', scanId });
    expect(store.stats(scanId).locked).toBe(0);
  });

  test('instances: split, merge; lift records its source; predictions are accepted above a confidence', () => {
    store.applyEdit({ kind: 'assign', scanId, points: range(0, 100), classCode: 6, instance: 1 });
    store.applyEdit({ kind: 'split', scanId, points: range(50, 100), instance: 2 });
    store.applyEdit({ kind: 'assign', scanId, points: range(200, 300), classCode: 6, instance: 3 });
    store.applyEdit({ kind: 'merge', scanId, instances: [2, 3], into: 1 });
    let labels = store.readLabels(scanId);
    expect([labels.instances[0], labels.instances[75], labels.instances[250], labels.instances[150]]).toEqual([1, 1, 1, 0]);

    const clickId = store.clicks.insert({ scanId, editId: null, x: 1, y: 2, z: 3, pointIndex: 400, positive: true, camera: '{}', modelId: null, createdAt: 1 });
    const lift = store.applyEdit({ kind: 'lift', scanId, points: range(400, 450), classCode: 5, clickIds: [clickId] });
    expect(store.clicks.list(scanId)[0]?.editId).toBe(lift.editId);
    labels = store.readLabels(scanId);
    expect(sourceName(labels.flags[400]!)).toBe('click');

    store.createLayer(scanId, 'model', 'predicted');
    store.applyEdit({ kind: 'assign', scanId, layer: 'model', points: range(1000, 1100), classCode: 2, confidence: 90, source: 'predicted' });
    store.applyEdit({ kind: 'assign', scanId, layer: 'model', points: range(1100, 1200), classCode: 5, confidence: 250, source: 'predicted', instance: 9 });
    const accepted = store.applyEdit({ kind: 'accept', scanId, fromLayer: 'model', minConfidence: 128 });
    expect(accepted.pointCount).toBe(100);
    labels = store.readLabels(scanId);
    expect([labels.classes[1050], labels.classes[1150], labels.instances[1150], sourceName(labels.flags[1150]!)]).toEqual([0xff, 5, 9, 'predicted']);
    const predicted = store.readLabels(scanId, 'model');
    expect(predicted.confidence?.[1050]).toBe(90);

    // One predicted class, scan-wide (the viewer may hold only some of its points).
    store.applyEdit({ kind: 'assign', scanId, layer: 'model', points: range(2000, 2300), classCode: 6, confidence: 200, source: 'predicted' });
    const oneClass = store.applyEdit({ kind: 'accept', scanId, fromLayer: 'model', classes: [2] });
    expect(oneClass.pointCount).toBe(100);
    labels = store.readLabels(scanId);
    expect([labels.classes[1050], labels.classes[2100]]).toEqual([2, 0xff]);
  });
});

describe('single writer', () => {
  test('a second writer in the same process gets "open elsewhere"; read-only sessions wait for the writer to close', () => {
    const dir = join(t.dir, 'p');
    const e = failure(() => ProjectStore.open(dir));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(new RegExp(`project open elsewhere \\(pid ${process.pid}\\)`));
    expect(failure(() => ProjectStore.open(dir, { readOnly: true })).code).toBe('conflict');
    store.applyEdit({ kind: 'assign', scanId, points: range(0, 10), classCode: 2 });
    store.close();

    const ro = ProjectStore.open(dir, { readOnly: true });
    expect(ro.info().readOnly).toBe(true);
    expect(ro.stats(scanId).labeled).toBe(10);
    expect(failure(() => ro.applyEdit({ kind: 'assign', scanId, points: range(0, 10), classCode: 2 })).message).toMatch(/read-only/);
    ro.close();
  });
});
