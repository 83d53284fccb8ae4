import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import type { LasSourceDetails } from '../../../electron/services/scans/formats/las';
import type { PointChunk } from '../../../electron/services/scans/formats/types';
import { attribute } from '../../../electron/services/scans/model';
import { openScan, readScan } from '../../../electron/services/scans/read';
import { concat, extraBytesDescriptor, samplePoint, writeLas, type FixturePoint } from './las-fixture';

const dir = mkdtempSync(path.join(tmpdir(), 'scanlabel-las-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function fixture(bytes: Uint8Array, ext = '.las'): string {
  const p = path.join(dir, `f${n++}${ext}`);
  writeFileSync(p, bytes);
  return p;
}

const values = (scan: Awaited<ReturnType<typeof readScan>>, name: string) => {
  const a = attribute(scan, name);
  if (!a) throw new Error(`no attribute ${name}`);
  return Array.from(a.values as ArrayLike<number>);
};

// Natural version/format pairs (formats 2-3 arrived in 1.2, 4-5 in 1.3, 6-10 in 1.4), plus old formats in 1.4.
const CASES: [number, number][] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [2, 2],
  [2, 3],
  [3, 4],
  [3, 5],
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((pf): [number, number] => [4, pf]),
];

describe('LAS point data record formats 0-10 in LAS 1.0-1.4', () => {
  for (const [minor, pf] of CASES) {
    it(`LAS 1.${minor} PDRF ${pf}: every field decodes as written`, async () => {
      const extended = pf >= 6;
      const points: FixturePoint[] = Array.from({ length: 37 }, (_, i) => samplePoint(i, extended));
      const file = fixture(writeLas({ minor, pointFormat: pf, points, padding: 5 }));
      const scan = await readScan(file);
      expect(scan.format).toBe('las');
      expect(scan.pointCount).toBe(37);
      const src = scan.source as LasSourceDetails;
      expect(src.version).toEqual({ major: 1, minor });
      expect(src.pointFormat).toBe(pf);
      expect(src.bytesAfterVlrs.length).toBe(5);
      expect(src.wavePacketsSkipped).toBe([4, 5, 9, 10].includes(pf));

      const names = scan.attributes.map((a) => a.name);
      const expected = [
        'intensity',
        'return_number',
        'number_of_returns',
        'scan_direction_flag',
        'edge_of_flight_line',
        'classification',
        'classification_flags',
        ...(extended ? ['scanner_channel'] : []),
        'scan_angle',
        'user_data',
        'point_source_id',
        ...([1, 3, 4, 5, 6, 7, 8, 9, 10].includes(pf) ? ['gps_time'] : []),
        ...([2, 3, 5, 7, 8, 10].includes(pf) ? ['color'] : []),
        ...([8, 10].includes(pf) ? ['nir'] : []),
      ];
      expect(names).toEqual(expected);
      expect(attribute(scan, 'scan_angle')!.type).toBe('int16');
      expect(attribute(scan, 'classification')!.type).toBe('uint8');

      const field = (k: keyof FixturePoint) => points.map((p) => p[k] as number);
      expect(values(scan, 'intensity')).toEqual(field('intensity'));
      expect(values(scan, 'return_number')).toEqual(field('returnNumber'));
      expect(values(scan, 'number_of_returns')).toEqual(field('numberOfReturns'));
      expect(values(scan, 'scan_direction_flag')).toEqual(field('scanDirection'));
      expect(values(scan, 'edge_of_flight_line')).toEqual(field('edge'));
      expect(values(scan, 'classification')).toEqual(field('classification'));
      expect(values(scan, 'classification_flags')).toEqual(field('classFlags'));
      if (extended) expect(values(scan, 'scanner_channel')).toEqual(field('scannerChannel'));
      expect(values(scan, 'scan_angle')).toEqual(field('scanAngle'));
      expect(values(scan, 'user_data')).toEqual(field('userData'));
      expect(values(scan, 'point_source_id')).toEqual(field('pointSourceId'));
      if (names.includes('gps_time')) expect(values(scan, 'gps_time')).toEqual(field('gpsTime'));
      if (names.includes('color')) expect(values(scan, 'color')).toEqual(points.flatMap((p) => p.rgb));
      if (names.includes('nir')) expect(values(scan, 'nir')).toEqual(field('nir'));

      // Positions recover the stored integers exactly.
      const ints = (k: number) =>
        Array.from({ length: 37 }, (_, i) => src.originSteps[k]! + Math.round(scan.positions[3 * i + k]! / src.scale[k]!));
      expect(ints(0)).toEqual(field('x'));
      expect(ints(1)).toEqual(field('y'));
      expect(ints(2)).toEqual(field('z'));
      for (let k = 0; k < 3; k++) expect(scan.origin[k]).toBeCloseTo(src.offset[k]! + src.originSteps[k]! * src.scale[k]!, 9);
      expect(scan.labelLayers).toHaveLength(1);
      expect(scan.labelLayers[0]).toMatchObject({
        name: 'classification',
        kind: 'imported',
        attribute: 'classification',
        target: 'points',
      });
      expect(Array.from(scan.labelLayers[0]!.values)).toEqual(field('classification'));
    });
  }
});

describe('extra bytes', () => {
  it('decodes typed, named fields; honours scale/offset; keeps raw types; keeps undescribed bytes', async () => {
    // a: uint8, b: int16 scaled 0.1 + 5, c: float64, v: int32[3] (type 26), big: uint64, raw2: 2 undocumented bytes, then 1 undescribed byte.
    const descriptors = concat(
      extraBytesDescriptor({ name: 'a', dataType: 1 }),
      extraBytesDescriptor({ name: 'b', dataType: 4, options: 8 | 16, scale: 0.1, offset: 5, description: 'scaled' }),
      extraBytesDescriptor({ name: 'c', dataType: 10 }),
      extraBytesDescriptor({ name: 'v', dataType: 26 }),
      extraBytesDescriptor({ name: 'big', dataType: 7 }),
      extraBytesDescriptor({ name: 'raw2', dataType: 0, options: 2 }),
      extraBytesDescriptor({ name: 'intensity', dataType: 1 }),
    );
    const size = 1 + 2 + 8 + 12 + 8 + 2 + 1 + 1;
    const points = Array.from({ length: 9 }, (_, i) => {
      const extra = new Uint8Array(size);
      const dv = new DataView(extra.buffer);
      dv.setUint8(0, 200 + i);
      dv.setInt16(1, -300 + i, true);
      dv.setFloat64(3, Math.PI * i, true);
      for (let k = 0; k < 3; k++) dv.setInt32(11 + 4 * k, -1e9 + i * 1000 + k, true);
      dv.setBigUint64(23, 2n ** 40n + BigInt(i), true);
      extra[31] = i;
      extra[32] = 255 - i;
      extra[33] = 7 * i; // second 'intensity' (renamed intensity_2)
      extra[34] = 0xab; // undescribed
      return samplePoint(i, true, extra);
    });
    const file = fixture(writeLas({ minor: 4, pointFormat: 6, points, vlrs: [{ userId: 'LASF_Spec', recordId: 4, data: descriptors }] }));
    const scan = await readScan(file);
    const info = scan.attributes.map((a) => `${a.name}:${a.type}x${a.components}`);
    expect(info.slice(-8)).toEqual([
      'a:uint8x1',
      'b:float64x1',
      'c:float64x1',
      'v:int32x3',
      'big:float64x1',
      'raw2:uint8x2',
      'intensity_2:uint8x1',
      'undescribed_extra_bytes:uint8x1',
    ]);
    expect(values(scan, 'a')).toEqual(points.map((_, i) => 200 + i));
    values(scan, 'b').forEach((v, i) => expect(v).toBeCloseTo((-300 + i) * 0.1 + 5, 12));
    expect(values(scan, 'c')).toEqual(points.map((_, i) => Math.PI * i));
    expect(values(scan, 'v')).toEqual(points.flatMap((_, i) => [0, 1, 2].map((k) => -1e9 + i * 1000 + k)));
    expect(values(scan, 'big')).toEqual(points.map((_, i) => 2 ** 40 + i));
    expect(values(scan, 'raw2')).toEqual(points.flatMap((_, i) => [i, 255 - i]));
    expect(values(scan, 'intensity_2')).toEqual(points.map((_, i) => 7 * i));
    expect(values(scan, 'undescribed_extra_bytes')).toEqual(points.map(() => 0xab));
    const src = scan.source as LasSourceDetails;
    expect(src.extraBytes.map((d) => [d.name, d.rawType, d.recordOffset])).toEqual([
      ['a', 'uint8', 30],
      ['b', 'int16', 31],
      ['c', 'float64', 33],
      ['v', 'int32', 41],
      ['big', 'uint64', 53],
      ['raw2', null, 61],
      ['intensity_2', 'uint8', 63],
    ]);
    expect(src.extraBytes[1]).toMatchObject({ scale: [0.1], offset: [5], description: 'scaled' });
    expect(src.extraBytes[0]!.raw).toEqual(descriptors.subarray(0, 192));
  });

  it('rejects descriptors that do not fit the record', async () => {
    const points = [samplePoint(0, true, new Uint8Array(1))];
    const file = fixture(
      writeLas({
        minor: 4,
        pointFormat: 6,
        points,
        vlrs: [{ userId: 'LASF_Spec', recordId: 4, data: extraBytesDescriptor({ name: 'wide', dataType: 10 }) }],
      }),
    );
    await expect(openScan(file)).rejects.toThrow(/extra bytes field "wide" needs bytes 30-38 of each record but records are 31 bytes/);
  });
});

describe('streaming', () => {
  const points = Array.from({ length: 37 }, (_, i) => samplePoint(i, false));
  const file = () => fixture(writeLas({ minor: 2, pointFormat: 3, points }));

  it('yields chunks of at most chunkPoints in file order', async () => {
    const reader = await openScan(file());
    const chunks: PointChunk[] = [];
    for await (const c of reader.chunks({ chunkPoints: 10 })) chunks.push(c);
    await reader.close();
    expect(chunks.map((c) => [c.start, c.count])).toEqual([
      [0, 10],
      [10, 10],
      [20, 10],
      [30, 7],
    ]);
    expect(chunks.every((c) => c.positions.length === 3 * c.count)).toBe(true);
    const cls = chunks.flatMap((c) => Array.from(c.attributes.find((a) => a.name === 'classification')!.values));
    expect(cls).toEqual(points.map((p) => p.classification));
  });

  it('stops when the AbortSignal fires', async () => {
    const reader = await openScan(file());
    const ctl = new AbortController();
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const c of reader.chunks({ chunkPoints: 10, signal: ctl.signal })) {
          seen.push(c.start);
          ctl.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    await reader.close();
    expect(seen).toEqual([0]);
  });

  it('reads a file with zero points as an empty scan', async () => {
    const scan = await readScan(fixture(writeLas({ minor: 4, pointFormat: 7, points: [] })));
    expect(scan.pointCount).toBe(0);
    expect(scan.positions.length).toBe(0);
    expect(scan.labelLayers[0]!.values.length).toBe(0);
  });
});

describe('EVLRs and CRS', () => {
  it('reads EVLRs (LAS 1.4), keeps their bytes and takes the CRS from an EVLR WKT', async () => {
    const wkt = 'PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],AUTHORITY["EPSG","32633"]]\0';
    const data = new TextEncoder().encode(wkt);
    const file = fixture(
      writeLas({
        minor: 4,
        pointFormat: 6,
        points: [samplePoint(0, true)],
        evlrs: [{ userId: 'LASF_Projection', recordId: 2112, data, description: 'wkt' }],
      }),
    );
    const reader = await openScan(file);
    await reader.close();
    expect(reader.info.crs).toBe('EPSG:32633');
    const src = reader.info.source as LasSourceDetails;
    expect(src.evlrs).toHaveLength(1);
    expect(src.evlrs[0]).toMatchObject({ userId: 'LASF_Projection', recordId: 2112, description: 'wkt', length: 60 + data.length });
    expect(src.evlrs[0]!.bytes!.subarray(60)).toEqual(data);
  });

  it('rejects an EVLR that runs past the end of the file', async () => {
    const bytes = writeLas({
      minor: 4,
      pointFormat: 6,
      points: [samplePoint(0, true)],
      evlrs: [{ userId: 'x', recordId: 1, data: new Uint8Array(10) }],
    });
    const evlrAt = Number(new DataView(bytes.buffer).getBigUint64(235, true));
    new DataView(bytes.buffer).setBigUint64(evlrAt + 20, 1000n, true);
    const err = await openScan(fixture(bytes)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(/EVLR 0 claims 1000 bytes of data/);
  });
});
