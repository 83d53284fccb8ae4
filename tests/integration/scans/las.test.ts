import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLazPerf } from 'laz-perf';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import type { LasSourceDetails } from '../../../electron/services/scans/formats/las';
import { crsFromGeoKeys, crsFromWkt } from '../../../electron/services/scans/formats/las/crs';
import { decodeChunkTable, type LazChunk } from '../../../electron/services/scans/formats/las/laz-chunk-table';
import { attribute, type Scan } from '../../../electron/services/scans/model';
import { addToHistogram, classHistogram, openScan, readScan } from '../../../electron/services/scans/read';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const dataRoot = path.resolve(repoRoot, '../shared/data');
const data = (rel: string) => path.join(dataRoot, rel);

// ---------------------------------------------------------------- MANIFEST.md

interface ManifestEntry {
  file: string;
  bytes: number;
  format: string;
  points: number;
  histogram: Map<number, number> | null;
}

const num = (s: string) => Number(s.replace(/,/g, ''));

/** LAS/LAZ rows of the manifest tables, with the per-file class histograms listed under them. */
function parseManifest(): { entries: ManifestEntry[]; flandersTypes: Map<string, { instances: number; points: number }> } {
  const text = readFileSync(path.join(dataRoot, 'MANIFEST.md'), 'utf8');
  const histograms = new Map<string, Map<number, number>>();
  const flandersTypes = new Map<string, { instances: number; points: number }>();
  const entries: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    const row = /^\| `([^`]+)` \| [^|]+ \| [^|]+ \| ([\d,]+) \| ([^|]+) \| ([^|]*) \|/.exec(line);
    if (row && /^LAS \d/.test(row[3]!.trim()))
      entries.push({ file: row[1]!, bytes: num(row[2]!), format: row[3]!.trim(), points: num(row[4]!), histogram: null });
    const hist = /^- `([^`]+)` \(extent [^)]*\): (.*)$/.exec(line);
    if (hist) {
      const h = new Map<number, number>();
      for (const m of hist[2]!.matchAll(/(?:^|, )(\d+) \(.*?\): ([\d,]+) \(/g)) h.set(Number(m[1]), num(m[2]!));
      histograms.set(hist[1]!, h);
    }
    const type = /^- (Bush|Hedgerow|Tree|WoodyEdge): (\d+) instances, ([\d,]+) points/.exec(line);
    if (type) flandersTypes.set(type[1]!, { instances: Number(type[2]), points: num(type[3]!) });
  }
  for (const e of entries) e.histogram = histograms.get(e.file) ?? null;
  return { entries, flandersTypes };
}

const manifest = parseManifest();

function lasFilesOnDisk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return lasFilesOnDisk(p);
    return /\.la[sz]$/i.test(name) ? [path.relative(dataRoot, p).split(path.sep).join('/')] : [];
  });
}

async function streamHistogram(file: string, chunkPoints?: number) {
  const reader = await openScan(data(file));
  try {
    const hist = new Map<number, number>();
    let count = 0;
    let expectedStart = 0;
    for await (const c of reader.chunks(chunkPoints ? { chunkPoints } : {})) {
      expect(c.start).toBe(expectedStart);
      expectedStart += c.count;
      count += c.count;
      addToHistogram(hist, c.attributes.find((a) => a.name === 'classification')!.values);
    }
    return { info: reader.info, count, hist: new Map([...hist.entries()].sort((a, b) => a[0] - b[0])) };
  } finally {
    await reader.close();
  }
}

describe('every LAS/LAZ/COPC file listed in MANIFEST.md', () => {
  it('the manifest lists every LAS/LAZ file on disk (and nothing else)', () => {
    expect(manifest.entries.length).toBeGreaterThanOrEqual(83);
    expect(manifest.entries.map((e) => e.file).sort()).toEqual(lasFilesOnDisk(dataRoot).sort());
    // The datasets the brief names are all there (isprs-filtertest ships PCD only).
    for (const set of [
      'ign-lidarhd',
      'pdal-sample-c',
      'nebraska-3dep',
      'pdal-mvk-thin',
      'autzen',
      'lidr-extdata',
      'lasr-bcts',
      'flanders-vle',
      'pdal-warsaw-small',
      'formats/las',
    ])
      expect(manifest.entries.some((e) => e.file.startsWith(set + '/'))).toBe(true);
  });

  for (const entry of manifest.entries) {
    it(`${entry.file}: ${entry.points} points, format and class histogram as listed`, async () => {
      expect(statSync(data(entry.file)).size).toBe(entry.bytes);
      const { info, count, hist } = await streamHistogram(entry.file, 250_000);
      expect(info.pointCount).toBe(entry.points);
      expect(count).toBe(entry.points);
      const m = /^LAS (\d\.\d) PDRF (\d+)( \(LAZ\))?$/.exec(entry.format)!;
      expect(info.version).toBe(m[1]);
      expect(info.details.point_format).toBe(Number(m[2]));
      expect(info.format).toBe(m[3] ? (entry.file.endsWith('.copc.laz') ? 'copc' : 'laz') : 'las');
      if (entry.histogram) expect(hist).toEqual(new Map([...entry.histogram.entries()].sort((a, b) => a[0] - b[0])));
    });
  }

  it('flanders-vle: one type code per file; per-type instances and points as listed', async () => {
    const code: Record<string, number[]> = { Tree: [12], Hedgerow: [13, 12], WoodyEdge: [14], Bush: [15] };
    const totals = new Map<string, { instances: number; points: number }>();
    for (const e of manifest.entries.filter((x) => x.file.startsWith('flanders-vle/'))) {
      const type = /SA1_([A-Za-z]+)_/.exec(e.file)![1]!;
      const { hist } = await streamHistogram(e.file);
      expect(hist.size).toBe(1);
      expect(code[type]).toContain([...hist.keys()][0]);
      const t = totals.get(type) ?? { instances: 0, points: 0 };
      totals.set(type, { instances: t.instances + 1, points: t.points + e.points });
    }
    expect(totals).toEqual(manifest.flandersTypes);
  });
});

// ---------------------------------------------------------------- CRS, extra bytes

/** Payload of a VLR, located by walking the VLR headers in the test. */
function vlrPayload(file: string, recordId: number): Uint8Array {
  const b = new Uint8Array(readFileSync(data(file)));
  const dv = new DataView(b.buffer);
  let p = dv.getUint16(94, true);
  for (let i = 0; i < dv.getUint32(100, true); i++) {
    const len = dv.getUint16(p + 20, true);
    if (dv.getUint16(p + 18, true) === recordId) return b.subarray(p + 54, p + 54 + len);
    p += 54 + len;
  }
  throw new Error(`${file} has no VLR ${recordId}`);
}

describe('coordinate reference systems', () => {
  it('nebraska-3dep: EPSG:32104, with both a WKT and a GeoTIFF VLR present', async () => {
    const file = 'nebraska-3dep/file_with_both_wkt_and_geotiff_vlrs.las';
    const reader = await openScan(data(file));
    await reader.close();
    expect(reader.info.crs).toBe('EPSG:32104');
    // The GeoTIFF keys carry the code; the ESRI-style WKT names the same CRS without an authority code.
    expect(crsFromGeoKeys(vlrPayload(file, 34735))).toBe('EPSG:32104');
    const wkt = crsFromWkt(new TextDecoder().decode(vlrPayload(file, 2112)));
    expect(wkt).toMatch(/^PROJCS\["NAD83_2011_Nebraska_ft"/);
    expect(reader.info.details.crs_source).toBe('geotiff');
  });

  const expected: [string, string | RegExp | null][] = [
    ['ign-lidarhd/las_with_several_extra_byte_bloc.laz', 'EPSG:2154'],
    ['ign-lidarhd/append-bug.laz', 'EPSG:2154'],
    ['lasr-bcts/bcts_1.laz', 'EPSG:3005+5713'],
    ['pdal-mvk-thin/mvk-thin.las', 'EPSG:26995'],
    ['lidr-extdata/MixedConifer.laz', 'EPSG:26912'],
    ['lidr-extdata/Megaplot.laz', 'EPSG:26917'],
    ['lidr-extdata/Topography.laz', 'EPSG:2949'],
    ['formats/las/simple1_4.las', 'EPSG:4326'],
    ['autzen/autzen_trim.laz', /^PROJCS\["NAD_1983_HARN_Lambert_Conformal_Conic"/],
    ['formats/las/lone-star.copc.laz', /^GEOCCS\["unnamed"/],
    ['pdal-warsaw-small/warsaw_small.las', null],
    ['pdal-sample-c/sample_c.las', null],
  ];
  for (const [file, crs] of expected) {
    it(`${file}: ${crs === null ? 'no CRS' : String(crs)}`, async () => {
      const reader = await openScan(data(file));
      await reader.close();
      if (crs instanceof RegExp) expect(reader.info.crs).toMatch(crs);
      else expect(reader.info.crs).toBe(crs);
    });
  }
});

// ---------------------------------------------------------------- bit-exact positions, independent decodes

interface LazPerfModule {
  _malloc(n: number): number;
  HEAPU8: Uint8Array;
  LASZip: new () => {
    open(p: number, n: number): void;
    getPoint(p: number): void;
    getCount(): number;
    getPointLength(): number;
    delete(): void;
  };
}

/** Every record of the file, raw: read straight from disk for LAS, through laz-perf's whole-file LASZip for LAZ (no chunk table involved). */
async function rawRecords(file: string): Promise<{ raw: Uint8Array; recordLength: number; count: number }> {
  const b = new Uint8Array(readFileSync(data(file)));
  const dv = new DataView(b.buffer);
  const rl = dv.getUint16(105, true);
  const offset = dv.getUint32(96, true);
  let count = dv.getUint32(107, true);
  if (b[25]! >= 4 && count === 0) count = Number(dv.getBigUint64(247, true));
  if ((b[104]! & 0x80) === 0) return { raw: b.subarray(offset, offset + count * rl), recordLength: rl, count };
  const lp = (await (createLazPerf as unknown as () => Promise<LazPerfModule>)()) as LazPerfModule;
  const ptr = lp._malloc(b.length);
  lp.HEAPU8.set(b, ptr);
  const zip = new lp.LASZip();
  zip.open(ptr, b.length);
  expect(zip.getCount()).toBe(count);
  const out = new Uint8Array(count * rl);
  const one = lp._malloc(rl);
  for (let i = 0; i < count; i++) {
    zip.getPoint(one);
    out.set(lp.HEAPU8.subarray(one, one + rl), i * rl);
  }
  zip.delete();
  return { raw: out, recordLength: rl, count };
}

function expectExactIntegers(scan: Scan, raw: Uint8Array, rl: number, guaranteed: boolean[]) {
  const src = scan.source as LasSourceDetails;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let mismatches = 0;
  for (let i = 0; i < scan.pointCount; i++) {
    for (let k = 0; k < 3; k++) {
      const recovered = src.originSteps[k]! + Math.round(scan.positions[3 * i + k]! / src.scale[k]!);
      if (recovered !== dv.getInt32(i * rl + 4 * k, true)) mismatches++;
    }
  }
  expect(mismatches).toBe(0);
  expect(src.positionsExact).toEqual(guaranteed);
  // origin + position approximates the file coordinate to float32 precision of the offset.
  for (let k = 0; k < 3; k++) {
    const fileCoord = src.offset[k]! + dv.getInt32(4 * k, true) * src.scale[k]!;
    expect(Math.abs(scan.origin[k]! + scan.positions[k]! - fileCoord)).toBeLessThan(1e-3);
  }
}

describe('positions are bit-recoverable: X_int = n + round(position / scale) against raw records', () => {
  const files = [
    'pdal-sample-c/sample_c.las',
    'nebraska-3dep/file_with_both_wkt_and_geotiff_vlrs.las',
    'pdal-mvk-thin/mvk-thin.las',
    'formats/las/simple1_4.las',
    'autzen/autzen-thin.las',
    'flanders-vle/SA1/SA1_WoodyEdge_79_80.las',
    'autzen/autzen_trim.laz',
    'ign-lidarhd/append-bug.laz',
    'lidr-extdata/MixedConifer.laz',
    'formats/las/lone-star.copc.laz',
  ];
  for (const file of files) {
    it(file, async () => {
      const scan = await readScan(data(file), { chunkPoints: 100_000 });
      const { raw, recordLength, count } = await rawRecords(file);
      expect(scan.pointCount).toBe(count);
      // simple1_4 spans 2.25e8 / 9.9e8 steps of 1e-6 / 1e-7 degrees: beyond the 2^23 guarantee, flagged as such.
      expectExactIntegers(scan, raw, recordLength, file.endsWith('simple1_4.las') ? [false, false, true] : [true, true, true]);
      // Classification decodes from the same bytes (legacy 5 bits vs full byte).
      const extended = (scan.source as LasSourceDetails).pointFormat >= 6;
      const cls = attribute(scan, 'classification')!.values;
      for (let i = 0; i < count; i += 97) expect(cls[i]).toBe(extended ? raw[i * recordLength + 16] : raw[i * recordLength + 15]! & 0x1f);
    });
  }
});

describe('extra bytes of real files', () => {
  it('ign-lidarhd: Deviation (uint16) and confidence (uint8) decode from bytes 38-40 of each record', async () => {
    const file = 'ign-lidarhd/append-bug.laz';
    const scan = await readScan(data(file));
    const src = scan.source as LasSourceDetails;
    expect(src.extraBytes.map((d) => [d.name, d.rawType, d.recordOffset, d.description])).toEqual([
      ['Deviation', 'uint16', 38, 'Pulse shape deviation'],
      ['confidence', 'uint8', 40, 'confidence values'],
    ]);
    const dev = attribute(scan, 'Deviation')!;
    const conf = attribute(scan, 'confidence')!;
    expect([dev.type, conf.type]).toEqual(['uint16', 'uint8']);
    const { raw, recordLength } = await rawRecords(file);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < scan.pointCount; i++) {
      expect(dev.values[i]).toBe(dv.getUint16(i * recordLength + 38, true));
      expect(conf.values[i]).toBe(raw[i * recordLength + 40]);
    }
    expect(attribute(scan, 'nir')).toBeDefined();
  });

  it('ign-lidarhd (several extra-byte VLRs, 697k points): both fields present on every point', async () => {
    const reader = await openScan(data('ign-lidarhd/las_with_several_extra_byte_bloc.laz'));
    await reader.close();
    expect(reader.info.attributes.slice(-2)).toEqual([
      { name: 'Deviation', type: 'uint16', components: 1 },
      { name: 'confidence', type: 'uint8', components: 1 },
    ]);
  });

  it('lidr MixedConifer: treeID (float64) gives 205 trees and 8,296 points outside any tree', async () => {
    const scan = await readScan(data('lidr-extdata/MixedConifer.laz'));
    const tree = attribute(scan, 'treeID')!;
    expect(tree.type).toBe('float64');
    const ids = classHistogram(tree.values);
    expect(ids.get(Number.MAX_VALUE)).toBe(8296);
    expect(ids.size - 1).toBe(205);
  });
});

// ---------------------------------------------------------------- bad input

const tmp = mkdtempSync(path.join(tmpdir(), 'scanlabel-las-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const original = (rel: string) => new Uint8Array(readFileSync(data(rel)));

async function outcome(bytes: Uint8Array, name: string): Promise<Scan | Error> {
  const p = path.join(tmp, name);
  writeFileSync(p, bytes);
  try {
    return await readScan(p, { chunkPoints: 50_000 });
  } catch (e) {
    return e as Error;
  }
}

async function expectBadInput(bytes: Uint8Array, name: string, message?: RegExp): Promise<BadInputError> {
  const r = await outcome(bytes, name);
  expect(r).toBeInstanceOf(BadInputError);
  const e = r as BadInputError;
  expect(e.message.startsWith(`${name}: `)).toBe(true);
  if (message) expect(e.message).toMatch(message);
  return e;
}

const edited = (bytes: Uint8Array, fn: (dv: DataView, b: Uint8Array) => void) => {
  const c = bytes.slice();
  fn(new DataView(c.buffer), c);
  return c;
};

function lazChunks(bytes: Uint8Array): LazChunk[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pointData = dv.getUint32(96, true);
  let count = dv.getUint32(107, true);
  if (bytes[25]! >= 4 && count === 0) count = Number(dv.getBigUint64(247, true));
  let p = dv.getUint16(94, true);
  let chunkSize = 0;
  for (let i = 0; i < dv.getUint32(100, true); i++) {
    const len = dv.getUint16(p + 20, true);
    if (dv.getUint16(p + 18, true) === 22204) chunkSize = dv.getUint32(p + 66, true);
    p += 54 + len;
  }
  const tableOffset = Number(dv.getBigInt64(pointData, true));
  return decodeChunkTable(bytes.subarray(tableOffset), {
    firstChunkOffset: pointData + 8,
    tableOffset,
    fixedChunkSize: chunkSize === 0xffffffff ? null : chunkSize,
    pointCount: count,
  });
}

describe('bad input from real files: BadInputError naming the file, never a crash or hang', () => {
  const las = original('pdal-sample-c/sample_c.las');
  const laz = original('autzen/autzen_trim.laz');
  const layered = original('ign-lidarhd/append-bug.laz');

  it('LAS truncated at several offsets (header, point records, last byte)', async () => {
    for (const at of [0, 3, 100, 226, 230, 227 + 34 * 1000 + 7, las.length - 1]) {
      await expectBadInput(las.slice(0, at), `sample_c-cut${at}.las`, at < 227 ? /LAS header|LASF/ : /room for only/);
    }
  });

  it('LAZ truncated inside the header, the VLRs, the chunks and the chunk table', async () => {
    for (const at of [50, 300, 2140, 2149, 100_000, 550_000, laz.length - 40])
      await expectBadInput(laz.slice(0, at), `autzen-cut${at}.laz`);
  });

  it('wrong magic', async () => {
    await expectBadInput(
      edited(las, (_, b) => b.set([0x4c, 0x41, 0x53, 0x58])),
      'magic.las',
      /expected the 'LASF' signature/,
    );
  });

  it('inflated point counts (legacy, 64-bit, LAZ, COPC)', async () => {
    await expectBadInput(
      edited(las, (dv) => dv.setUint32(107, 5_000_000, true)),
      'count.las',
      /byte 107: header claims 5000000 points of 34 bytes but the file holds room for only 14408/,
    );
    const neb = original('nebraska-3dep/file_with_both_wkt_and_geotiff_vlrs.las');
    await expectBadInput(
      edited(neb, (dv) => dv.setBigUint64(247, 10n ** 15n, true)),
      'count64.las',
      /byte 247: header claims 1000000000000000 points/,
    );
    await expectBadInput(
      edited(laz, (dv) => dv.setUint32(107, 4_000_000_000, true)),
      'count.laz',
      /chunk table lists 3 chunks but 4000000000 points/,
    );
    const copc = original('formats/las/lone-star.copc.laz');
    await expectBadInput(
      edited(copc, (dv) => dv.setBigUint64(247, 518_863n, true)),
      'count.copc.laz',
      /holds 518862 points but the header claims 518863/,
    );
  });

  it('record length smaller than the point format needs', async () => {
    await expectBadInput(
      edited(las, (dv) => dv.setUint16(105, 20, true)),
      'reclen.las',
      /byte 105: point record length 20 is smaller than the 34 bytes point format 3 needs/,
    );
    await expectBadInput(
      edited(laz, (dv) => dv.setUint16(105, 36, true)),
      'reclen.laz',
      /LASzip items describe 34-byte points but the header says 36/,
    );
  });

  it('absurd header size and offset to point data, VLR running past the points, bad scale', async () => {
    await expectBadInput(
      edited(las, (dv) => dv.setUint16(94, 65535, true)),
      'hsize.las',
      /byte 96: offset to point data 227 lies inside the 65535-byte header/,
    );
    await expectBadInput(
      edited(las, (dv) => dv.setUint16(94, 60000, true)).slice(0, 50000),
      'hsize2.las',
      /byte 94: header size 60000 runs past the end of the file/,
    );
    await expectBadInput(
      edited(las, (dv) => dv.setUint32(96, 0xffffffff, true)),
      'offset.las',
      /byte 96: offset to point data 4294967295 is past the end/,
    );
    const mvk = original('pdal-mvk-thin/mvk-thin.las');
    await expectBadInput(
      edited(mvk, (dv) => dv.setUint16(227 + 20, 65535, true)),
      'vlr.las',
      /byte 247: VLR 0 claims 65535 bytes of data, running past the start of the point data/,
    );
    await expectBadInput(
      edited(las, (dv) => dv.setFloat64(131, 0, true)),
      'scale0.las',
      /x scale factor is 0/,
    );
    await expectBadInput(
      edited(las, (dv) => dv.setFloat64(147, NaN, true)),
      'scalenan.las',
      /z scale factor is NaN/,
    );
    await expectBadInput(
      edited(las, (dv) => dv.setFloat64(139, -Infinity, true)),
      'scaleinf.las',
      /y scale factor is -Infinity/,
    );
  });

  it('corrupted bytes inside a pointwise LAZ chunk', async () => {
    const chunk = lazChunks(laz)[1]!;
    const bad = edited(laz, (_, b) => {
      for (let i = 0; i < 32; i++) b[chunk.offset + 64 + i]! ^= 0x5a;
    });
    await expectBadInput(
      bad,
      'chunk.laz',
      /byte 285651: LAZ chunk 1 of 3 .*is corrupt: point \d+ decodes to [XYZ] = -?\d+ steps, far outside the header bounds/,
    );
  });

  it('corrupted layer table and XY layer inside a layered (LAS 1.4) LAZ chunk', async () => {
    const chunk = lazChunks(layered)[0]!;
    const layerSizesAt = chunk.offset + 41 + 4; // raw first point (41 bytes), point count, then sizes
    await expectBadInput(
      edited(layered, (dv) => dv.setUint32(layerSizesAt + 8, 0x7fffffff, true)),
      'layers.laz',
      /LAZ chunk 0 of 1 .*its layers add up to/,
    );
    await expectBadInput(
      edited(layered, (dv) => dv.setUint32(chunk.offset + 41, 12, true)),
      'chunkcount.laz',
      /it says 12 points, the chunk table 37805/,
    );
    const xyLayerAt = layerSizesAt + 4 * 14; // 9 POINT14 layers + 2 RGBNIR14 + 3 BYTE14 (one per extra byte)
    await expectBadInput(
      edited(layered, (_, b) => {
        for (let i = 0; i < 16; i++) b[xyLayerAt + 200 + i]! ^= 0xa5;
      }),
      'xy.laz',
      /LAZ chunk 0 of 1 .*far outside the header bounds/,
    );
  });

  it('zero points is a valid, empty scan (LAS and LAZ)', async () => {
    const empty = await outcome(
      edited(las, (dv) => dv.setUint32(107, 0, true)),
      'empty.las',
    );
    expect(empty).not.toBeInstanceOf(Error);
    expect((empty as Scan).pointCount).toBe(0);
    const emptyLaz = await outcome(
      edited(laz, (dv) => dv.setUint32(107, 0, true)),
      'empty.laz',
    );
    expect((emptyLaz as Scan).pointCount).toBe(0);
  });
});

// ---------------------------------------------------------------- fuzz

/** Seeded PRNG (mulberry32), so a failing variant can be replayed from the test output. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of `bytes` with one random corruption; header and table regions are hit more often since that is where parsers go wrong. */
function mutate(bytes: Uint8Array, rand: () => number, hot: number[]): { bytes: Uint8Array; how: string } {
  const pick = (n: number) => Math.floor(rand() * n);
  const where = () => (rand() < 0.6 ? Math.min(bytes.length - 1, hot[pick(hot.length)]! + pick(64)) : pick(bytes.length));
  const out = bytes.slice();
  switch (pick(5)) {
    case 0: {
      const at = pick(bytes.length);
      return { bytes: bytes.slice(0, at), how: `truncate to ${at}` };
    }
    case 1: {
      const at = where();
      out[at] = pick(256);
      return { bytes: out, how: `byte ${at} = ${out[at]}` };
    }
    case 2: {
      const at = where();
      const bit = pick(8);
      out[at]! ^= 1 << bit;
      return { bytes: out, how: `flip bit ${bit} of byte ${at}` };
    }
    case 3: {
      const at = where();
      const v = [0, 0xff, 0x7f, 0x80][pick(4)]!;
      out.fill(v, at, at + 1 + pick(8));
      return { bytes: out, how: `fill ${v} at ${at}` };
    }
    default: {
      const at = where();
      const n = 1 + pick(16);
      const grown = new Uint8Array(bytes.length + n);
      grown.set(bytes.subarray(0, at));
      grown.set(bytes.subarray(at), at + n);
      return { bytes: grown, how: `insert ${n} zero bytes at ${at}` };
    }
  }
}

function expectConsistent(scan: Scan) {
  expect(scan.positions.length).toBe(scan.pointCount * 3);
  for (const a of scan.attributes) expect(a.values.length).toBe(scan.pointCount * a.components);
}

describe('fuzz: mutated and truncated real files give a valid scan or a BadInputError', () => {
  const runs: [string, string, number, number][] = [
    ['pdal-sample-c/sample_c_thin.las', '.las', 300, 0x5eed],
    ['formats/las/simple1_4.las', '.las', 100, 0xbeef],
    ['ign-lidarhd/append-bug.laz', '.laz', 120, 0x1a2],
  ];
  for (const [file, ext, count, seed] of runs) {
    it(`${file}: ${count} variants, seed ${seed}`, async () => {
      const bytes = original(file);
      const dv = new DataView(bytes.buffer);
      const hot = [0, 90, 100, 227, 235, 247, dv.getUint16(94, true), dv.getUint32(96, true)];
      if (ext === '.laz') hot.push(Number(dv.getBigInt64(dv.getUint32(96, true), true)), lazChunks(bytes)[0]!.offset);
      const rand = prng(seed);
      const tally = { ok: 0, bad: 0 };
      for (let i = 0; i < count; i++) {
        const m = mutate(bytes, rand, hot);
        const r = await outcome(m.bytes, `fuzz${i}${ext}`);
        if (r instanceof BadInputError) tally.bad++;
        else if (r instanceof Error) throw new Error(`variant ${i} (${m.how}) threw ${r.name}: ${r.message}`);
        else {
          expectConsistent(r);
          tally.ok++;
        }
      }
      expect(tally.ok).toBeGreaterThan(0);
      expect(tally.ok + tally.bad).toBe(count);
      expect(tally.bad).toBeGreaterThan(0);
    }, 120_000);
  }
});
