import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../electron/services/errors';
import { plyFormat } from '../../../../electron/services/scans/formats/ply';
import type { ScanMesh } from '../../../../electron/services/scans/model';
import type { PointChunk, ScanInfo } from '../../../../electron/services/scans/formats/types';
import { tempDir } from '../tempFiles';
import { plyHeader, writePly } from './plyWriter';
import type { PlyElementSpec, PlyEncoding } from './plyWriter';

const tmp = tempDir('ply');

/** Georeferenced doubles, 8-bit colour, normals, a class label, every scalar type alias, a skipped list. */
function vertexElement(): PlyElementSpec {
  const records = Array.from({ length: 40 }, (_, i) => [
    512345.678901 + i * 0.25,
    5403210.123456 - i * 0.5,
    250.5 + (i % 7),
    (i * 37) % 256,
    (i * 11) % 256,
    255 - i,
    0,
    0.6,
    0.8,
    i % 5,
    -128 + i,
    255 - i,
    -32768 + i,
    65535 - i,
    -2147483648 + i,
    4294967295 - i,
    i / 3,
    i / 7,
    [i, i + 1],
  ]);
  return {
    name: 'vertex',
    properties: [
      { name: 'x', type: 'double' },
      { name: 'y', type: 'float64' },
      { name: 'z', type: 'double' },
      { name: 'red', type: 'uchar' },
      { name: 'green', type: 'uint8' },
      { name: 'blue', type: 'uchar' },
      { name: 'nx', type: 'float' },
      { name: 'ny', type: 'float32' },
      { name: 'nz', type: 'float' },
      { name: 'class', type: 'ushort' },
      { name: 'a_char', type: 'char' },
      { name: 'a_uchar', type: 'uint8' },
      { name: 'a_short', type: 'int16' },
      { name: 'a_ushort', type: 'ushort' },
      { name: 'a_int', type: 'int' },
      { name: 'a_uint', type: 'uint32' },
      { name: 'a_float', type: 'float' },
      { name: 'a_double', type: 'float64' },
      { name: 'neighbours', type: 'int', list: 'uchar' },
    ],
    records,
  };
}

/** A triangle, a quad and a pentagon with per-corner uvs, texture numbers and a face label. */
function faceElement(): PlyElementSpec {
  const polygons = [
    [0, 1, 2],
    [3, 4, 5, 6],
    [7, 8, 9, 10, 11],
  ];
  return {
    name: 'face',
    properties: [
      { name: 'vertex_indices', type: 'int', list: 'uchar' },
      { name: 'texcoord', type: 'float', list: 'uchar' },
      { name: 'texnumber', type: 'int' },
      { name: 'label', type: 'int' },
    ],
    records: polygons.map((p, f) => [p, p.flatMap((v) => [v / 16, 1 - v / 16]), -1, f + 1]),
  };
}

async function readFixture(file: string): Promise<{ info: ScanInfo; chunks: PointChunk[]; mesh: ScanMesh | null; labels: unknown }> {
  const r = await plyFormat.open(file);
  try {
    const chunks: PointChunk[] = [];
    for await (const c of r.chunks({ chunkPoints: 16 })) chunks.push(c);
    return { info: r.info, chunks, mesh: await r.mesh(), labels: r.labelAttributes() };
  } finally {
    await r.close();
  }
}

async function expectBadInput(file: string, ...fragments: string[]): Promise<BadInputError> {
  const err = await readFixture(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `${file} should be rejected`).toBeInstanceOf(BadInputError);
  for (const f of fragments) expect((err as Error).message).toContain(f);
  return err as BadInputError;
}

const encodings: PlyEncoding[] = ['ascii', 'binary_little_endian', 'binary_big_endian'];

describe('PLY fixtures: encodings, types, faces', () => {
  it('ascii, binary little endian and binary big endian give identical scans', async () => {
    const results = [];
    for (const enc of encodings)
      results.push(await readFixture(tmp.write(`all-${enc}.ply`, writePly(enc, [vertexElement(), faceElement()]))));
    const [ascii, le, be] = results;
    for (const other of [le!, be!]) {
      expect({ ...other.info, version: '', details: { ...other.info.details, encoding: '' }, source: null }).toEqual({
        ...ascii!.info,
        version: '',
        details: { ...ascii!.info.details, encoding: '' },
        source: null,
      });
      expect(other.chunks).toEqual(ascii!.chunks);
      expect(other.mesh).toEqual(ascii!.mesh);
    }
    expect(le!.info.version).toBe('binary_little_endian 1.0');
    expect(be!.info.version).toBe('binary_big_endian 1.0');
  });

  it('maps every scalar type alias to its attribute type and keeps extreme values', async () => {
    const { info, chunks, labels } = await readFixture(tmp.write('types.ply', writePly('binary_big_endian', [vertexElement()])));
    expect(info.attributes).toEqual([
      { name: 'color', type: 'uint8', components: 3 },
      { name: 'normal', type: 'float32', components: 3 },
      { name: 'class', type: 'uint16', components: 1 },
      { name: 'a_char', type: 'int8', components: 1 },
      { name: 'a_uchar', type: 'uint8', components: 1 },
      { name: 'a_short', type: 'int16', components: 1 },
      { name: 'a_ushort', type: 'uint16', components: 1 },
      { name: 'a_int', type: 'int32', components: 1 },
      { name: 'a_uint', type: 'uint32', components: 1 },
      { name: 'a_float', type: 'float32', components: 1 },
      { name: 'a_double', type: 'float64', components: 1 },
    ]);
    expect(info.details.skippedListProperties).toBe('neighbours');
    expect(labels).toEqual([{ name: 'class', attribute: 'class', target: 'points' }]);
    const first = chunks[0]!;
    const value = (name: string) => first.attributes.find((a) => a.name === name)!.values[0];
    expect([value('a_char'), value('a_uchar'), value('a_short'), value('a_ushort')]).toEqual([-128, 255, -32768, 65535]);
    expect([value('a_int'), value('a_uint')]).toEqual([-2147483648, 4294967295]);
    expect(Array.from(first.attributes[0]!.values.subarray(0, 6))).toEqual([0, 0, 255, 37, 11, 254]);
  });

  it('keeps double coordinates exact to float32 offset precision through the origin', async () => {
    const { info, chunks } = await readFixture(tmp.write('double.ply', writePly('binary_little_endian', [vertexElement()])));
    expect(info.boundsMin).toEqual([512345.678901, 5403210.123456 - 39 * 0.5, 250.5]);
    expect(info.origin).toEqual([Math.round(512345.678901 + 39 * 0.125), Math.round(5403210.123456 - 39 * 0.25), 254]);
    let i = 0;
    for (const c of chunks) {
      for (let k = 0; k < c.count; k++, i++) {
        expect(Math.abs(info.origin[0] + c.positions[k * 3]! - (512345.678901 + i * 0.25))).toBeLessThan(1e-6);
        expect(Math.abs(info.origin[1] + c.positions[k * 3 + 1]! - (5403210.123456 - i * 0.5))).toBeLessThan(1e-6);
      }
    }
  });

  it('fans polygons into triangles with per-corner uvs and replicated face attributes', async () => {
    const { info, mesh, labels } = await readFixture(tmp.write('faces.ply', writePly('ascii', [vertexElement(), faceElement()])));
    expect(info.faceCount).toBe(1 + 2 + 3);
    expect(Array.from(mesh!.indices)).toEqual([0, 1, 2, 3, 4, 5, 3, 5, 6, 7, 8, 9, 7, 9, 10, 7, 10, 11]);
    expect(Array.from(mesh!.faceAttributes.find((a) => a.name === 'label')!.values)).toEqual([1, 2, 2, 3, 3, 3]);
    // second triangle of the quad: corners 3, 5, 6
    expect(Array.from(mesh!.cornerUvs!.subarray(12, 18))).toEqual(
      [3 / 16, 3 / 16, 5 / 16, 5 / 16, 6 / 16, 6 / 16].map(Math.fround), // written v-up as 1 - k/16, read back v-down
    );
    expect(mesh!.faceTexture).toBeNull(); // no TextureFile comment
    expect(labels).toEqual([
      { name: 'class', attribute: 'class', target: 'points' },
      { name: 'label', attribute: 'label', target: 'faces' },
    ]);
  });

  it('decodes triangle strips with -1 restarts, alternating winding and dropped degenerates', async () => {
    const vertices: PlyElementSpec = {
      name: 'vertex',
      properties: ['x', 'y', 'z'].map((name) => ({ name, type: 'float' as const })),
      records: Array.from({ length: 9 }, (_, i) => [i, i * i, 1]),
    };
    const strips: PlyElementSpec = {
      name: 'tristrips',
      properties: [{ name: 'vertex_indices', type: 'int', list: 'int' }],
      records: [[[0, 1, 2, 3, -1, 4, 5, 6, 7, 7, 8]]],
    };
    for (const enc of encodings) {
      const { info, mesh } = await readFixture(tmp.write(`strips-${enc}.ply`, writePly(enc, [vertices, strips])));
      // strip 2: (4,5,6) (6,5,7) then (6,7,7) and (7,7,8) are degenerate
      expect(Array.from(mesh!.indices)).toEqual([0, 1, 2, 2, 1, 3, 4, 5, 6, 6, 5, 7]);
      expect(info.faceCount).toBe(4);
    }
  });

  it('reads elements in any order, with unknown extra elements skipped', async () => {
    const extra: PlyElementSpec = {
      name: 'camera',
      properties: [
        { name: 'view_px', type: 'float' },
        { name: 'tags', type: 'uchar', list: 'int' },
      ],
      records: [
        [1.5, [1, 2, 3]],
        [2.5, []],
      ],
    };
    for (const enc of encodings) {
      const { info, chunks, mesh } = await readFixture(
        tmp.write(`order-${enc}.ply`, writePly(enc, [extra, faceElement(), vertexElement()])),
      );
      expect(info.pointCount).toBe(40);
      expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(40);
      expect(mesh!.indices.length).toBe(18);
    }
  });
});

describe('PLY bad input: BadInputError with file name and position', () => {
  const good = writePly('binary_little_endian', [vertexElement(), faceElement()]);
  const headerLength = plyHeader('binary_little_endian', [vertexElement(), faceElement()]).length;

  it('wrong magic, missing end_header, unknown types, bad format line', async () => {
    await expectBadInput(tmp.write('magic.ply', `plx\n${Buffer.from(good).toString('latin1').slice(4)}`), 'magic.ply', 'byte 0');
    await expectBadInput(tmp.write('noend.ply', 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\n0\n'), 'end_header');
    await expectBadInput(
      tmp.write('type.ply', 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float128 x\nend_header\n0\n'),
      'line 4',
      'float128',
    );
    await expectBadInput(
      tmp.write('listtype.ply', 'ply\nformat ascii 1.0\nelement face 1\nproperty list float int vertex_indices\nend_header\n'),
      'line 4',
    );
    await expectBadInput(tmp.write('format.ply', 'ply\nformat binary_middle_endian 1.0\nend_header\n'), 'line 2');
    await expectBadInput(tmp.write('novertex.ply', 'ply\nformat ascii 1.0\nelement point 1\nproperty float x\nend_header\n1\n'), 'vertex');
  });

  it('a texture that is not a decodable image names the texture file', async () => {
    tmp.write('broken.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const file = tmp.write('textured.ply', writePly('ascii', [vertexElement(), faceElement()], ['TextureFile broken.jpg']));
    await expectBadInput(file, 'broken.jpg', 'JPEG');
  });

  it('cancellation: an aborted signal stops chunk streaming', async () => {
    const reader = await plyFormat.open(tmp.write('abort.ply', writePly('binary_little_endian', [vertexElement()])));
    try {
      const controller = new AbortController();
      controller.abort();
      const err = await (async () => {
        for await (const _ of reader.chunks({ chunkPoints: 8, signal: controller.signal }));
      })().catch((e: unknown) => e);
      expect((err as Error).name).toBe('AbortError');
    } finally {
      await reader.close();
    }
  });

  it('element counts larger than the file can hold are rejected before reading', async () => {
    const lying = { ...vertexElement(), count: 2_000_000_000 };
    const bin = await expectBadInput(tmp.write('lying.ply', writePly('binary_little_endian', [lying])), '2000000000');
    expect(bin.location?.byte).toBe(plyHeader('binary_little_endian', [lying]).length);
    await expectBadInput(tmp.write('lying.txt.ply', writePly('ascii', [lying])), 'declares 2000000000');
  });

  it('truncation anywhere in the body is a BadInputError with a byte offset', async () => {
    for (const cut of [headerLength + 1, headerLength + 100, headerLength + 41 * 40, good.length - 50, good.length - 1]) {
      const err = await expectBadInput(tmp.write(`cut-${cut}.ply`, good.subarray(0, cut)), `cut-${cut}.ply`);
      expect(err.location?.byte).toBeGreaterThanOrEqual(headerLength);
    }
  });

  it('a list count running past the end of the file', async () => {
    const bytes = Buffer.from(good);
    // last face: the pentagon's texcoord count byte sits right after its 5 int indices
    const faceStart = bytes.length - (1 + 5 * 4 + 1 + 10 * 4 + 4 + 4);
    bytes[faceStart] = 200;
    await expectBadInput(tmp.write('listrun.ply', bytes), 'face', 'past the end');
  });

  it('ascii: non-numeric tokens, short lines and out-of-range integers name the line', async () => {
    const text = Buffer.from(writePly('ascii', [vertexElement(), faceElement()])).toString('latin1');
    const lines = text.split('\n');
    const first = lines.indexOf('end_header') + 1; // 0-based index of the first vertex line
    const edit = (i: number, line: string) => lines.map((l, k) => (k === i ? line : l)).join('\n');
    await expectBadInput(
      tmp.write('nan-token.ply', edit(first + 3, lines[first + 3]!.replace(/^\S+/, 'abc'))),
      `line ${first + 4}`,
      '"abc"',
    );
    await expectBadInput(tmp.write('short.ply', edit(first, '1 2 3')), `line ${first + 1}`);
    await expectBadInput(
      tmp.write('range.ply', edit(first, lines[first]!.replace(/^(\S+ \S+ \S+) \S+/, '$1 300'))),
      `line ${first + 1}`,
      'uint8',
    );
    await expectBadInput(
      tmp.write('nan.ply', edit(first + 2, lines[first + 2]!.replace(/^\S+/, 'nan'))),
      `line ${first + 3}`,
      'non-finite',
    );
    await expectBadInput(tmp.write('trunc.ply', lines.slice(0, first + 30).join('\n')), 'file ends after 30 of 40', `line ${first + 31}`);
  });

  it('binary: NaN and infinite coordinates, and face indices out of range', async () => {
    const v = vertexElement();
    v.records[5]![1] = NaN;
    await expectBadInput(tmp.write('nanbin.ply', writePly('binary_big_endian', [v])), 'vertex 5', 'non-finite');
    v.records[5]![1] = Infinity;
    await expectBadInput(tmp.write('infbin.ply', writePly('binary_little_endian', [v])), 'non-finite');
    const f = faceElement();
    f.records[1]![0] = [3, 4, 5, 40];
    await expectBadInput(tmp.write('index.ply', writePly('binary_little_endian', [vertexElement(), f])), 'vertex index 40');
  });
});
