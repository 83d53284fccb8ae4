import { expect, test } from 'vitest';

/** Byte comparison: toEqual walks typed arrays element by element, too slow for 64K entries. */
const same = (a: Uint32Array, b: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
import {
  ByteReader,
  ByteWriter,
  CodecError,
  decodeIndexRuns,
  decodeInstances,
  decodeValueRuns,
  encodeIndexRuns,
  encodeInstances,
  ValueRunWriter,
} from '../../../electron/services/labels/codec';
import { groupByChunk } from '../../../electron/services/labels/grouping';
import { parseIndexFile, pointSetToIndices } from '../../../electron/services/labels/pointSets';

test('varints round-trip across the uint32 range', () => {
  const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21, 2 ** 28 - 1, 2 ** 31, 2 ** 32 - 1];
  const w = new ByteWriter(1);
  for (const v of values) w.varint(v);
  const r = new ByteReader(w.finish());
  expect(values.map(() => r.varint())).toEqual(values);
  expect(r.done).toBe(true);
  expect(() => r.varint()).toThrow(CodecError);
});

test('index runs: contiguous selections cost a few bytes, scattered ones round-trip', () => {
  const span = Uint32Array.from({ length: 65_536 }, (_, i) => i);
  expect(encodeIndexRuns(span).length).toBeLessThan(8);
  const scattered = Uint32Array.from(new Set(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 65_536))).sort();
  expect(decodeIndexRuns(encodeIndexRuns(scattered))).toEqual(scattered);
  expect(decodeIndexRuns(encodeIndexRuns(new Uint32Array(0)))).toEqual(new Uint32Array(0));
  expect(() => decodeIndexRuns(Uint8Array.of(5, 0, 9))).toThrow(CodecError);
});

test('value runs round-trip tuples and compress repeats', () => {
  const w = new ValueRunWriter(10);
  const tuples: [number, number, number, number][] = [];
  for (let i = 0; i < 10_000; i++) tuples.push(i < 9000 ? [255, 0, 0, 0] : [i % 3, 0x81, 200, i % 7 === 0 ? 2 ** 32 - 1 : 5]);
  for (const t of tuples) w.push(...t);
  const bytes = w.finish();
  expect(bytes.length).toBeLessThan(1000 * 8);
  const v = decodeValueRuns(bytes);
  expect(Array.from({ length: tuples.length }, (_, i) => [v.classes[i], v.flags[i], v.confidence[i], v.instances[i]])).toEqual(tuples);
});

test('instances: none is null, few are sparse, many distinct per point use a dictionary; all round-trip', () => {
  expect(encodeInstances(new Uint32Array(100))).toBeNull();
  const few = new Uint32Array(65_536);
  few.fill(42, 1000, 3000);
  const fewBytes = encodeInstances(few)!;
  expect(fewBytes.length).toBeLessThan(20);
  expect(same(decodeInstances(fewBytes, few.length), few)).toBe(true);

  const many = Uint32Array.from({ length: 65_536 }, (_, i) => ((i * 2654435761) >>> 0) % 200 + 1);
  const manyBytes = encodeInstances(many)!;
  expect(manyBytes[0]).toBe(2);
  expect(manyBytes.length).toBeLessThanOrEqual(65_536 + 200 * 5 + 8);
  expect(same(decodeInstances(manyBytes, many.length), many)).toBe(true);

  const wide = Uint32Array.from({ length: 65_536 }, (_, i) => ((i * 2654435761) >>> 0) % 1000 + 1);
  const wideBytes = encodeInstances(wide)!;
  expect(wideBytes.length).toBeLessThanOrEqual(2 * 65_536 + 1000 * 5 + 8);
  expect(same(decodeInstances(wideBytes, wide.length), wide)).toBe(true);
  expect(() => decodeInstances(Uint8Array.of(9), 10)).toThrow(CodecError);
});

test('groupByChunk splits, sorts and de-duplicates by chunk', () => {
  const g = groupByChunk(Uint32Array.of(70_000, 3, 3, 65_536, 1, 140_000), 65_536, 200_000);
  expect([...g.entries()].map(([k, v]) => [k, [...v]])).toEqual([[0, [1, 3]], [1, [65_536, 70_000]], [2, [140_000]]]);
  const asc = groupByChunk(Uint32Array.of(0, 65_535, 65_536), 65_536, 70_000);
  expect([...asc.keys()]).toEqual([0, 1]);
  expect(() => groupByChunk(Uint32Array.of(5), 65_536, 5)).toThrow(/out of range/);
});

test('point sets and id files', () => {
  expect([...pointSetToIndices({ ranges: [[2, 5], [9, 10]] })]).toEqual([2, 3, 4, 9]);
  expect([...pointSetToIndices({ base64: Buffer.from(Uint32Array.of(7, 1).buffer).toString('base64') })]).toEqual([7, 1]);
  expect([...parseIndexFile(Buffer.from('4\n 5 \r\n\n6'), 'f')]).toEqual([4, 5, 6]);
  expect([...parseIndexFile(Buffer.from(Uint32Array.of(10, 11, 2 ** 31).buffer), 'f')]).toEqual([10, 11, 2 ** 31]);
  expect(() => parseIndexFile(Buffer.from('1\n-2\n'), 'f')).toThrow(/f: line 2: expected a point index/);
  expect(() => parseIndexFile(Buffer.from('4294967296\n'), 'f')).toThrow(/exceeds uint32/);
});
