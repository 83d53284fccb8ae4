import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOctree } from '../../../electron/services/octree/buildOctree';
import { OctreeStore } from '../../../electron/services/octree/octreeStore';
import { demoPointScan } from '../../../electron/services/scans/demo/demoScene';
import type { Scan } from '../../../electron/services/scans/model';
import { expectOctreeInvariants, nodeContents, readerFromScan } from './octreeChecks';

const POINTS = 300_000;
let scan: Scan;
let work: string;

beforeAll(() => {
  scan = demoPointScan({ seed: 7, points: POINTS });
  work = mkdtempSync(join(tmpdir(), 'scanlabel-octree-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('octree build from an in-memory scan (demo scene, 300k points)', () => {
  it('keeps every point exactly once, inside its node, with the level spacing in interior nodes', async () => {
    const dir = join(work, 'mem', 'octree');
    const progress: number[] = [];
    const result = await buildOctree(scan, dir, { onProgress: (f) => progress.push(f) });
    expect(result.pointCount).toBe(POINTS);
    expect(result.indexing).toMatch(/worker thread/); // sources run through tsx inside the workers
    expect(result.nodeCount).toBeGreaterThan(8);
    expect(result.levels).toBeGreaterThan(2);
    const nodes = await expectOctreeInvariants(dir, POINTS);

    // Attributes travel with their point: compare each stored point with the scan at its original index.
    const color = scan.attributes.find((a) => a.name === 'color')!.values;
    const intensity = scan.attributes.find((a) => a.name === 'intensity')!.values;
    const cls = scan.attributes.find((a) => a.name === 'classification')!.values;
    for (const node of nodes.values()) {
      for (let p = 0; p < node.pointCount; p++) {
        const i = node.index[p]!;
        for (let k = 0; k < 3; k++) {
          if (node.position[p * 3 + k] !== scan.positions[i * 3 + k]) throw new Error(`position of ${i} changed`);
          if (node.color![p * 3 + k] !== color[i * 3 + k]) throw new Error(`color of ${i} changed`);
        }
        if (node.intensity![p] !== intensity[i] || node.classification![p] !== cls[i]) throw new Error(`attributes of ${i} changed`);
      }
    }

    // Progress only moves forward and ends at 1.
    expect(progress.length).toBeGreaterThan(3);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress[progress.length - 1]).toBe(1);
    // No temp folders left next to the octree.
    expect(readdirSync(join(work, 'mem'))).toEqual(['octree']);
  });

  it('serves node bytes by range exactly as readNode decodes them', async () => {
    const dir = join(work, 'mem', 'octree');
    const store = await OctreeStore.open(dir);
    try {
      const { readFileSync } = await import('node:fs');
      const bin = readFileSync(join(dir, 'nodes.bin'));
      for (const entry of store.nodes.slice(0, 20)) {
        const range = store.byteRange(entry.name);
        expect(range.offset % 8).toBe(0);
        const viaRange = bin.subarray(range.offset, range.offset + range.length);
        expect(Buffer.from(await store.readNodeBytes(entry.name)).equals(viaRange)).toBe(true);
      }
      expect(store.hierarchy.attributes.map((a) => a.name)).toEqual(['position', 'color', 'intensity', 'classification', 'index']);
    } finally {
      await store.close();
    }
  });
});

describe('octree build from a streamed reader', () => {
  it('spills to disk under a tiny memory budget and produces the same nodes as an in-memory build', async () => {
    const roomy = join(work, 'roomy', 'octree');
    const tight = join(work, 'tight', 'octree');
    const roomyReader = readerFromScan(scan, { chunkPoints: 40_000 });
    // In-thread (the no-worker fallback) with big chunks...
    const big = await buildOctree(roomyReader, roomy, { memoryBudgetBytes: 512 * 1024 ** 2, threads: 0 });
    expect(big.indexing).toMatch(/^in-thread/);
    expect(big.spills).toBe(0);
    expect(roomyReader.passes).toBe(1); // fits: read once
    // ...against worker threads with small chunks spilled to disk: the octree must not change.
    const tightReader = readerFromScan(scan, { chunkPoints: 40_000 });
    const small = await buildOctree(tightReader, tight, { memoryBudgetBytes: 2 * 1024 ** 2, threads: 2 });
    expect(small.spills).toBeGreaterThan(0);
    expect(tightReader.passes).toBe(2);
    expect(small.chunks).toBeGreaterThan(big.chunks);

    await expectOctreeInvariants(tight, POINTS);
    const a = await nodeContents(roomy);
    const b = await nodeContents(tight);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, bytes] of a) expect(b.get(name), `node ${name}`).toBe(bytes);
    expect(readdirSync(join(work, 'tight'))).toEqual(['octree']); // spill files gone
  });

  it('recounts on the real bounds when the header bounds are wrong', async () => {
    const liar = readerFromScan(scan, {
      boundsMin: [scan.origin[0], scan.origin[1], scan.origin[2]],
      boundsMax: [scan.origin[0] + 1, scan.origin[1] + 1, scan.origin[2] + 1],
    });
    const dir = join(work, 'liar', 'octree');
    await buildOctree(liar, dir, { memoryBudgetBytes: 2 * 1024 ** 2 });
    await expectOctreeInvariants(dir, POINTS);
  });

  it('leaves no octree folder when cancelled mid-build, and keeps an existing one intact', async () => {
    const parent = join(work, 'cancel');
    const dir = join(parent, 'octree');
    const controller = new AbortController();
    const build = buildOctree(readerFromScan(scan, { chunkPoints: 20_000 }), dir, {
      signal: controller.signal,
      memoryBudgetBytes: 2 * 1024 ** 2,
      onProgress: (f) => {
        if (f > 0.2) controller.abort();
      },
    });
    await expect(build).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(parent) ? readdirSync(parent) : []).toEqual([]);

    // A cancelled rebuild must not damage the octree already there.
    const small = demoPointScan({ seed: 3, points: 20_000 });
    await buildOctree(small, dir);
    const before = await nodeContents(dir);
    const again = new AbortController();
    const rebuild = buildOctree(readerFromScan(scan), dir, {
      signal: again.signal,
      onProgress: (f) => {
        if (f > 0.1) again.abort();
      },
    });
    await expect(rebuild).rejects.toMatchObject({ code: 'cancelled' });
    expect(await nodeContents(dir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['octree']);
  });
});

describe('octree build cancelled while workers index chunks', () => {
  it('stops the workers and removes the temp folder', async () => {
    const parent = join(work, 'cancel-indexing');
    const controller = new AbortController();
    const messages: string[] = [];
    const build = buildOctree(scan, join(parent, 'octree'), {
      signal: controller.signal,
      threads: 2,
      memoryBudgetBytes: 16 * 1024 ** 2, // small chunks: several are in flight when the abort comes
      onProgress: (f, message) => {
        messages.push(message);
        if (f > 0.5) controller.abort();
      },
    });
    await expect(build).rejects.toMatchObject({ code: 'cancelled' });
    expect(messages.some((m) => /^indexed \d+ of \d+ chunks \(2 worker threads\)/.test(m))).toBe(true);
    expect(existsSync(parent) ? readdirSync(parent) : []).toEqual([]);
  });
});

describe('octree attributes', () => {
  it('normalises 16-bit colour to 8 bits, and keeps 8-bit values stored in 16-bit fields', async () => {
    const base = demoPointScan({ seed: 5, points: 5_000 });
    const rgb8 = base.attributes.find((a) => a.name === 'color')!.values as Uint8Array;
    const wide = Uint16Array.from(rgb8, (v) => v * 257);
    const narrow = Uint16Array.from(rgb8);
    for (const [label, values] of [
      ['16-bit', wide],
      ['8-bit in 16-bit fields', narrow],
    ] as const) {
      const variant: Scan = { ...base, attributes: [{ name: 'color', type: 'uint16', components: 3, values }] };
      const dir = join(work, `color-${values === wide ? 'wide' : 'narrow'}`, 'octree');
      await buildOctree(readerFromScan(variant), dir);
      const store = await OctreeStore.open(dir);
      try {
        expect(
          store.hierarchy.attributes.map((a) => a.name),
          label,
        ).toEqual(['position', 'color', 'index']);
        expect(store.hierarchy.attributes[1]).toMatchObject({ type: 'uint8', sourceType: 'uint16' });
        for (const entry of store.nodes) {
          const node = await store.readNode(entry.name);
          for (let p = 0; p < node.pointCount; p++)
            for (let k = 0; k < 3; k++)
              if (node.color![p * 3 + k] !== rgb8[node.index[p]! * 3 + k]) throw new Error(`${label}: colour of ${node.index[p]}`);
        }
      } finally {
        await store.close();
      }
    }
  });

  it('stays valid on very dense clusters and exact duplicates (deep levels, level cap)', async () => {
    const n = 60_000;
    const positions = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const far = i % 1000 === 0; // a sparse frame 1 km wide around a millimetre-sized cluster
      const dup = i % 2 === 1; // half the points sit exactly on one spot
      const t = (i * 7919) % 1000;
      positions[i * 3] = far ? t : dup ? 500 : 500 + (t % 10) * 1e-4;
      positions[i * 3 + 1] = far ? (t * 3) % 1000 : dup ? 500 : 500 + ((t / 10) % 10) * 1e-4;
      positions[i * 3 + 2] = far ? (t * 7) % 1000 : dup ? 20 : 20 + (t / 100) * 1e-4;
    }
    const dense: Scan = { ...demoPointScan({ seed: 4, points: 1 }), positions, pointCount: n, attributes: [] };
    const dir = join(work, 'dense', 'octree');
    const result = await buildOctree(dense, dir, { maxLeafPoints: 2_000 });
    expect(result.levels).toBeGreaterThan(12); // below the levels resolved by the up-front sort
    await expectOctreeInvariants(dir, n);
  });

  it('handles an empty scan and a single point', async () => {
    const one = demoPointScan({ seed: 2, points: 1 });
    const empty: Scan = { ...one, positions: new Float32Array(0), pointCount: 0, attributes: [] };
    await buildOctree(empty, join(work, 'empty', 'octree'));
    await expectOctreeInvariants(join(work, 'empty', 'octree'), 0);
    await buildOctree(one, join(work, 'one', 'octree'));
    await expectOctreeInvariants(join(work, 'one', 'octree'), 1);
  });
});
