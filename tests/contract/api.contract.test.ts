import { inMemoryHarness, waitFor, webSocketHarness, type Harness } from './support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../common/contracts/jobs';

/**
 * One contract suite, run against every transport a client can use: what the API promises must not
 * depend on the pipe. (Electron IPC reuses the same validation in main; it needs the Electron binary.)
 */

const DEMO_POINTS = 20_000;
const demo = { projectDir: null, demo: { seed: 3, points: DEMO_POINTS } };
const inMemory = () => inMemoryHarness(demo);
const overWebSocket = () => webSocketHarness(demo);

const transports: [string, () => Promise<Harness>][] = [
  ['in-memory', inMemory],
  ['websocket', overWebSocket],
];

describe.each(transports)('API contract over %s', (_name, make) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(() => h.close());

  it('app.info names the app and its host', async () => {
    const info = await h.client.get('app.info', {});
    expect(info.name).toBe('ScanLabel');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(['memory', 'http']).toContain(info.host);
  });

  it('lists the demo scan with georeferenced origin and exact count', async () => {
    const scans = await h.client.get('scans.list', {});
    // The point demo first, its textured-mesh variant next to it.
    expect(scans.map((s) => s.id)).toEqual(['demo-3', 'demo-mesh-3']);
    expect(scans[0]!.pointCount).toBe(DEMO_POINTS);
    expect(scans[0]!.origin).toEqual([512_000, 5_403_000, 80]);
    expect(scans[0]!.attributes.map((a) => a.name)).toEqual(expect.arrayContaining(['color', 'classification', 'instance']));
  });

  it('serves a scan view whose blobs hold exactly the chunk points', async () => {
    const view = await h.client.get('scans.view', { scanId: 'demo-3' });
    expect(view.chunks.reduce((n, c) => n + c.pointCount, 0)).toBe(DEMO_POINTS);
    expect(view.classes.map((c) => c.code)).toEqual([2, 5, 6, 64, 65]);
    const chunk = view.chunks[0]!;
    const pos = await h.client.fetchBlob(chunk.blobs.position!);
    const col = await h.client.fetchBlob(chunk.blobs.color!);
    const cls = new Uint16Array(await h.client.fetchBlob(chunk.blobs.classification!));
    expect(pos.byteLength).toBe(chunk.pointCount * 12);
    expect(col.byteLength).toBe(chunk.pointCount * 3);
    expect(new Set(cls)).toEqual(new Set([2, 5, 6, 64, 65]));
    const ranged = await h.client.fetchBlob(chunk.blobs.position!, { start: 12, end: 23 });
    expect(new Float32Array(ranged)).toEqual(new Float32Array(pos, 12, 3));
  });

  it('rejects bad params by schema with a message naming the field', async () => {
    const r = await h.client.call('scans.view', { scanId: 42 } as unknown as { scanId: string });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(!r.ok && r.error.message).toMatch(/scans\.view: scanId: .*string/i);
    const extra = await h.client.call('app.info', { evil: true } as unknown as Record<string, never>);
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(!extra.ok && extra.error.message).toMatch(/evil/);
    const big = await h.client.call('demo.generate', { points: 1e12 });
    expect(!big.ok && big.error.message).toMatch(/points: .*5000000/);
  });

  it('rejects unknown methods and missing scans with distinct codes', async () => {
    const r = await h.client.transport.request('fs.readFile', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const missing = await h.client.call('scans.view', { scanId: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('runs a job with monotonic progress events and a final result', async () => {
    const events: JobInfo[] = [];
    const off = h.client.on('job.progress', (j) => events.push(j));
    const { jobId } = await h.client.get('demo.generate', { seed: 9, points: 200_000 });
    const final = await waitFor(async () => {
      const j = await h.client.get('jobs.get', { jobId });
      return j.state === 'done' || j.state === 'failed' ? j : null;
    });
    off();
    expect(final.state).toBe('done');
    expect(final.result).toEqual({ scanId: 'demo-9', pointCount: 200_000 });
    const mine = events.filter((e) => e.id === jobId);
    expect(mine[0]!.state).toBe('queued');
    expect(mine.at(-1)!.state).toBe('done');
    const progress = mine.map((e) => e.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect((await h.client.get('scans.list', {})).map((s) => s.id)).toContain('demo-9');
  });

  it('cancels a job', async () => {
    const { jobId } = await h.client.get('demo.generate', { seed: 10, points: 5_000_000 });
    await h.client.get('jobs.cancel', { jobId });
    const final = await waitFor(async () => {
      const j = await h.client.get('jobs.get', { jobId });
      return j.state !== 'running' && j.state !== 'queued' ? j : null;
    });
    expect(final.state).toBe('cancelled');
    expect((await h.client.get('scans.list', {})).map((s) => s.id)).not.toContain('demo-10');
  });
});
