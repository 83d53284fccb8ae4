import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOctree, type BuildOctreeOptions } from '../../../electron/services/octree/buildOctree';
import type { Scan, ScanAttribute } from '../../../electron/services/scans/model';
import { nodeContents, readerFromScan } from './octreeChecks';

/**
 * The octree must not depend on threads, budget, chunking or where the scan's columns live. Each
 * build's digest (every node's name and bytes) is compared with one pinned from the builder as it
 * was before the parallel in-memory gather (commit d9dc491), so a change of schedule that changed
 * a single byte fails here.
 */
const POINTS = 250_000;
const PINNED = {
  integer: 'e6ae2b89ac68f3e268c15e8a1e78d38a56682c8bd2ccd2a3f17eafa8315d5829',
  float: '914d602f16041f86d5bcd993aa15c4f8562c3b3b0d83b1dbda1deb79026b0b7c',
};

/** Points in random order: a dense cluster, a plane and uniform noise (several chunks, several levels). */
function scene(kind: 'integer' | 'float', shared: boolean): Scan {
  let state = 12_345;
  const next = () => (state = (state * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
  const alloc = <T extends Float32Array | Uint8Array | Uint16Array>(make: new (b: ArrayBufferLike) => T, bytes: number): T =>
    new make(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const positions = alloc(Float32Array, POINTS * 12);
  for (let i = 0; i < POINTS; i++) {
    const r = next();
    const [x, y, z] = r < 0.3 ? [40 + next() * 2, 40 + next() * 2, 5 + next()] : r < 0.8 ? [next() * 100, next() * 100, 0] : [next() * 100, next() * 100, next() * 30];
    positions[i * 3] = x!;
    positions[i * 3 + 1] = y!;
    positions[i * 3 + 2] = z!;
  }
  const attributes: ScanAttribute[] = [];
  if (kind === 'integer') {
    const color = alloc(Uint8Array, POINTS * 3);
    const intensity = alloc(Uint16Array, POINTS * 2);
    const cls = alloc(Uint8Array, POINTS);
    for (let i = 0; i < POINTS; i++) {
      for (let k = 0; k < 3; k++) color[i * 3 + k] = next() * 256;
      intensity[i] = next() * 65_536;
      cls[i] = next() * 20;
    }
    attributes.push(
      { name: 'color', type: 'uint8', components: 3, values: color },
      { name: 'intensity', type: 'uint16', components: 1, values: intensity },
      { name: 'classification', type: 'uint8', components: 1, values: cls },
    );
  } else {
    // Float colour and intensity: the rounding path of the gather.
    const color = alloc(Float32Array, POINTS * 12);
    const intensity = alloc(Float32Array, POINTS * 4);
    for (let i = 0; i < POINTS; i++) {
      for (let k = 0; k < 3; k++) color[i * 3 + k] = next();
      intensity[i] = next() * 3000 - 100;
    }
    attributes.push(
      { name: 'color', type: 'float32', components: 3, values: color },
      { name: 'intensity', type: 'float32', components: 1, values: intensity },
    );
  }
  return {
    id: 'digest',
    name: 'digest',
    format: 'raw',
    sourcePath: null,
    origin: [1000, 2000, 30],
    positions,
    pointCount: POINTS,
    attributes,
    mesh: null,
    labelLayers: [],
    crs: null,
    source: null,
  };
}

async function digest(dir: string): Promise<string> {
  const nodes = await nodeContents(dir);
  const hash = createHash('sha256');
  for (const name of [...nodes.keys()].sort()) hash.update(`${name}:${nodes.get(name)}\n`);
  return hash.digest('hex');
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'scanlabel-octree-digest-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SMALL = { maxLeafPoints: 3_000 };
const builds: [string, boolean, 'memory' | 'reader', BuildOctreeOptions][] = [
  ['calling thread', false, 'memory', { ...SMALL, threads: 0 }],
  ['2 workers, plain columns', false, 'memory', { ...SMALL, threads: 2 }],
  ['2 workers, shared columns', true, 'memory', { ...SMALL, threads: 2 }],
  ['1 worker, shared columns, 4 MiB budget (many small groups)', true, 'memory', { ...SMALL, threads: 1, memoryBudgetBytes: 4 * 1024 ** 2 }],
  ['3 workers, shared columns, 16 MiB budget', true, 'memory', { ...SMALL, threads: 3, memoryBudgetBytes: 16 * 1024 ** 2 }],
  ['reader, 2 workers, 2 MiB budget (spills)', false, 'reader', { ...SMALL, threads: 2, memoryBudgetBytes: 2 * 1024 ** 2 }],
];

describe('octree bytes do not depend on the schedule (pinned digests)', () => {
  for (const kind of ['integer', 'float'] as const) {
    for (const [label, shared, input, options] of builds) {
      it(`${kind} attributes: ${label}`, async () => {
        const scan = scene(kind, shared);
        const dir = join(work, `${kind}-${label.replace(/\W+/g, '-')}`, 'octree');
        const result = await buildOctree(input === 'reader' ? readerFromScan(scan, { chunkPoints: 30_000 }) : scan, dir, options);
        expect(result.pointCount).toBe(POINTS);
        expect(result.chunks).toBeGreaterThan(4);
        expect(await digest(dir)).toBe(PINNED[kind]);
      });
    }
  }
});
