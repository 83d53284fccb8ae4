import { describe, expect, it } from 'vitest';
import type { PointChunk, ScanColumns } from '../../../electron/services/scans/formats/types';
import { allocateAttribute, type ScanAttribute } from '../../../electron/services/scans/model';
import { openScan, readScan } from '../../../electron/services/scans/read';
import { dataDir } from './manifestRows';
import { writePly, type PlyElementSpec, type PlyEncoding } from './ply/plyWriter';
import { tempDir } from './tempFiles';

/**
 * Binary LAS and PLY readers decode straight into readScan's columns (ReadOptions.target). These
 * check that the in-place scan equals the streamed chunks (fresh arrays per chunk), chunk by chunk
 * boundaries included, and that in-place chunks really are views into the target.
 */

const tmp = tempDir('in-place');

async function streamed(file: string, chunkPoints: number): Promise<{ positions: Float32Array; attributes: ScanAttribute[] }> {
  const reader = await openScan(file);
  try {
    const n = reader.info.pointCount;
    const positions = new Float32Array(n * 3);
    const attributes = reader.info.attributes.map((a) => ({ ...a, values: allocateAttribute(a.type, n * a.components) }));
    for await (const c of reader.chunks({ chunkPoints })) {
      positions.set(c.positions, c.start * 3);
      for (const a of attributes) a.values.set(c.attributes.find((x) => x.name === a.name)!.values as never, c.start * a.components);
    }
    return { positions, attributes };
  } finally {
    await reader.close();
  }
}

/** Bit-for-bit equality (toEqual walks large typed arrays element by element, far too slowly). */
function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

async function expectInPlaceEqualsStreamed(file: string, chunkPoints: number): Promise<void> {
  const scan = await readScan(file, { chunkPoints });
  const ref = await streamed(file, chunkPoints);
  expect(scan.pointCount).toBe(ref.positions.length / 3);
  expect(bytesOf(scan.positions).equals(bytesOf(ref.positions))).toBe(true);
  expect(scan.attributes.map((a) => [a.name, a.type, a.components])).toEqual(ref.attributes.map((a) => [a.name, a.type, a.components]));
  for (const a of scan.attributes)
    expect(bytesOf(a.values).equals(bytesOf(ref.attributes.find((r) => r.name === a.name)!.values)), a.name).toBe(true);
}

/**
 * Every scalar type, a float colour (converted) and a uchar label (copied), enough records to cross
 * internal blocks. Float properties hold float32 values so the ascii twin states exactly the same numbers.
 */
function mixedVertices(count: number): PlyElementSpec {
  const records = Array.from({ length: count }, (_, i) => [
    512345.678901 + (i % 100) * 0.25,
    5403210.123456 - Math.floor(i / 100) * 0.5,
    250.5 + (i % 7) * 0.125,
    Math.fround((i % 11) / 10),
    Math.fround((i % 13) / 12),
    Math.fround((i % 17) / 16),
    i % 256,
    -128 + (i % 256),
    -32768 + i,
    i % 65536,
    -2147483648 + i * 3,
    4294967295 - i,
    Math.fround(i / 3),
    i / 7,
  ]);
  return {
    name: 'vertex',
    properties: [
      { name: 'x', type: 'double' },
      { name: 'y', type: 'double' },
      { name: 'z', type: 'float' },
      { name: 'red', type: 'float' },
      { name: 'green', type: 'float' },
      { name: 'blue', type: 'float' },
      { name: 'label', type: 'uchar' },
      { name: 'a_char', type: 'char' },
      { name: 'a_short', type: 'short' },
      { name: 'a_ushort', type: 'ushort' },
      { name: 'a_int', type: 'int' },
      { name: 'a_uint', type: 'uint' },
      { name: 'a_float', type: 'float' },
      { name: 'a_double', type: 'double' },
    ],
    records,
  };
}

describe('in-place decoding (readScan) equals streamed chunks', () => {
  it.each([
    ['pdal-sample-c/sample_c_thin.las', 1000],
    ['formats/las/simple1_4.las', 333],
    ['ign-lidarhd/las_with_several_extra_byte_bloc.laz', 5000],
    ['formats/ply/bunny.ply', 7000],
  ])('%s (chunks of %i)', async (rel, chunkPoints) => {
    await expectInPlaceEqualsStreamed(`${dataDir}/${rel}`, chunkPoints);
  });

  it.each<PlyEncoding>(['binary_little_endian', 'binary_big_endian'])(
    'generated PLY with every scalar type, %s, equals the ascii file read record by record',
    async (encoding) => {
      const v = mixedVertices(10_000);
      const binary = tmp.write(`mixed-${encoding}.ply`, writePly(encoding, [v]));
      const ascii = tmp.write(`mixed-${encoding}-ascii.ply`, writePly('ascii', [v]));
      await expectInPlaceEqualsStreamed(binary, 3000);
      const fromAscii = await readScan(ascii);
      const fromBinary = await readScan(binary, { chunkPoints: 3000 });
      expect(fromBinary.origin).toEqual(fromAscii.origin);
      expect(fromBinary.positions).toEqual(fromAscii.positions);
      expect(fromBinary.attributes).toEqual(fromAscii.attributes);
      expect(fromBinary.labelLayers.map((l) => [l.name, l.values])).toEqual(fromAscii.labelLayers.map((l) => [l.name, l.values]));
    },
  );

  it('chunks decoded into a target are views of it at their start', async () => {
    for (const rel of ['pdal-sample-c/sample_c_thin.las', 'formats/ply/bunny.ply']) {
      const reader = await openScan(`${dataDir}/${rel}`);
      try {
        const n = reader.info.pointCount;
        const target: ScanColumns = {
          positions: new Float32Array(n * 3),
          attributes: reader.info.attributes.map((a) => ({ ...a, values: allocateAttribute(a.type, n * a.components) })),
        };
        const chunks: PointChunk[] = [];
        for await (const c of reader.chunks({ chunkPoints: 1000, target })) chunks.push(c);
        expect(chunks.length).toBeGreaterThan(1);
        for (const c of chunks) {
          expect(c.positions.buffer).toBe(target.positions.buffer);
          expect(c.positions.byteOffset).toBe(c.start * 12);
          c.attributes.forEach((a, k) => expect(a.values.buffer).toBe(target.attributes[k]!.values.buffer));
        }
        expect(target.positions.some((v) => v !== 0)).toBe(true);
      } finally {
        await reader.close();
      }
    }
  });
});
