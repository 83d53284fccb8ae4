import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../electron/services/errors';
import { xyzFormat } from '../../../../electron/services/scans/formats/xyz';
import type { OpenOptions, PointChunk, ScanInfo, ScanReader } from '../../../../electron/services/scans/formats/types';
import { openScan } from '../../../../electron/services/scans/read';
import { dataDir, manifestRows } from '../manifestRows';
import { tempDir } from '../tempFiles';

const tmp = tempDir('xyz');

async function readXyz(
  file: string,
  options?: OpenOptions,
): Promise<{ info: ScanInfo; chunks: PointChunk[]; labels: ReturnType<ScanReader['labelAttributes']> }> {
  const r = await xyzFormat.open(file, options);
  try {
    const chunks: PointChunk[] = [];
    for await (const c of r.chunks({ chunkPoints: 128 })) chunks.push(c);
    return { info: r.info, chunks, labels: r.labelAttributes() };
  } finally {
    await r.close();
  }
}

const column = (chunks: PointChunk[], name: string): number[] =>
  chunks.flatMap((c) => Array.from(c.attributes.find((a) => a.name === name)!.values));

/** File coordinates back from origin + float32 offsets. */
const coordinates = (info: ScanInfo, chunks: PointChunk[]): number[][] =>
  chunks.flatMap((c) => Array.from({ length: c.count }, (_, i) => [0, 1, 2].map((k) => info.origin[k]! + c.positions[i * 3 + k]!)));

async function expectBadInput(file: string, options: OpenOptions | undefined, ...fragments: string[]): Promise<void> {
  const err = await readXyz(file, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `${file} should be rejected`).toBeInstanceOf(BadInputError);
  for (const f of fragments) expect((err as Error).message).toContain(f);
}

describe('XYZ: the shared data manifest', () => {
  const rows = manifestRows(['.xyz', '.txt', '.csv']);

  it('finds the XYZ rows', () => {
    expect(rows.map((r) => r.file)).toEqual(['formats/xyz/data.xyz']);
  });

  for (const row of rows) {
    it(`${row.file}: ${row.points} points, same coordinates as a plain split of the lines`, async () => {
      const file = path.join(dataDir, row.file);
      const { info, chunks } = await readXyz(file);
      expect(info.pointCount).toBe(row.points);
      expect(info.details).toMatchObject({ delimiter: 'space', columns: 3, header: false });
      const expected = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/).map(Number));
      expect(expected).toHaveLength(row.points);
      expect(coordinates(info, chunks)).toEqual(expected);
      expect(info.boundsMin).toEqual([0, 1, 2].map((k) => Math.min(...expected.map((p) => p[k]!))));
    });
  }

  it('opens through openScan by extension (no magic)', async () => {
    const r = await openScan(path.join(dataDir, 'formats/xyz/data.xyz'));
    expect(r.info.format).toBe('xyz');
    await r.close();
  });
});

describe('XYZ fixtures: delimiters, headers, column roles', () => {
  it('comma CSV with a header row: colour, intensity, class, normals by name; label layer reported', async () => {
    const file = tmp.write(
      'a.csv',
      'X,Y,Z,Red,Green,Blue,Intensity,Classification,nx,ny,nz,gps_time\n1,2,3,255,0,10,500,2,0,0,1,1000.5\n4,5,6,0,128,7,65535,6,0,1,0,1001.25\n',
    );
    const { info, chunks, labels } = await readXyz(file);
    expect(info.details).toMatchObject({ delimiter: 'comma', header: true, columns: 12 });
    expect(info.attributes).toEqual([
      { name: 'color', type: 'uint8', components: 3 },
      { name: 'normal', type: 'float32', components: 3 },
      { name: 'intensity', type: 'uint16', components: 1 },
      { name: 'classification', type: 'uint16', components: 1 },
      { name: 'gps_time', type: 'float64', components: 1 },
    ]);
    expect(column(chunks, 'color')).toEqual([255, 0, 10, 0, 128, 7]);
    expect(column(chunks, 'normal')).toEqual([0, 0, 1, 0, 1, 0]);
    expect(column(chunks, 'classification')).toEqual([2, 6]);
    expect(column(chunks, 'gps_time')).toEqual([1000.5, 1001.25]);
    expect(labels).toEqual([{ name: 'classification', attribute: 'classification', target: 'points' }]);
  });

  it('semicolon with decimal commas, CRLF, BOM, comments (# and //) and blank lines', async () => {
    const file = tmp.write('b.txt', '\uFEFF# exported\r\nx;y;z;i\r\n// unit: m\r\n1,5;2,5;3,5;0,25\r\n\r\n4;5;6;1\r\n');
    const { info, chunks } = await readXyz(file);
    expect(info.details).toMatchObject({ delimiter: 'semicolon', decimalComma: true, header: true });
    expect(coordinates(info, chunks)).toEqual([
      [1.5, 2.5, 3.5],
      [4, 5, 6],
    ]);
    expect(column(chunks, 'intensity')).toEqual([0.25, 1]);
  });

  it('numeric-only tab separated x y z i r g b, and a CloudCompare "//X Y Z R G B" comment header', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => [i, -i, i / 4, i * 10, i % 256, 255 - (i % 256), 3].join('\t'));
    const { info, chunks } = await readXyz(tmp.write('c.xyz', `${rows.join('\n')}\n`));
    expect(info.details).toMatchObject({ delimiter: 'tab', header: false, columns: 7 });
    expect(info.attributes.map((a) => `${a.name}:${a.type}x${a.components}`)).toEqual(['color:uint8x3', 'intensity:uint16x1']);
    expect(chunks.map((c) => c.count)).toEqual([128, 128, 44]);
    expect(column(chunks, 'color').slice(3, 6)).toEqual([1, 254, 3]);

    const cc = await readXyz(tmp.write('cc.txt', '//X Y Z R G B\n1 2 3 0.5 1 0\n4 5 6 0 0.25 1\n'));
    expect(cc.info.details.columnNames).toBe('X Y Z R G B');
    expect(column(cc.chunks, 'color')).toEqual([128, 255, 0, 0, 64, 255]); // 0..1 floats scaled to bytes
  });

  it('explicit column mapping and delimiter options (other columns may hold text)', async () => {
    const file = tmp.write('d.txt', 'id|east|north|height|cls\npt1|10|20|30|7\npt2|11|21|31|8\n'.replace(/\|/g, ' '));
    const { info, chunks, labels } = await readXyz(file, { columns: { x: 1, y: 2, z: 3, label: 4 }, delimiter: 'space' });
    expect(coordinates(info, chunks)).toEqual([
      [10, 20, 30],
      [11, 21, 31],
    ]);
    expect(column(chunks, 'classification')).toEqual([7, 8]);
    expect(labels.map((l) => l.name)).toEqual(['classification']);
    await expectBadInput(file, { columns: { x: 1, y: 2, z: 9 } }, 'column 9');
    await expectBadInput(file, { columns: { x: 1, y: 2 } }, 'no "z"');
  });

  it('large coordinates keep precision through the origin', async () => {
    const { info, chunks } = await readXyz(tmp.write('utm.xyz', '512345.678 5403210.125 250.5\n512346.001 5403211.5 251\n'));
    const got = coordinates(info, chunks);
    expect(Math.abs(got[0]![0]! - 512345.678)).toBeLessThan(1e-4);
    expect(Math.abs(got[1]![1]! - 5403211.5)).toBeLessThan(1e-4);
  });
});

describe('XYZ bad input: line number and the offending text', () => {
  it('non-numeric values, wrong column counts, non-finite coordinates, no data', async () => {
    await expectBadInput(tmp.write('e1.xyz', '1 2 3\n4 5 x7\n'), undefined, 'e1.xyz', 'line 2', '"4 5 x7"');
    await expectBadInput(tmp.write('e2.xyz', '1 2 3\n4 5\n'), undefined, 'line 2', 'expected 3 columns', '"4 5"');
    await expectBadInput(tmp.write('e3.csv', 'x,y,z\n1,2,3\n1,inf,3\n'), undefined, 'line 3', 'non-finite', '"1,inf,3"');
    await expectBadInput(tmp.write('e4.xyz', '1 2 nan\n'), undefined, 'line 1', 'non-finite');
    await expectBadInput(tmp.write('e5.xyz', '# only a comment\n\n'), undefined, 'no data lines');
    await expectBadInput(tmp.write('e6.csv', 'x,y\n1,2\n'), undefined, 'line 1');
    await expectBadInput(tmp.write('e7.csv', 'x,y,z,w\n1,2,3\n'), undefined, 'line 2', 'header names 4 columns');
    await expectBadInput(tmp.write('e8.xyz', `1 2 3\n${'9'.repeat(2 << 20)}\n`), undefined, 'longer than');
  });
});
