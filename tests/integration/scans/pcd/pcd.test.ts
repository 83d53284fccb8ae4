import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../electron/services/errors';
import { pcdFormat } from '../../../../electron/services/scans/formats/pcd';
import { lzfDecompress } from '../../../../electron/services/scans/formats/pcd/lzf';
import type { PointChunk, ScanInfo, ScanReader } from '../../../../electron/services/scans/formats/types';
import { openScan } from '../../../../electron/services/scans/read';
import { dataDir, manifestRows } from '../manifestRows';
import { tempDir } from '../tempFiles';
import { lzfCompress, pcdHeader, writePcd } from './pcdWriter';
import type { PcdData, PcdSpec } from './pcdWriter';

const tmp = tempDir('pcd');

async function readPcd(
  file: string,
  chunkPoints = 1000,
): Promise<{ info: ScanInfo; chunks: PointChunk[]; labels: ReturnType<ScanReader['labelAttributes']> }> {
  const r = await pcdFormat.open(file);
  try {
    const chunks: PointChunk[] = [];
    for await (const c of r.chunks({ chunkPoints })) chunks.push(c);
    return { info: r.info, chunks, labels: r.labelAttributes() };
  } finally {
    await r.close();
  }
}

function column(chunks: PointChunk[], name: string): number[] {
  return chunks.flatMap((c) => Array.from(c.attributes.find((a) => a.name === name)!.values));
}

async function expectBadInput(file: string, ...fragments: string[]): Promise<BadInputError> {
  const err = await readPcd(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `${file} should be rejected`).toBeInstanceOf(BadInputError);
  for (const f of fragments) expect((err as Error).message).toContain(f);
  return err as BadInputError;
}

const rows = manifestRows(['.pcd']);

describe('PCD: every PCD in the shared data manifest', () => {
  it('finds 34 PCD files in the manifest', () => {
    expect(rows).toHaveLength(34);
  });

  for (const row of rows) {
    it(`${row.file}: ${row.points} points, ${row.format}`, async () => {
      const { info, chunks } = await readPcd(path.join(dataDir, row.file), 20_000);
      expect(info.details.filePoints).toBe(row.points);
      expect(info.pointCount + Number(info.details.invalidPoints ?? 0)).toBe(row.points);
      expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(info.pointCount);
      expect(`PCD ${info.details.data}`).toBe(row.format);
      const fields = row.attributes
        .split(' - ')[0]!
        .split(',')
        .map((s) => s.trim());
      expect(fields.slice(0, 3)).toEqual(['x', 'y', 'z']);
      if (fields.includes('rgb')) expect(info.attributes[0]).toEqual({ name: 'color', type: 'uint8', components: 3 });
      // the derived ground/object labels are one byte per point in file order
      const derived = row.file.replace(/^isprs-filtertest\/(samp\d+-utm)\.pcd$/, 'isprs-filtertest/derived/$1.ground.u8');
      if (derived !== row.file) expect(statSync(path.join(dataDir, derived)).size).toBe(info.pointCount);
    });
  }

  it('office1.pcd: organized 640x480, NaN holes dropped and counted, index maps back to the grid', async () => {
    const { info, chunks } = await readPcd(path.join(dataDir, 'formats/pcd/office1.pcd'), 100_000);
    expect(info.details).toMatchObject({ data: 'binary_compressed', width: 640, height: 480, organized: true, filePoints: 307200 });
    // counted independently with numpy from the same LZF stream
    expect(info.details.invalidPoints).toBe(52744);
    expect(info.pointCount).toBe(254456);
    expect(info.attributes).toEqual([
      { name: 'color', type: 'uint8', components: 3 },
      { name: 'index', type: 'uint32', components: 1 },
    ]);
    const index = column(chunks, 'index');
    expect(index[0]).toBe(8979);
    expect(index.every((v, i) => i === 0 || v > index[i - 1]!)).toBe(true);
    expect(index[index.length - 1]).toBeLessThan(307200);
    expect(column(chunks, 'color').slice(0, 3)).toEqual([166, 157, 147]);
  });

  it('simple-ascii.pcd: rgb written as an integer in text becomes 8-bit colour', async () => {
    const { chunks } = await readPcd(path.join(dataDir, 'formats/pcd/simple-ascii.pcd'));
    // first line "0.93773 0.33763 0 4.2108e+06": 4210800 = 0x404070
    expect(column(chunks, 'color').slice(0, 3)).toEqual([0x40, 0x40, 0x70]);
  });

  it('opens through openScan (sniffed by the "# .PCD" header)', async () => {
    const r = await openScan(path.join(dataDir, 'formats/pcd/min_cut_segmentation_tutorial.pcd'));
    expect(r.info.format).toBe('pcd');
    expect(r.info.pointCount).toBe(9311);
    await r.close();
  });
});

/** Every kind of field: packed rgb, label, intensity, normals, multi-count, 8/16-bit ints, doubles. */
function richCloud(n: number, padding: boolean): PcdSpec {
  const fields: PcdSpec['fields'] = [
    { name: 'x', type: 'F', size: 4 },
    { name: 'y', type: 'F', size: 4 },
    { name: 'z', type: 'F', size: 4 },
    { name: 'rgb', type: 'U', size: 4 },
    { name: 'intensity', type: 'F', size: 4 },
    { name: 'label', type: 'U', size: 4 },
    { name: 'normal_x', type: 'F', size: 4 },
    { name: 'normal_y', type: 'F', size: 4 },
    { name: 'normal_z', type: 'F', size: 4 },
    { name: 'histogram', type: 'U', size: 2, count: 3 },
    { name: 'ring', type: 'I', size: 1 },
    { name: 'time', type: 'F', size: 8 },
  ];
  if (padding) fields.splice(3, 0, { name: '_', type: 'U', size: 1, count: 4 });
  const points = Array.from({ length: n }, (_, i) => [
    i * 0.5,
    100 - i,
    (i % 13) * 0.25,
    ...(padding ? [0, 0, 0, 0] : []),
    ((i * 7) % 256) * 65536 + ((i * 3) % 256) * 256 + (i % 256),
    i * 1.5,
    i % 4,
    1,
    0,
    0,
    i,
    i * 2,
    65535 - i,
    (i % 256) - 128,
    1.7e9 + i * 0.001,
  ]);
  return { fields, points };
}

describe('PCD fixtures', () => {
  it('ascii, binary and binary_compressed give identical clouds (padding fields ignored)', async () => {
    const results = [];
    for (const data of ['ascii', 'binary', 'binary_compressed'] as PcdData[]) {
      results.push(await readPcd(tmp.write(`rich-${data}.pcd`, writePcd(richCloud(3000, data !== 'ascii'), data)), 700));
    }
    const [ascii, binary, compressed] = results;
    expect(ascii!.info.attributes).toEqual([
      { name: 'color', type: 'uint8', components: 3 },
      { name: 'intensity', type: 'float32', components: 1 },
      { name: 'label', type: 'uint32', components: 1 },
      { name: 'histogram', type: 'uint16', components: 3 },
      { name: 'ring', type: 'int8', components: 1 },
      { name: 'time', type: 'float64', components: 1 },
      { name: 'normal', type: 'float32', components: 3 },
    ]);
    expect(ascii!.labels).toEqual([{ name: 'label', attribute: 'label', target: 'points' }]);
    for (const other of [binary!, compressed!]) {
      expect(other.info.attributes).toEqual(ascii!.info.attributes);
      expect(other.info.boundsMin).toEqual(ascii!.info.boundsMin);
      expect(other.chunks).toEqual(ascii!.chunks);
    }
    expect(column(compressed!.chunks, 'color').slice(3, 6)).toEqual([7, 3, 1]);
    expect(column(compressed!.chunks, 'histogram').slice(3, 6)).toEqual([1, 2, 65534]);
    expect(column(compressed!.chunks, 'time')[2]).toBe(1.7e9 + 0.002);
  });

  it('packed float rgb (PCL PointXYZRGB) decodes from the float bits', async () => {
    const bits = new DataView(new ArrayBuffer(4));
    bits.setUint32(0, 0x00ff8010, true);
    const asFloat = bits.getFloat32(0, true);
    const spec: PcdSpec = {
      fields: [
        { name: 'x', type: 'F', size: 4 },
        { name: 'y', type: 'F', size: 4 },
        { name: 'z', type: 'F', size: 4 },
        { name: 'rgb', type: 'F', size: 4 },
      ],
      points: [[1, 2, 3, asFloat]],
    };
    for (const data of ['binary', 'binary_compressed'] as PcdData[]) {
      const { chunks } = await readPcd(tmp.write(`rgbf-${data}.pcd`, writePcd(spec, data)));
      expect(column(chunks, 'color')).toEqual([0xff, 0x80, 0x10]);
    }
  });

  it('organized clouds drop NaN points and keep the grid index; unorganized NaN is an error', async () => {
    const xyz = [
      { name: 'x', type: 'F', size: 4 },
      { name: 'y', type: 'F', size: 4 },
      { name: 'z', type: 'F', size: 4 },
    ] as PcdSpec['fields'];
    const points = Array.from({ length: 12 }, (_, i) => (i % 5 === 1 ? [NaN, NaN, NaN] : [i, 0, 1]));
    for (const data of ['ascii', 'binary', 'binary_compressed'] as PcdData[]) {
      const { info, chunks } = await readPcd(tmp.write(`org-${data}.pcd`, writePcd({ fields: xyz, points, width: 4, height: 3 }, data)));
      expect(info.details).toMatchObject({ width: 4, height: 3, organized: true, filePoints: 12, invalidPoints: 3 });
      expect(info.pointCount).toBe(9);
      expect(column(chunks, 'index')).toEqual([0, 2, 3, 4, 5, 7, 8, 9, 10]);
      await expectBadInput(tmp.write(`unorg-${data}.pcd`, writePcd({ fields: xyz, points }, data)), 'point 1', 'non-finite', 'unorganized');
    }
  });

  it('reads version 0.5 headers (COLUMNS, no SIZE/TYPE/COUNT/WIDTH)', async () => {
    const file = tmp.write(
      'v05.pcd',
      '# .PCD v.5 - Point Cloud Data file format\nCOLUMNS x y z intensity\nPOINTS 2\nDATA ascii\n1 2 3 4\n5 6 7 8\n',
    );
    const { info, chunks } = await readPcd(file);
    expect(info.version).toBe('');
    expect(info.pointCount).toBe(2);
    expect(column(chunks, 'intensity')).toEqual([4, 8]);
  });

  it('the LZF codec round-trips long runs (overlapping references) and random data', () => {
    const random = Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24);
    const runs = new Uint8Array(10_000).fill(7);
    for (const input of [random, runs, Buffer.from('abcabcabcabcabcabcxyz')]) {
      expect(Buffer.from(lzfDecompress(lzfCompress(input), input.length)).equals(Buffer.from(input))).toBe(true);
    }
  });
});

describe('PCD bad input', () => {
  const spec = richCloud(200, true);
  const binary = writePcd(spec, 'binary');
  const headerBytes = pcdHeader(spec, 'binary').length;

  it('wrong magic, bad header values, unknown types', async () => {
    await expectBadInput(tmp.write('magic.pcd', 'hello\n1 2 3\n'), 'not a PCD', 'byte 0');
    await expectBadInput(tmp.write('nodata.pcd', '# .PCD v0.7\nVERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\n'), 'DATA');
    const base = (line: string) => `# .PCD v0.7\nVERSION 0.7\nFIELDS x y z\n${line}\nWIDTH 1\nHEIGHT 1\nPOINTS 1\nDATA ascii\n1 2 3\n`;
    await expectBadInput(tmp.write('f2.pcd', base('SIZE 2 4 4\nTYPE F F F')), 'line 5', 'unsupported TYPE');
    await expectBadInput(tmp.write('x4.pcd', base('SIZE 4 4 4\nTYPE X F F')), 'unsupported TYPE X');
    await expectBadInput(tmp.write('sizes.pcd', base('SIZE 4 4\nTYPE F F F')), 'SIZE has 2 entries for 3 fields');
    await expectBadInput(
      tmp.write('pts.pcd', '# .PCD\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 3\nHEIGHT 2\nPOINTS 5\nDATA ascii\n'),
      'POINTS 5',
      'WIDTH x HEIGHT',
    );
    await expectBadInput(
      tmp.write('u1.pcd', '# .PCD\nFIELDS x y z ring\nSIZE 4 4 4 1\nTYPE F F F U\nPOINTS 1\nDATA ascii\n1 2 3 300\n'),
      'line 7',
      '"ring"',
      '0..255',
    );
    await expectBadInput(tmp.write('noxyz.pcd', '# .PCD\nFIELDS x y\nSIZE 4 4\nTYPE F F\nPOINTS 1\nDATA ascii\n1 2\n'), '"z"');
  });

  it('lying POINTS and truncated binary data', async () => {
    await expectBadInput(
      tmp.write('lying.pcd', writePcd({ ...spec, declaredPoints: 1e9, width: 1e9 }, 'binary')),
      'declares 1000000000 points',
    );
    for (const cut of [headerBytes + 1, headerBytes + 77, binary.length - 1]) {
      const err = await expectBadInput(tmp.write(`cut${cut}.pcd`, binary.subarray(0, cut)));
      expect(err.location?.byte).toBe(headerBytes);
    }
    const ascii = Buffer.from(writePcd(spec, 'ascii')).toString('latin1').split('\n');
    await expectBadInput(tmp.write('cut.txt.pcd', ascii.slice(0, ascii.length - 60).join('\n')), 'file ends after 141 of 200');
    ascii[20] = ascii[20]!.replace(/^\S+/, 'oops');
    await expectBadInput(tmp.write('token.pcd', ascii.join('\n')), 'line 21', 'point 9', '"oops"');
  });

  it('binary_compressed: lying sizes and corrupt LZF streams', async () => {
    const good = Buffer.from(writePcd(spec, 'binary_compressed'));
    const at = pcdHeader(spec, 'binary_compressed').length;
    const patch = (word: number, value: number) => {
      const b = Buffer.from(good);
      b.writeUInt32LE(value, at + word * 4);
      return b;
    };
    await expectBadInput(tmp.write('usize.pcd', patch(1, 0xfffffff0)), 'uncompressed size');
    await expectBadInput(tmp.write('csize.pcd', patch(0, good.length)), 'runs past the end');
    await expectBadInput(tmp.write('ccut.pcd', good.subarray(0, good.length - 10)), 'runs past the end');
    // a back reference before the start of the output
    const backref = Buffer.from(good);
    backref[at + 8] = 0xe0;
    await expectBadInput(tmp.write('backref.pcd', backref), 'corrupt LZF', 'before the start');
    // the stream ends early: the data inflates to fewer bytes than declared
    const short = Buffer.from(good);
    short.writeUInt32LE(good.length - at - 8 - 40, at);
    await expectBadInput(tmp.write('short.pcd', short.subarray(0, good.length - 40)), 'corrupt LZF');
    // a literal run longer than the remaining input (one xyz point: 12 bytes declared, 2 compressed)
    const one: PcdSpec = { fields: spec.fields.slice(0, 3), points: [[1, 2, 3]] };
    const oneHeader = Buffer.from(pcdHeader(one, 'binary_compressed'), 'latin1');
    const sizes = Buffer.alloc(8);
    sizes.writeUInt32LE(2, 0);
    sizes.writeUInt32LE(12, 4);
    await expectBadInput(tmp.write('literal.pcd', Buffer.concat([oneHeader, sizes, Buffer.from([31, 0])])), 'corrupt LZF', 'literal run');
    // the sizes themselves cut off
    await expectBadInput(tmp.write('nosizes.pcd', Buffer.concat([oneHeader, sizes.subarray(0, 5)])), 'size words');
  });
});
