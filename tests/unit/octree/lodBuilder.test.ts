import { describe, expect, it } from 'vitest';
import { cubeFromBounds, GridKey, KEY_BITS } from '../../../electron/services/octree/gridKey';
import { LodBuilder, type LodParams } from '../../../electron/services/octree/lodBuilder';
import { SORTED_LEVELS } from '../../../electron/services/octree/mortonSort';
import {
  allocRecords,
  fillRecords,
  nodeAttributesFor,
  pickAttributeSources,
  RECORD_WORDS,
  type Records,
} from '../../../electron/services/octree/records';
import { demoPointScan } from '../../../electron/services/scans/demo/demoScene';

function mortonCode(key: GridKey, r: Records, i: number): number {
  const shift = KEY_BITS - SORTED_LEVELS;
  const w = i * RECORD_WORDS;
  const [kx, ky, kz] = [key.x(r.f32[w]!) >>> shift, key.y(r.f32[w + 1]!) >>> shift, key.z(r.f32[w + 2]!) >>> shift];
  let code = 0;
  for (let b = SORTED_LEVELS - 1; b >= 0; b--) code = code * 8 + ((kx >> b) & 1) * 4 + ((ky >> b) & 1) * 2 + ((kz >> b) & 1);
  return code;
}

describe('LodBuilder.indexChunk', () => {
  it('builds the same nodes from a chunk in arrival order (split by octant, then sorted in runs) as from the chunk sorted up front', () => {
    const scan = demoPointScan({ seed: 9, points: 150_000 });
    const sources = pickAttributeSources(scan.attributes);
    const n = scan.pointCount;
    const arrival = allocRecords(n);
    fillRecords(arrival, 0, scan.positions, scan.attributes, sources, 0, { start: 0, count: n });
    const min = [Infinity, Infinity, Infinity];
    const max = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n * 3; i++) {
      min[i % 3] = Math.min(min[i % 3]!, scan.positions[i]!);
      max[i % 3] = Math.max(max[i % 3]!, scan.positions[i]!);
    }
    const cube = cubeFromBounds(min, max);
    const key = new GridKey(cube);
    // Reference order: one comparison sort of the whole chunk by (Morton code, arrival).
    const order = Array.from({ length: n }, (_, i) => ({ i, code: mortonCode(key, arrival, i) })).sort(
      (a, b) => a.code - b.code || a.i - b.i,
    );
    const presorted = allocRecords(n);
    order.forEach(({ i }, j) => presorted.u32.set(arrival.u32.subarray(i * RECORD_WORDS, (i + 1) * RECORD_WORDS), j * RECORD_WORDS));

    const params: LodParams = {
      cube,
      spacingDivisor: 128,
      maxLeafPoints: 5_000,
      maxLevel: 20,
      attributes: nodeAttributesFor(sources),
      colorMax: 65535,
    };
    const a = new LodBuilder(params);
    const b = new LodBuilder(params);
    // Runs of at most 16k records: the octant split of larger runs is exercised too.
    const rootA = a.indexChunk(arrival, 'r', undefined, 1 << 14);
    const rootB = b.indexChunk(presorted, 'r');
    expect(a.nodes.length).toBeGreaterThan(20);
    const blobs = (builder: LodBuilder) => new Map(builder.nodes.map((node) => [node.name, Buffer.from(node.blob).toString('base64')]));
    expect(blobs(a)).toEqual(blobs(b));
    expect(rootA.childMask).toBe(rootB.childMask);
    expect(Buffer.from(rootA.records.bytes).equals(Buffer.from(rootB.records.bytes))).toBe(true);
    expect(a.nodes.reduce((s, node) => s + node.pointCount, 0) + rootA.records.count).toBe(n);
  });
});
