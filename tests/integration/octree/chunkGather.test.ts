import { describe, expect, it } from 'vitest';
import { CellCounts, loadOrder, planChunks } from '../../../electron/services/octree/chunkPlan';
import { ScanChunks } from '../../../electron/services/octree/chunkSources';
import { cubeFromBounds, GridKey } from '../../../electron/services/octree/gridKey';
import { NodeBlock } from '../../../electron/services/octree/nodeBlock';
import { runSliceTask, sliceRanges } from '../../../electron/services/octree/scanSlices';
import { encodeNode } from '../../../electron/services/octree/nodeEncoder';
import { allocRecords, fillRecords, nodeAttributesFor, pickAttributeSources } from '../../../electron/services/octree/records';
import type { Scan, ScanAttribute } from '../../../electron/services/scans/model';

/** A scan in random spatial order (the demo scene's worst case), with the given attribute columns. */
function randomScan(n: number, seed: number, attributes: (n: number, next: () => number) => ScanAttribute[]): Scan {
  let state = seed;
  const next = () => ((state = (state * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
  const positions = new Float32Array(n * 3);
  for (let i = 0; i < positions.length; i++) positions[i] = next() * 100;
  return {
    id: 's',
    name: 's',
    format: 'raw',
    sourcePath: '',
    origin: [0, 0, 0],
    positions,
    pointCount: n,
    attributes: attributes(n, next),
    mesh: null,
    labelLayers: [],
    crs: null,
    source: null,
  };
}

const integerColumns = (n: number, next: () => number): ScanAttribute[] => [
  { name: 'color', type: 'uint8', components: 3, values: Uint8Array.from({ length: n * 3 }, () => next() * 256) },
  { name: 'intensity', type: 'uint16', components: 1, values: Uint16Array.from({ length: n }, () => next() * 65_536) },
  { name: 'classification', type: 'uint8', components: 1, values: Uint8Array.from({ length: n }, () => next() * 32) },
];
// Float colour and intensity take the rounding path (lists, then a gather per chunk).
const floatColumns = (n: number, next: () => number): ScanAttribute[] => [
  { name: 'color', type: 'float32', components: 3, values: Float32Array.from({ length: n * 3 }, () => next()) },
  { name: 'intensity', type: 'float32', components: 1, values: Float32Array.from({ length: n }, () => next() * 1000) },
];

describe('ScanChunks: grouped gather of an in-memory scan, slice by slice', () => {
  for (const [label, columns] of [
    ['integer attributes (one pass per group)', integerColumns],
    ['float attributes (rounded)', floatColumns],
  ] as const) {
    it(`gives every chunk its points in ascending order, whatever the group size: ${label}`, async () => {
      const n = 60_000;
      const scan = randomScan(n, 11, columns);
      const cube = cubeFromBounds([0, 0, 0], [100, 100, 100]);
      const key = new GridKey(cube);
      const cells = new CellCounts(key, 4);
      cells.addPositions(scan.positions, n);
      const plan = planChunks(cells, 3_000);
      expect(plan.chunks.length).toBeGreaterThan(20);
      const sources = pickAttributeSources(scan.attributes);
      // Each chunk's points listed independently of ScanChunks.
      const grid = key.cells(plan.bits);
      const lists = plan.chunks.map(() => [] as number[]);
      for (let i = 0; i < n; i++) {
        lists[plan.cellChunk[grid.cell(scan.positions[i * 3]!, scan.positions[i * 3 + 1]!, scan.positions[i * 3 + 2]!)]!]!.push(i);
      }
      const scanColumns = { positions: scan.positions, attributes: scan.attributes, sources };
      // One slice (the calling thread) or several (workers; run here in turn): the same records.
      for (const [groupPoints, slices] of [
        [1, 1],
        [7_000, 1],
        [n, 1],
        [7_000, 3],
        [1, 4],
      ] as const) {
        const source = await ScanChunks.create(scanColumns, plan, cube, loadOrder(plan), groupPoints, sliceRanges(n, slices), async (task) =>
          runSliceTask(task), 2,
        );
        for (const c of loadOrder(plan)) {
          const records = await source.load(c);
          const expected = allocRecords(lists[c]!.length);
          fillRecords(expected, 0, scan.positions, scan.attributes, sources, 0, { order: Uint32Array.from(lists[c]!) });
          expect(records.count).toBe(expected.count);
          expect(Buffer.from(records.bytes).equals(Buffer.from(expected.bytes)), `chunk ${c}, groups of ${groupPoints}, ${slices} slices`).toBe(true);
          source.recycle(records.bytes.buffer, c); // indexed: frees the group's buffer for the group after next
        }
        source.dispose();
      }
    });
  }
});

describe('NodeBlock', () => {
  it('encodes nodes into a reused buffer holding old bytes exactly as into fresh buffers', () => {
    const scan = randomScan(5_000, 3, integerColumns);
    const sources = pickAttributeSources(scan.attributes);
    const records = allocRecords(scan.pointCount);
    fillRecords(records, 0, scan.positions, scan.attributes, sources, 0, { start: 0, count: scan.pointCount });
    // Odd sizes, so the 3-byte colour blocks leave alignment padding.
    const picks = [1, 3, 7, 1_001, 2_999].map((k) => Uint32Array.from({ length: k }, (_, i) => (i * 7) % scan.pointCount));
    const attributes = nodeAttributesFor(sources);
    const dirty = new ArrayBuffer(20_000);
    new Uint8Array(dirty).fill(0xa5);
    const block = new NodeBlock(dirty, 20_000); // too small for all: the block continues in a new buffer
    for (const pick of picks) {
      const fresh = encodeNode(records, pick, attributes, 65_535);
      const reused = encodeNode(records, pick, attributes, 65_535, (bytes) => block.alloc(bytes));
      expect(reused.byteOffset % 8).toBe(0);
      expect(Buffer.from(reused).equals(Buffer.from(fresh))).toBe(true);
    }
    expect(block.buffers.length).toBeGreaterThan(1);
  });
});
