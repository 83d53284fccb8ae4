import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkTableError, decodeChunkTable } from '../../../electron/services/scans/formats/las/laz-chunk-table';

const repoRoot = path.resolve(__dirname, '../../..');
const data = (rel: string) => path.resolve(repoRoot, '../shared/data', rel);

/** The chunk table of a LAZ file located the way the LAZ specification says, read in the test. */
function tableOf(rel: string) {
  const b = new Uint8Array(readFileSync(data(rel)));
  const dv = new DataView(b.buffer);
  const pointData = dv.getUint32(96, true);
  let count = dv.getUint32(107, true);
  if (b[25]! >= 4 && count === 0) count = Number(dv.getBigUint64(247, true));
  let p = dv.getUint16(94, true);
  let chunkSize = 0;
  for (let i = 0; i < dv.getUint32(100, true); i++) {
    const len = dv.getUint16(p + 20, true);
    if (dv.getUint16(p + 18, true) === 22204) chunkSize = dv.getUint32(p + 54 + 12, true);
    p += 54 + len;
  }
  const tableOffset = Number(dv.getBigInt64(pointData, true));
  return {
    bytes: b.subarray(tableOffset),
    opts: { firstChunkOffset: pointData + 8, tableOffset, fixedChunkSize: chunkSize === 0xffffffff ? null : chunkSize, pointCount: count },
  };
}

describe('LAZ chunk table (arithmetic-coded, LASzip)', () => {
  it('decodes fixed-size chunk tables: byte sizes tile the compressed data exactly', () => {
    const { bytes, opts } = tableOf('lasr-bcts/bcts_1.laz');
    const chunks = decodeChunkTable(bytes, opts);
    expect(chunks).toHaveLength(11);
    expect(chunks.slice(0, 10).every((c) => c.pointCount === 50000)).toBe(true);
    expect(chunks[10]!.pointCount).toBe(31662);
    expect(chunks[0]!.offset).toBe(opts.firstChunkOffset);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.offset).toBe(chunks[i - 1]!.offset + chunks[i - 1]!.byteLength);
    expect(chunks[10]!.offset + chunks[10]!.byteLength).toBe(opts.tableOffset);
  });

  it('decodes variable-size (COPC) chunk tables with per-chunk point counts', () => {
    const { bytes, opts } = tableOf('formats/las/lone-star.copc.laz');
    expect(opts.fixedChunkSize).toBeNull();
    const chunks = decodeChunkTable(bytes, opts);
    expect(chunks).toHaveLength(15);
    expect(chunks.reduce((s, c) => s + c.pointCount, 0)).toBe(518862);
    expect(chunks[0]).toMatchObject({ pointCount: 212, byteLength: 1438, firstPoint: 0 });
  });

  const failures: [string, (t: ReturnType<typeof tableOf>) => [Uint8Array, ReturnType<typeof tableOf>['opts']], RegExp][] = [
    [
      'a point count the table cannot hold',
      (t) => [t.bytes, { ...t.opts, pointCount: t.opts.pointCount + 50000 }],
      /lists 11 chunks but 581662 points in chunks of 50000 need 12/,
    ],
    ['an unknown table version', (t) => [Uint8Array.from([1, 0, 0, 0, ...t.bytes.subarray(4)]), t.opts], /chunk table version 1/],
    [
      'more chunks than compressed bytes',
      (t) => [Uint8Array.from([0, 0, 0, 0, 255, 255, 255, 127, ...t.bytes.subarray(8)]), t.opts],
      /lists 2147483647 chunks/,
    ],
    ['a truncated table', (t) => [t.bytes.subarray(0, 12), t.opts], /truncated|outside|chunks end/],
    [
      'a table that does not end where the chunks do',
      (t) => [t.bytes, { ...t.opts, tableOffset: t.opts.tableOffset + 5 }],
      /chunks end at byte/,
    ],
  ];
  for (const [name, make] of failures) {
    it(`rejects ${name}`, () => {
      const [bytes, opts] = make(tableOf('lasr-bcts/bcts_1.laz'));
      expect(() => decodeChunkTable(bytes, opts)).toThrow(ChunkTableError);
    });
  }
  it('names what is wrong', () => {
    for (const [, make, message] of failures) {
      const [bytes, opts] = make(tableOf('lasr-bcts/bcts_1.laz'));
      expect(() => decodeChunkTable(bytes, opts)).toThrow(message);
    }
  });

  it('rejects a variable table whose counts do not add up to the header count', () => {
    const { bytes, opts } = tableOf('formats/las/lone-star.copc.laz');
    expect(() => decodeChunkTable(bytes, { ...opts, pointCount: 518863 })).toThrow(/holds 518862 points but the header claims 518863/);
  });
});
