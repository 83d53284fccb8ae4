import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inMemoryHarness, waitFor, waitJob, webSocketHarness, type Harness } from './support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/services/core/core';
import { readScan } from '../../electron/services/scans/read';
import { ApiClient } from '../../renderer/src/platform/apiClient';
import { InMemoryTransport } from '../../renderer/src/platform/transports/memory';

const repoRoot = path.resolve(__dirname, '../..');
const SAMPLE_C = path.resolve(repoRoot, '../shared/data/pdal-sample-c/sample_c.las');

const inMemory = (projectDir: string, points = 10_000) => inMemoryHarness({ projectDir, demo: { seed: 2, points } });
const overWebSocket = (projectDir: string) => webSocketHarness({ projectDir, demo: { seed: 2, points: 10_000 } });

describe.each([
  ['in-memory', inMemory],
  ['websocket', overWebSocket],
] as const)('project workflow over %s', (_name, make) => {
  let dir: string;
  let h: Harness;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-proj-'));
    h = await make(dir);
  });
  afterAll(() => h.close());

  it('opens (creates) the project and adopts the demo scan with the ASPRS schema', async () => {
    const info = await h.client.get('project.info', {});
    expect(info.dir).toBe(path.resolve(dir));
    expect((await h.client.get('project.scans', {})).map((s) => s.id)).toEqual(['demo-2', 'demo-mesh-2']);
    const classes = await h.client.get('classes.list', {});
    expect(classes.find((c) => c.code === 6)?.name).toMatch(/building/i);
    expect((await h.client.get('scans.view', { scanId: 'demo-2' })).inProject).toBe(true);
  });

  it('applies an edit that the labels blob, stats and events reflect, then undoes and redoes it', async () => {
    const changed: string[] = [];
    const off = h.client.on('labels.changed', (e) => changed.push(e.scanId));
    const edit = await h.client.get('labels.applyEdit', {
      kind: 'assign',
      scanId: 'demo-2',
      points: { ranges: [[100, 200]] },
      classCode: 6,
    });
    expect(edit.pointCount).toBe(100);
    const view = await h.client.get('scans.view', { scanId: 'demo-2' });
    const labels = new Uint16Array(await h.client.fetchBlob(view.chunks[0]!.blobs.labels!));
    expect(labels[99]).toBe(0xffff);
    expect(labels[100]).toBe(6);
    expect(labels[199]).toBe(6);
    expect(labels[200]).toBe(0xffff);
    expect((await h.client.get('labels.stats', { scanId: 'demo-2' })).labeled).toBe(100);
    await h.client.get('labels.undo', { scanId: 'demo-2' });
    expect((await h.client.get('labels.stats', { scanId: 'demo-2' })).labeled).toBe(0);
    await h.client.get('labels.redo', { scanId: 'demo-2' });
    expect((await h.client.get('labels.stats', { scanId: 'demo-2' })).labeled).toBe(100);
    off();
    expect(changed).toEqual(['demo-2', 'demo-2', 'demo-2']);
  });

  it('rejects an edit with a bad point set by schema', async () => {
    const r = await h.client.call('labels.applyEdit', { kind: 'assign', scanId: 'demo-2', points: { indices: [-1] }, classCode: 6 });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('imports a real LAS file as a job into the project', async () => {
    const { jobId } = await h.client.get('scans.import', { path: SAMPLE_C });
    const job = await waitJob(h.client, jobId);
    expect(job.state).toBe('done');
    expect(job.result).toMatchObject({ scanId: 'sample_c', pointCount: 14_408 });
    const scans = await h.client.get('project.scans', {});
    expect(scans.find((s) => s.id === 'sample_c')).toMatchObject({ pointCount: 14_408, format: 'las', sourcePath: SAMPLE_C });
    const view = await h.client.get('scans.view', { scanId: 'sample_c' });
    const cls = new Uint16Array(await h.client.fetchBlob(view.chunks[0]!.blobs.classification!));
    expect(cls.filter((c) => c === 6).length).toBe(12_525);
  });

  it('exports the labels as LAS that reads back with the same classes', async () => {
    await h.client.get('labels.applyEdit', { kind: 'assign', scanId: 'sample_c', points: { ranges: [[0, 100]] }, classCode: 6 });
    const out = path.join(dir, 'exports', 'sample_c_labeled.las');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const { jobId } = await h.client.get('export.start', { scanId: 'sample_c', format: 'las', out });
    const job = await waitJob(h.client, jobId);
    expect(job.state).toBe('done');
    const back = await readScan(out);
    const cls = back.attributes.find((a) => a.name === 'classification')!.values;
    expect(back.pointCount).toBe(14_408);
    expect([cls[0], cls[99], cls[100], cls[14_407]]).toEqual([6, 6, 0, 0]);
    const laz = await h.client.get('export.start', { scanId: 'sample_c', format: 'laz', out: out + '.laz' });
    const failed = await waitJob(h.client, laz.jobId);
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toMatch(/LAS/);
    expect(fs.existsSync(out + '.laz')).toBe(false);
  });

  it('reports a bad file as a failed job naming the file', async () => {
    const bad = path.join(dir, 'broken.las');
    fs.writeFileSync(bad, 'LASF but not really a LAS file');
    const { jobId } = await h.client.get('scans.import', { path: bad });
    const job = await waitJob(h.client, jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('bad_input');
    expect(job.error?.message).toContain('broken.las');
  });
});

describe('a project survives a restart', () => {
  it('reloads scans and labels, and undo still works', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-restart-'));
    const first = await inMemory(dir);
    const { jobId } = await first.client.get('scans.import', { path: SAMPLE_C });
    await waitJob(first.client, jobId);
    await first.client.get('labels.applyEdit', { kind: 'assign', scanId: 'sample_c', points: { indices: [0, 5, 14_407] }, classCode: 2 });
    await first.close();

    const second = await inMemory(dir);
    expect((await second.client.get('scans.list', {})).map((s) => s.id).sort()).toEqual(['demo-2', 'demo-mesh-2', 'sample_c']);
    const view = await second.client.get('scans.view', { scanId: 'sample_c' });
    const labels = new Uint16Array(await second.client.fetchBlob(view.chunks[0]!.blobs.labels!));
    expect([labels[0], labels[1], labels[5], labels[14_407]]).toEqual([2, 0xffff, 2, 2]);
    expect((await second.client.get('labels.history', { scanId: 'sample_c' })).canUndo).toBe(true);
    await second.client.get('labels.undo', { scanId: 'sample_c' });
    expect((await second.client.get('labels.stats', { scanId: 'sample_c' })).labeled).toBe(0);
    await second.close();
  });
});

describe.each([
  ['in-memory', inMemory],
  ['websocket', overWebSocket],
] as const)('click to label over %s', (_name, make) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make(fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-click-')));
  });
  afterAll(() => h.close());

  it('previews the object under a click, accepts it as one undoable edit', async () => {
    const view = await h.client.get('scans.view', { scanId: 'demo-2' });
    const truth = new Uint16Array(await h.client.fetchBlob(view.chunks[0]!.blobs.classification!));
    const clicked = truth.indexOf(6); // a building point (about 500 per building in this sparse 10k-point scene)
    const p = await h.client.get('click.preview', { scanId: 'demo-2', positives: [clicked] });
    expect(p.count).toBeGreaterThan(30);
    const ids = new Uint32Array(Uint8Array.from(Buffer.from(p.idsBase64, 'base64')).buffer);
    expect(ids).toHaveLength(p.count);
    expect(ids).toContain(clicked);
    // Most of the preview must be building (the engine's own IoU tests hold the quality bar; this checks the wiring).
    const onBuilding = [...ids].filter((i) => truth[i] === 6).length;
    expect(onBuilding / p.count).toBeGreaterThan(0.7);
    const accepted = await h.client.get('click.accept', { previewId: p.previewId, classCode: 6 });
    expect(accepted.pointCount).toBe(p.count);
    const stats = await h.client.get('labels.stats', { scanId: 'demo-2' });
    expect(stats.labeled).toBe(p.count);
    const again = await h.client.call('click.accept', { previewId: p.previewId, classCode: 6 });
    expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await h.client.get('labels.undo', { scanId: 'demo-2' });
    expect((await h.client.get('labels.stats', { scanId: 'demo-2' })).labeled).toBe(0);
    expect((await h.client.get('segmentation.status', {})).segmenter).toBe('builtin');
  });

  it('cancels a preview and rejects clicks outside the scan', async () => {
    const p = await h.client.get('click.preview', { scanId: 'demo-2', positives: [5] });
    expect(await h.client.get('click.cancel', { previewId: p.previewId })).toEqual({ cancelled: true });
    const bad = await h.client.call('click.preview', { scanId: 'demo-2', positives: [10_000_000] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});

// Propagation needs a realistic density (the 10k scenes above have ~1 m spacing, where local shape
// features say little), so this runs on a 50k-point block (~0.45 m spacing).
describe('propagation after edits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await inMemory(fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-prop-')), 50_000);
  });
  afterAll(() => h.close());

  it('propagates user labels to a predicted layer in a job, and suggests where to click next', async () => {
    const view = await h.client.get('scans.view', { scanId: 'demo-2' });
    const truth = new Uint16Array(await h.client.fetchBlob(view.chunks[0]!.blobs.classification!));
    // One stroke per class, as a user would label a few objects.
    for (const code of [2, 5, 6]) {
      const idx = [...truth.keys()].filter((i) => truth[i] === code).slice(0, 150);
      await h.client.get('labels.applyEdit', { kind: 'assign', scanId: 'demo-2', points: { indices: idx }, classCode: code });
    }
    const job = await waitFor(async () => {
      const jobs = (await h.client.get('jobs.list', {})).filter((j) => j.kind === 'propagate');
      const last = jobs.at(-1);
      return last && last.state !== 'running' && last.state !== 'queued' && !jobs.some((j) => j.state === 'running' || j.state === 'queued')
        ? last
        : null;
    });
    expect(job.state).toBe('done');
    const user = new Uint16Array(await h.client.fetchBlob(view.chunks[0]!.blobs.labels!));
    const predicted = new Uint16Array(await h.client.fetchBlob(view.chunks[0]!.blobs.predicted!));
    const confidence = new Uint8Array(await h.client.fetchBlob(view.chunks[0]!.blobs.confidence!));
    let predictedCount = 0;
    let right = 0;
    for (let i = 0; i < predicted.length; i++) {
      if (user[i] !== 0xffff) expect(predicted[i]).toBe(0xffff); // never over user labels
      if (predicted[i] === 0xffff) continue;
      predictedCount++;
      if (predicted[i] === truth[i]) right++;
      expect(confidence[i]).toBeGreaterThan(0);
    }
    expect(predictedCount).toBeGreaterThan(0.8 * (truth.length - 450));
    // Classes absent from the strokes (cars, poles: ~1.5 % of points) cannot be predicted; the rest mostly right.
    expect(right / predictedCount).toBeGreaterThan(0.8);
    const suggestions = await h.client.get('propagation.suggest', { scanId: 'demo-2', n: 5 });
    expect(suggestions).toHaveLength(5);
    for (const s of suggestions) expect(user[s.point]).toBe(0xffff);
  });
});

describe('recent projects', () => {
  it('lists opened and created projects newest first, in the settings folder', async () => {
    const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-settings-'));
    const first = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-a-'));
    const second = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-b-')), 'new');
    const core = createCore({ host: 'memory', projectDir: first, demo: false, settingsDir });
    const client = new ApiClient(new InMemoryTransport(core));
    await client.get('project.create', { dir: second, schema: 'sum' });
    expect(await client.get('project.recent', {})).toEqual([second, path.resolve(first)]);
    expect((await client.get('classes.list', {})).map((c) => c.name)).toContain('Boat');
    await client.get('project.open', { dir: first });
    expect((await client.get('project.recent', {}))[0]).toBe(path.resolve(first));
    await core.close();
    fs.writeFileSync(path.join(settingsDir, 'recent-projects.json'), '{not json');
    const again = createCore({ host: 'memory', projectDir: null, demo: false, settingsDir });
    expect(await new ApiClient(new InMemoryTransport(again)).get('project.recent', {})).toEqual([]);
    await again.close();
  });
});
