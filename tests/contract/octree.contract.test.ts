import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inMemoryHarness, waitJob, webSocketHarness, type Harness } from './support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanView } from '../../common/contracts/scans';
import { fromGlCamera, project } from '../../common/geometry/camera';
import { nodeLayout, type CompactHierarchy } from '../../common/geometry/octreeLayout';
import { decodeNodeBlob } from '../../renderer/src/viewer/lod/decodeNode';

const repoRoot = path.resolve(__dirname, '../..');
// 37,805 points: more than one octree leaf (20,000), so the tree has several nodes.
const FILE = path.resolve(repoRoot, '../shared/data/ign-lidarhd/append-bug.laz');
const SCAN_ID = 'append-bug';

const inMemory = (projectDir: string) => inMemoryHarness({ projectDir, demo: false });
const overWebSocket = (projectDir: string) => webSocketHarness({ projectDir, demo: false });

describe.each([
  ['in-memory', inMemory],
  ['websocket', overWebSocket],
] as const)('LOD octree blobs over %s', (_name, make) => {
  let h: Harness;
  let view: ScanView;
  let hierarchy: CompactHierarchy;
  /** Every point's position from the in-memory scan (chunk blobs), indexed by original index. */
  let positions: Float32Array;
  const nodeIndex = new Map<string, Uint32Array>();

  beforeAll(async () => {
    h = await make(fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-octree-contract-')));
    const { jobId } = await h.client.get('scans.import', { path: FILE });
    expect((await waitJob(h.client, jobId)).state).toBe('done');
    view = await h.client.get('scans.view', { scanId: SCAN_ID });
    hierarchy = JSON.parse(new TextDecoder().decode(await h.client.fetchBlob(view.octree!.hierarchyBlob))) as CompactHierarchy;
    const parts = await Promise.all(view.chunks.map((c) => h.client.fetchBlob(c.blobs.position!)));
    positions = new Float32Array(view.scan.pointCount * 3);
    let at = 0;
    for (const p of parts) {
      positions.set(new Float32Array(p), at);
      at += p.byteLength / 4;
    }
  }, 120_000);
  afterAll(() => h.close());

  it('scans.view of a project scan with an octree describes it', () => {
    expect(view.inProject).toBe(true);
    expect(view.octree).toBeDefined();
    expect(view.octree!.pointCount).toBe(37_805);
    expect(view.octree!.nodeCount).toBeGreaterThan(1);
    expect(view.octree!.budgetHint).toBe(2_000_000);
    expect(hierarchy.nodes.length).toBe(view.octree!.nodeCount);
    expect(hierarchy.nodes.reduce((s, n) => s + n[1], 0)).toBe(37_805);
  });

  it('serves every node as stored: sizes match the layout, every point exactly once, positions equal the scan', async () => {
    const seen = new Uint8Array(view.scan.pointCount);
    for (const [name, pointCount, byteSize] of hierarchy.nodes) {
      const blob = await h.client.fetchBlob(view.octree!.nodePrefix + name);
      expect(blob.byteLength).toBe(byteSize);
      expect(nodeLayout(hierarchy.attributes, pointCount).byteSize).toBe(byteSize);
      const node = decodeNodeBlob(hierarchy.attributes, pointCount, blob);
      expect(node.pointCount).toBe(pointCount);
      for (let i = 0; i < pointCount; i++) {
        const id = node.index[i]!;
        seen[id]!++;
        for (let k = 0; k < 3; k++) expect(node.position[i * 3 + k]).toBe(positions[id * 3 + k]);
      }
      nodeIndex.set(name, node.index);
    }
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('a byte range of a node is served (HTTP Range on the websocket host)', async () => {
    const [name, , byteSize] = hierarchy.nodes[0]!;
    const full = new Uint8Array(await h.client.fetchBlob(view.octree!.nodePrefix + name));
    const part = new Uint8Array(await h.client.fetchBlob(view.octree!.nodePrefix + name, { start: 8, end: Math.min(byteSize - 1, 71) }));
    expect([...part]).toEqual([...full.subarray(8, Math.min(byteSize, 72))]);
  });

  it('node label blobs equal the store labels at the node original indices after an edit', async () => {
    const ids = Uint32Array.from({ length: 37_805 }, (_, i) => i).filter((i) => i % 7 === 0 || i < 500);
    const r = await h.client.call('labels.applyEdit', {
      kind: 'assign',
      scanId: SCAN_ID,
      points: { indices: Array.from(ids.subarray(0, 2000)) },
      classCode: 6,
      source: 'manual',
    });
    expect(r.ok).toBe(true);
    // The store's labels through the chunk route, indexed by original index.
    const store = new Uint16Array(view.scan.pointCount);
    let at = 0;
    for (const c of view.chunks) {
      const part = new Uint16Array(await h.client.fetchBlob(c.blobs.labels!));
      store.set(part, at);
      at += part.length;
    }
    const assigned = new Set(ids.subarray(0, 2000));
    let labeled = 0;
    for (const [name] of hierarchy.nodes) {
      const labels = new Uint16Array(await h.client.fetchBlob(`${view.octree!.nodePrefix}${name}/labels`));
      const index = nodeIndex.get(name)!;
      expect(labels.length).toBe(index.length);
      for (let i = 0; i < index.length; i++) {
        expect(labels[i]).toBe(store[index[i]!]);
        expect(labels[i]).toBe(assigned.has(index[i]!) ? 6 : 0xffff);
        if (labels[i] === 6) labeled++;
      }
      const confidence = new Uint8Array(await h.client.fetchBlob(`${view.octree!.nodePrefix}${name}/confidence`));
      expect(confidence.length).toBe(index.length);
    }
    expect(labeled).toBe(2000);
    // Undo reaches the node blobs too (the per-layer cache is dropped on labels.changed).
    expect((await h.client.call('labels.undo', { scanId: SCAN_ID })).ok).toBe(true);
    const [root] = hierarchy.nodes[0]!;
    const after = new Uint16Array(await h.client.fetchBlob(`${view.octree!.nodePrefix}${root}/labels`));
    expect(after.every((v) => v === 0xffff)).toBe(true);
  });

  it('scans.selectPolygon selects over every point of the scan, as the shared camera projects them', async () => {
    const min = view.scan.boundsMin;
    const max = view.scan.boundsMax;
    const c: [number, number, number] = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
    const camera = fromGlCamera({ position: [c[0], c[1] - 1, c[2] + 1500], target: c, up: [0, 0, 1], fovDeg: 55, near: 1 }, 800, 600);
    const polygon: [number, number][] = [
      [100, 100],
      [500, 120],
      [420, 480],
      [150, 400],
    ];
    const r = await h.client.get('scans.selectPolygon', { scanId: SCAN_ID, camera, polygon });
    const expected: number[] = [];
    const inside = (x: number, y: number) => {
      let within = false;
      for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
        const [xi, yi] = polygon[i]!;
        const [xj, yj] = polygon[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) within = !within;
      }
      return within;
    };
    for (let i = 0; i < view.scan.pointCount; i++) {
      const q = project(camera, [positions[i * 3]!, positions[i * 3 + 1]!, positions[i * 3 + 2]!]);
      if (q && inside(q.u, q.v)) expected.push(i);
    }
    expect(expected.length).toBeGreaterThan(1000);
    expect(r.count).toBe(expected.length);
    const ids = new Uint32Array(Uint8Array.from(Buffer.from(r.idsBase64, 'base64')).buffer);
    expect(Array.from(ids)).toEqual(expected);
    // A height slice above the scan hides everything.
    const none = await h.client.get('scans.selectPolygon', {
      scanId: SCAN_ID,
      camera,
      polygon,
      filter: { heightSlice: [max[2] + 1, max[2] + 2] },
    });
    expect(none.count).toBe(0);
  });

  it('labels a core selection by its handle, without the ids crossing back (withIds: false)', async () => {
    const min = view.scan.boundsMin;
    const max = view.scan.boundsMax;
    const c: [number, number, number] = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
    const camera = fromGlCamera({ position: [c[0], c[1] - 1, c[2] + 1500], target: c, up: [0, 0, 1], fovDeg: 55, near: 1 }, 800, 600);
    const polygon: [number, number][] = [
      [0, 0],
      [800, 0],
      [800, 600],
      [0, 600],
    ];
    const sel = await h.client.get('scans.selectPolygon', { scanId: SCAN_ID, camera, polygon, withIds: false });
    expect(sel.idsBase64).toBe('');
    expect(sel.count).toBeGreaterThan(1000);
    const before = await h.client.get('labels.stats', { scanId: SCAN_ID });
    const edit = await h.client.get('labels.applyEdit', { kind: 'assign', scanId: SCAN_ID, points: { selection: sel.selectionId }, classCode: 6 });
    expect(edit.pointCount).toBe(sel.count);
    const after = await h.client.get('labels.stats', { scanId: SCAN_ID });
    expect(after.labeled - before.labeled).toBe(sel.count);
    // A handle is bound to its scan, and unknown handles are a clear not_found.
    const wrongScan = await h.client.call('labels.applyEdit', { kind: 'erase', scanId: 'no-such-scan', points: { selection: sel.selectionId } });
    expect(wrongScan.ok).toBe(false);
    const unknown = await h.client.call('labels.applyEdit', { kind: 'erase', scanId: SCAN_ID, points: { selection: 'sel-999999' } });
    expect(unknown.ok ? null : unknown.error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/select again/) });
    expect((await h.client.call('labels.undo', { scanId: SCAN_ID })).ok).toBe(true);
  });
});
