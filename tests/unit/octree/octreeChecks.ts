import { expect } from 'vitest';
import type { AttributeInfo } from '../../../common/contracts/scans';
import type { PointChunk, ReadOptions, ScanInfo, ScanReader } from '../../../electron/services/scans/formats/types';
import type { Scan } from '../../../electron/services/scans/model';
import { nodeCube } from '../../../electron/services/octree/format';
import { OctreeStore, type OctreeNodeData } from '../../../electron/services/octree/octreeStore';

/**
 * A ScanReader over an in-memory Scan, yielding views in chunks like a file reader does; header
 * bounds can be overridden to test a lying header.
 */
export function readerFromScan(
  scan: Scan,
  options: { chunkPoints?: number; boundsMin?: [number, number, number]; boundsMax?: [number, number, number] } = {},
): ScanReader & { passes: number } {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < scan.pointCount * 3; i++) {
    const k = i % 3;
    min[k] = Math.min(min[k]!, scan.positions[i]!);
    max[k] = Math.max(max[k]!, scan.positions[i]!);
  }
  const info: ScanInfo = {
    format: scan.format,
    version: '1',
    pointCount: scan.pointCount,
    faceCount: 0,
    boundsMin: options.boundsMin ?? ([0, 1, 2].map((k) => scan.origin[k]! + min[k]!) as [number, number, number]),
    boundsMax: options.boundsMax ?? ([0, 1, 2].map((k) => scan.origin[k]! + max[k]!) as [number, number, number]),
    origin: scan.origin,
    attributes: scan.attributes.map(({ name, type, components }): AttributeInfo => ({ name, type, components })),
    crs: null,
    details: {},
    source: null,
  };
  const reader = {
    path: `${scan.name}.test`,
    info,
    passes: 0,
    async *chunks(read?: ReadOptions): AsyncIterable<PointChunk> {
      reader.passes++;
      const size = Math.min(read?.chunkPoints ?? 50_000, options.chunkPoints ?? Infinity);
      for (let start = 0; start < scan.pointCount; start += size) {
        read?.signal?.throwIfAborted();
        const count = Math.min(size, scan.pointCount - start);
        yield {
          start,
          count,
          positions: scan.positions.subarray(start * 3, (start + count) * 3),
          attributes: scan.attributes.map((a) => ({
            ...a,
            values: a.values.subarray(start * a.components, (start + count) * a.components),
          })),
        };
        await new Promise((r) => setImmediate(r)); // a real reader yields to I/O between chunks
      }
    },
    async mesh() {
      return null;
    },
    labelAttributes() {
      return [];
    },
    async close() {},
  };
  return reader;
}

export async function readAllNodes(dir: string): Promise<{ store: OctreeStore; nodes: Map<string, OctreeNodeData> }> {
  const store = await OctreeStore.open(dir);
  const nodes = new Map<string, OctreeNodeData>();
  for (const entry of store.nodes) nodes.set(entry.name, await store.readNode(entry.name));
  return { store, nodes };
}

/**
 * The invariants every octree must satisfy: each original index exactly once, points inside their
 * node's cube, minimum spacing in interior nodes, a connected hierarchy, totals.
 */
export async function expectOctreeInvariants(dir: string, pointCount: number): Promise<Map<string, OctreeNodeData>> {
  const { store, nodes } = await readAllNodes(dir);
  try {
    const h = store.hierarchy;
    expect(h.pointCount).toBe(pointCount);
    const seen = new Uint8Array(pointCount);
    let total = 0;
    const names = new Set(h.nodes.map((n) => n.name));
    expect(names.has('r')).toBe(true);
    for (const entry of h.nodes) {
      const data = nodes.get(entry.name)!;
      total += data.pointCount;
      expect(data.index.length).toBe(entry.pointCount);
      expect(entry.level).toBe(entry.name.length - 1);
      if (entry.name !== 'r') expect(names.has(entry.name.slice(0, -1)), `parent of ${entry.name}`).toBe(true);
      for (let o = 0; o < 8; o++) expect(names.has(entry.name + o), `child ${o} of ${entry.name}`).toBe(((entry.childMask >> o) & 1) === 1);
      if (entry.childMask === 0 && pointCount > 0) expect(entry.pointCount, `leaf ${entry.name} is not empty`).toBeGreaterThan(0);

      for (const i of data.index) {
        if (i >= pointCount) throw new Error(`node ${entry.name}: index ${i} out of range`);
        if (seen[i]) throw new Error(`index ${i} appears twice (again in ${entry.name})`);
        seen[i] = 1;
      }
      const cube = nodeCube(h.cube, entry.name);
      const eps = h.cube.size * 1e-6;
      for (let p = 0; p < data.pointCount; p++) {
        for (let k = 0; k < 3; k++) {
          const v = data.position[p * 3 + k]!;
          if (v < cube.min[k]! - eps || v > cube.min[k]! + cube.size + eps) {
            throw new Error(`node ${entry.name}: point ${p} axis ${k} = ${v} outside [${cube.min[k]}, ${cube.min[k]! + cube.size}]`);
          }
        }
      }
      if (entry.childMask !== 0) expectMinSpacing(entry.name, data.position, h.spacing[entry.level]!);
    }
    expect(total).toBe(pointCount);
    expect(seen.every((s) => s === 1)).toBe(true);
    return nodes;
  } finally {
    await store.close();
  }
}

/** Brute force over a hash grid: no two points of the node closer than `spacing`. */
export function expectMinSpacing(name: string, position: Float32Array, spacing: number): void {
  const n = position.length / 3;
  const cells = new Map<string, number[]>();
  const cellOf = (v: number) => Math.floor(v / spacing);
  for (let p = 0; p < n; p++) {
    const key = `${cellOf(position[p * 3]!)},${cellOf(position[p * 3 + 1]!)},${cellOf(position[p * 3 + 2]!)}`;
    const list = cells.get(key);
    if (list) list.push(p);
    else cells.set(key, [p]);
  }
  const s2 = spacing * spacing;
  for (let p = 0; p < n; p++) {
    const [cx, cy, cz] = [0, 1, 2].map((k) => cellOf(position[p * 3 + k]!)) as [number, number, number];
    for (let dz = -1; dz <= 1; dz++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          for (const q of cells.get(`${cx + dx},${cy + dy},${cz + dz}`) ?? []) {
            if (q <= p) continue;
            const d2 = [0, 1, 2].reduce((s, k) => s + (position[p * 3 + k]! - position[q * 3 + k]!) ** 2, 0);
            if (d2 < s2) throw new Error(`node ${name}: points ${p} and ${q} are ${Math.sqrt(d2)} apart, spacing ${spacing}`);
          }
        }
  }
}

/** Node name -> exact bytes, for comparing two builds. */
export async function nodeContents(dir: string): Promise<Map<string, string>> {
  const store = await OctreeStore.open(dir);
  try {
    const out = new Map<string, string>();
    for (const entry of store.nodes) out.set(entry.name, Buffer.from(await store.readNodeBytes(entry.name)).toString('base64'));
    return out;
  } finally {
    await store.close();
  }
}
