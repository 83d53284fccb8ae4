import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inMemoryHarness, webSocketHarness, type Harness } from './support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeshScan } from '../../electron/services/scans/demo/demoScene';

/**
 * Mesh scans over the API: the demo's textured block mesh next to the point demo, its triangles,
 * corner uvs, texture and per-face label layers as blobs, labeled per face in the project.
 */
const inMemory = (projectDir: string) => inMemoryHarness({ projectDir, demo: { seed: SEED, points: 10_000 } });
const overWebSocket = (projectDir: string) => webSocketHarness({ projectDir, demo: { seed: SEED, points: 10_000 } });

const SEED = 4;
const MESH_ID = `demo-mesh-${SEED}`;

describe.each([
  ['in-memory', inMemory],
  ['websocket', overWebSocket],
] as const)('mesh scans over %s', (_name, make) => {
  let h: Harness;
  const expected = demoMeshScan({ seed: SEED });
  const faces = expected.mesh!.indices.length / 3;

  beforeAll(async () => {
    h = await make(fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-mesh-')));
  });
  afterAll(() => h.close());

  it('offers the demo block mesh after the point demo, labeled per face in the project', async () => {
    const scans = await h.client.get('scans.list', {});
    expect(scans.map((s) => s.id)).toEqual([`demo-${SEED}`, MESH_ID]);
    expect(scans[1]).toMatchObject({ name: `Demo block mesh (seed ${SEED})`, faceCount: faces, pointCount: expected.pointCount });
    const projectScan = (await h.client.get('project.scans', {})).find((s) => s.id === MESH_ID);
    expect(projectScan).toMatchObject({ pointCount: faces, faceCount: faces });
  });

  it('serves triangles, corner uvs, the texture and per-face layers as blobs', async () => {
    const view = await h.client.get('scans.view', { scanId: MESH_ID });
    expect(view.inProject).toBe(true);
    expect(view.octree).toBeUndefined();
    const mesh = view.mesh!;
    expect(mesh).toMatchObject({ vertexCount: expected.pointCount, faceCount: faces });
    const positions = new Float32Array(await h.client.fetchBlob(mesh.blobs.positions));
    const indices = new Uint32Array(await h.client.fetchBlob(mesh.blobs.indices));
    const uvs = new Float32Array(await h.client.fetchBlob(mesh.blobs.cornerUvs!));
    const faceTexture = new Int16Array(await h.client.fetchBlob(mesh.blobs.faceTexture!));
    expect(positions.length).toBe(expected.pointCount * 3);
    expect(indices.length).toBe(faces * 3);
    expect(Math.max(...indices)).toBeLessThan(expected.pointCount);
    expect(uvs.length).toBe(faces * 6);
    expect(Math.min(...uvs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uvs)).toBeLessThanOrEqual(1);
    expect(faceTexture.length).toBe(faces);
    expect(new Set(faceTexture)).toEqual(new Set([0]));
    // Positions are small offsets from the georeferenced origin: float32 keeps them exact enough.
    expect(view.scan.origin).toEqual([512_000, 5_403_000, 80]);
    expect(Math.max(...positions.map(Math.abs))).toBeLessThan(100);

    expect(mesh.textures).toHaveLength(1);
    const tex = mesh.textures[0]!;
    expect([tex.width, tex.height]).toEqual([512, 512]);
    expect((await h.client.fetchBlob(tex.blob)).byteLength).toBe(512 * 512 * 4);

    const truth = new Uint16Array(await h.client.fetchBlob(mesh.blobs.faceClasses!));
    expect(truth).toEqual(Uint16Array.from(expected.demo.faceClass));
    const labels = new Uint16Array(await h.client.fetchBlob(mesh.blobs.faceLabels!));
    expect(labels.length).toBe(faces);
    expect(labels.every((v) => v === 0xffff)).toBe(true);
    const predicted = new Uint16Array(await h.client.fetchBlob(mesh.blobs.facePredicted!));
    expect(predicted.length).toBe(faces);
    expect((await h.client.fetchBlob(mesh.blobs.faceConfidence!)).byteLength).toBe(faces);
  });

  it('an edit on faces shows in the faceLabels blob; face ids past the face count are refused', async () => {
    await h.client.get('labels.applyEdit', { kind: 'assign', scanId: MESH_ID, points: { indices: [0, 7, faces - 1] }, classCode: 6 });
    const view = await h.client.get('scans.view', { scanId: MESH_ID });
    const labels = new Uint16Array(await h.client.fetchBlob(view.mesh!.blobs.faceLabels!));
    expect([labels[0], labels[1], labels[7], labels[faces - 1]]).toEqual([6, 0xffff, 6, 6]);
    expect(labels.filter((v) => v !== 0xffff)).toHaveLength(3);
    const past = await h.client.call('labels.applyEdit', { kind: 'assign', scanId: MESH_ID, points: { indices: [faces] }, classCode: 6 });
    expect(past).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    await h.client.get('labels.undo', { scanId: MESH_ID });
    const undone = new Uint16Array(await h.client.fetchBlob(view.mesh!.blobs.faceLabels!));
    expect(undone.every((v) => v === 0xffff)).toBe(true);
  });

  it('a click on a building face previews and accepts building faces', async () => {
    const truth = expected.demo.faceClass;
    const clicked = truth.indexOf(6);
    const p = await h.client.get('click.preview', { scanId: MESH_ID, positives: [clicked] });
    expect(p.target).toBe('faces');
    const ids = new Uint32Array(Uint8Array.from(Buffer.from(p.idsBase64, 'base64')).buffer);
    expect(ids).toContain(clicked);
    expect(Math.max(...ids)).toBeLessThan(faces);
    expect([...ids].filter((i) => truth[i] === 6).length / ids.length).toBeGreaterThan(0.7);
    await h.client.get('click.accept', { previewId: p.previewId, classCode: 6 });
    const view = await h.client.get('scans.view', { scanId: MESH_ID });
    const labels = new Uint16Array(await h.client.fetchBlob(view.mesh!.blobs.faceLabels!));
    expect(labels.filter((v) => v === 6)).toHaveLength(ids.length);
  });

  it('does not serve mesh blobs of point scans or unknown parts', async () => {
    const points = await h.client.get('scans.view', { scanId: `demo-${SEED}` });
    expect(points.mesh).toBeUndefined();
    await expect(h.client.fetchBlob(`blob/scans/demo-${SEED}/mesh/positions`)).rejects.toThrow();
    await expect(h.client.fetchBlob(`blob/scans/${MESH_ID}/mesh/textures/3`)).rejects.toThrow();
  });
});
