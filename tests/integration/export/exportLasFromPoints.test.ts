import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportScan, openFileSink, type SinkOpener } from '../../../electron/services/export/index';
import { ProjectStore } from '../../../electron/services/labels/index';
import { demoPointScan } from '../../../electron/services/scans/demo/demoScene';
import type { Scan } from '../../../electron/services/scans/model';
import { readScan } from '../../../electron/services/scans/read';
import { readSpecLas, specExtraBytes, specPoint, SPEC_BASE_LENGTH, type SpecLas } from './lasSpecReader';
import { data, labelRuns, projectWithScan, rng, workDir, type LabeledScan } from './projectFixture';

const work = workDir('las-points');
afterAll(() => work.cleanup());

/** Absolute coordinates from the independent reader: offset + X_int * scale. */
const specXyz = (las: SpecLas, i: number) => {
  const p = specPoint(las, i);
  return [p.x, p.y, p.z].map((v, k) => las.offset[k]! + v * las.scale[k]!);
};

function extraField(las: SpecLas, name: string): (i: number) => number {
  const f = specExtraBytes(las).find((d) => d.name === name);
  if (!f) throw new Error(`no extra bytes field ${name}`);
  return (i) => {
    const dv = new DataView(las.records.buffer, las.records.byteOffset + i * las.recordLength + f.offset, f.size);
    return f.size === 4 ? dv.getUint32(0, true) : dv.getUint8(0);
  };
}

/**
 * Exports a labeled scan from a non-LAS source and checks it with the test's own LAS reader: LAS 1.4
 * header, point format, scale/offset, every coordinate within scale/2 of the source doubles (as the
 * importer reads them), classification, instance and confidence per point, bounds and counts; then
 * re-imports it with ScanLabel's importer and compares labels.
 */
async function checkRoundTrip(s: LabeledScan, source: Scan, out: string, pdrf: number, opts: { memoryScan?: (id: string) => Scan | null; extras?: ExpectedExtra[] } = {}) {
  const extras = opts.extras ?? [];
  const expected = labelRuns(s, [2, 6, 5], 7);
  const r = await exportScan(s.store, { scanId: s.scanId, format: 'las', out, memoryScan: opts.memoryScan });
  const las = readSpecLas(out);
  const n = source.pointCount;
  expect(r.pointsWritten).toBe(n);
  const extraBytes = extras.reduce((sum, e) => sum + EB_SIZE[e.dataType]!, 0);
  expect([las.versionMinor, las.headerSize, las.pdrf, las.legacyCount, las.count, las.recordLength]).toEqual([4, 375, pdrf, 0, n, SPEC_BASE_LENGTH[pdrf]! + 5 + extraBytes]);
  expect(las.globalEncoding & 0x10).toBe(0x10); // WKT bit, required for point formats 6-10
  expect(las.offsetToPoints + n * las.recordLength).toBe(las.bytes.length);
  const scale = r.details.scale as number;
  expect(las.scale).toEqual([scale, scale, scale]);
  expect(scale).toBeLessThanOrEqual(1e-3);
  expect(las.offset).toEqual(source.origin);
  // The label fields first, then one typed, named field per source attribute component LAS has no field for.
  let at = SPEC_BASE_LENGTH[pdrf]! + 5;
  const sourceFields = extras.map((e) => {
    const f = [e.name, e.dataType, at];
    at += EB_SIZE[e.dataType]!;
    return f;
  });
  expect(specExtraBytes(las).map((f) => [f.name, f.dataType, f.offset])).toEqual([['label_instance', 5, SPEC_BASE_LENGTH[pdrf]!], ['label_confidence', 1, SPEC_BASE_LENGTH[pdrf]! + 4], ...sourceFields]);

  const inst = extraField(las, 'label_instance');
  const conf = extraField(las, 'label_confidence');
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const xyz = specXyz(las, i);
    for (let k = 0; k < 3; k++) {
      const want = source.origin[k]! + source.positions[3 * i + k]!;
      worst = Math.max(worst, Math.abs(xyz[k]! - want) - 4 * Number.EPSILON * Math.abs(want));
      min[k] = Math.min(min[k]!, xyz[k]!);
      max[k] = Math.max(max[k]!, xyz[k]!);
    }
    const c = expected.codes[i]!;
    const p = specPoint(las, i);
    if (p.classification !== (c === -1 ? 0 : c) || inst(i) !== (c === -1 ? 0 : expected.instances[i]) || conf(i) !== (c === -1 ? 0 : 255))
      throw new Error(`point ${i}: class ${p.classification} instance ${inst(i)} confidence ${conf(i)}, expected ${c}/${expected.instances[i]}`);
    if (p.returnNumber < 1) throw new Error(`point ${i}: return number 0`);
  }
  expect(worst).toBeLessThanOrEqual(scale / 2);
  expect(las.min).toEqual(min);
  expect(las.max).toEqual(max);
  expect(las.byReturn.reduce((a, b) => a + b, 0)).toBe(n);

  const back = await readScan(out);
  expect(back.pointCount).toBe(n);
  expect(Array.from(back.labelLayers.find((l) => l.attribute === 'classification')!.values)).toEqual(Array.from(expected.codes, (c) => (c === -1 ? 0 : c)));
  expect(Array.from(back.attributes.find((a) => a.name === 'label_instance')!.values)).toEqual(Array.from(expected.codes, (c, i) => (c === -1 ? 0 : expected.instances[i]!)));
  // Source attributes come back from ScanLabel's importer with the same values and type.
  for (const e of extras) {
    const attr = source.attributes.find((a) => a.name === e.attribute)!;
    const got = back.attributes.find((a) => a.name === (e.importedAs ?? e.name));
    expect(got, `attribute ${e.name} re-imported`).toBeDefined();
    expect(got!.type).toBe(attr.type);
    const want = Array.from({ length: n }, (_, i) => attr.values[i * attr.components + e.component]!);
    expect(Array.from(got!.values)).toEqual(want);
  }
  return { las, back, scale, details: r.details };
}

/** A source attribute component the export writes as extra bytes, as the descriptor names it (and the importer, when it renames a reserved name). */
interface ExpectedExtra {
  name: string;
  dataType: number;
  attribute: string;
  component: number;
  importedAs?: string;
}
const EB_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 9: 4, 10: 8 };
const extra = (name: string, dataType: number, attribute = name, component = 0, importedAs?: string): ExpectedExtra => ({ name, dataType, attribute, component, importedAs });
const FLOAT32 = 9;

/** Extra fields by source file: attributes no LAS point format field holds. */
const EXTRAS: Record<string, ExpectedExtra[]> = {
  // Scanner confidence has no LAS field; float intensity 0..1 is rounded into LAS's 16 bits, so the source values are kept too.
  'formats/ply/bun_zipper.ply': [extra('confidence', FLOAT32), extra('source_intensity', FLOAT32, 'intensity')],
  'formats/obj/1.2-with-color.obj': [0, 1, 2].map((k) => extra(`normal_${k}`, FLOAT32, 'normal', k)),
};

describe('LAS 1.4 export from sources that are not LAS', () => {
  const cases: [string, string, number][] = [
    ['PLY float32 (Stanford bunny, confidence and float intensity as extra bytes)', 'formats/ply/bun_zipper.ply', 6],
    ['PCD float32 UTM (ISPRS samp11)', 'isprs-filtertest/samp11-utm.pcd', 6],
    ['PCD ascii with colour', 'formats/pcd/simple-ascii.pcd', 7],
    ['E57 float with colour', 'formats/e57/ColouredCubeFloat.e57', 7],
    ['E57 doubles', 'formats/e57/bunnyDouble.e57', 6],
    ['XYZ text (UTM)', 'formats/xyz/data.xyz', 6],
    ['OBJ mesh vertices with colour (UTM)', 'formats/obj/1.2-with-color.obj', 7],
    ['glTF mesh vertices with colour', 'formats/glb/0.glb', 7],
    ['PLY Gaussian splats (normals and 56 float properties as extra bytes)', 'formats/ply/train-1000.ply', 6],
  ];
  it.each(cases)('%s: labels identical, coordinates within scale/2, header as the spec reads it', async (_name, rel, pdrf) => {
    const source = data(rel);
    const s = await projectWithScan(work.path(path.basename(rel)), source);
    const original = await readScan(source);
    const extras =
      EXTRAS[rel] ??
      (rel.endsWith('train-1000.ply')
        ? original.attributes.flatMap((a) => (a.name === 'normal' ? [0, 1, 2].map((k) => extra(`normal_${k}`, FLOAT32, 'normal', k)) : [extra(a.name, FLOAT32)]))
        : []);
    if (rel.endsWith('train-1000.ply')) expect(extras.length).toBe(59);
    const { las, scale } = await checkRoundTrip(s, original, work.path(`${path.basename(rel)}.las`), pdrf, { extras });
    if (pdrf === 7) {
      const color = original.attributes.find((a) => a.name === 'color')!;
      for (const i of [0, Math.floor(original.pointCount / 2), original.pointCount - 1])
        expect(specPoint(las, i).rgb).toEqual([0, 1, 2].map((k) => color.values[3 * i + k]! * (color.type === 'uint8' ? 257 : 1)));
    }
    if (rel.endsWith('samp11-utm.pcd')) expect(scale).toBe(1e-3); // float32 UTM steps are 0.5 m: 1 mm keeps them
    if (rel.endsWith('bun_zipper.ply')) expect(scale).toBe(1e-8); // a 20 cm object in float32 resolves ~1e-8 m
    s.store.close();
  });

  it('the demo scene (in memory, no source file) exports from the loaded scan', async () => {
    const demo = demoPointScan({ seed: 3, points: 20_000 });
    const store = ProjectStore.create(work.path('demo'), { schema: 'asprs' });
    const scan = store.registerScan({ id: demo.id, name: demo.name, sourcePath: null, format: demo.format, origin: demo.origin, pointCount: demo.pointCount });
    const s = { store, scanId: scan.id, pointCount: demo.pointCount };
    const noMemory = exportScan(store, { scanId: scan.id, format: 'las', out: work.path('demo-refused.las') });
    await expect(noMemory).rejects.toThrow(/no source file recorded and is not loaded/);
    // The demo's ground-truth class and instance and its surface id have no LAS field (the classification holds the labels);
    // the importer reserves the name "classification" for the LAS field, so it names the extra field classification_2.
    const extras = [extra('classification', 3, 'classification', 0, 'classification_2'), extra('instance', 5), extra('surface', 1)];
    const { las } = await checkRoundTrip(s, demo, work.path('demo.las'), 7, { memoryScan: (id) => (id === demo.id ? demo : null), extras });
    const intensity = demo.attributes.find((a) => a.name === 'intensity')!;
    for (const i of [0, 777, 19_999]) expect(specPoint(las, i).intensity).toBe(intensity.values[i]);
    store.close();
  });
});

/** A binary PLY with UTM doubles and attributes the LAS point formats have a field for. */
function writeRichPly(file: string, n: number): { xyz: Float64Array } {
  const props: [string, string, number][] = [
    ['double', 'x', 8], ['double', 'y', 8], ['double', 'z', 8],
    ['uchar', 'red', 1], ['uchar', 'green', 1], ['uchar', 'blue', 1],
    ['ushort', 'nir', 2], ['ushort', 'intensity', 2], ['double', 'gps_time', 8],
    ['uchar', 'return_number', 1], ['uchar', 'number_of_returns', 1],
    ['uchar', 'user_data', 1], ['uchar', 'classification_flags', 1], ['uchar', 'edge_of_flight_line', 1],
  ];
  const header = ['ply', 'format binary_little_endian 1.0', `element vertex ${n}`, ...props.map(([t, name]) => `property ${t} ${name}`), 'end_header', ''].join('\n');
  const stride = props.reduce((s, p) => s + p[2], 0);
  const body = new DataView(new ArrayBuffer(n * stride));
  const rand = rng(5);
  const xyz = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    // Surveyed to the millimetre: values a decimal LAS scale must reproduce exactly.
    const v = [512000 + Math.round(rand() * 400_000) / 1000, 5403000 + Math.round(rand() * 400_000) / 1000, 300 + Math.round(rand() * 50_000) / 1000];
    let o = i * stride;
    for (const c of v) {
      body.setFloat64(o, c, true);
      o += 8;
    }
    xyz.set(v, 3 * i);
    for (const c of [i & 0xff, (i * 3) & 0xff, (i * 7) & 0xff]) body.setUint8(o++, c);
    body.setUint16(o, (i * 11) & 0xffff, true);
    body.setUint16(o + 2, (i * 13) & 0xffff, true);
    body.setFloat64(o + 4, 3.5e8 + i * 1e-3, true);
    body.setUint8(o + 12, 1 + (i % 3));
    body.setUint8(o + 13, 3);
    body.setUint8(o + 14, i % 251);
    body.setUint8(o + 15, i % 16);
    body.setUint8(o + 16, i % 2);
  }
  writeFileSync(file, Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(body.buffer)]));
  return { xyz };
}

const WKT = 'PROJCS["WGS 84 / UTM zone 32N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",9],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],UNIT["metre",1],AUTHORITY["EPSG","32632"]]';

describe('LAS 1.4 point format 8 from a PLY with colour, NIR, intensity, returns, GPS time, flags and user data', async () => {
  const file = work.path('rich.ply');
  const n = 5000;
  const { xyz } = writeRichPly(file, n);
  const original = await readScan(file);
  const store = ProjectStore.create(work.path('rich'), { schema: 'asprs' });
  const scan = store.registerScan({ name: 'rich.ply', sourcePath: file, format: 'ply', origin: original.origin, pointCount: n, crs: WKT });
  const s = { store, scanId: scan.id, pointCount: n };
  let las: SpecLas, back: Scan, scale: number;

  it('round-trips labels and coordinates', async () => {
    ({ las, back, scale } = await checkRoundTrip(s, original, work.path('rich.las'), 8));
  });

  it('writes every attribute into its LAS field', () => {
    for (let i = 0; i < n; i++) {
      const p = specPoint(las, i);
      const o = i * las.recordLength;
      const dv = new DataView(las.records.buffer, las.records.byteOffset + o, las.recordLength);
      const ok =
        String(p.rgb) === String([i & 0xff, (i * 3) & 0xff, (i * 7) & 0xff].map((c) => c * 257)) &&
        dv.getUint16(36, true) === ((i * 11) & 0xffff) &&
        p.intensity === ((i * 13) & 0xffff) &&
        p.gpsTime === 3.5e8 + i * 1e-3 &&
        p.returnNumber === 1 + (i % 3) &&
        las.records[o + 14]! >> 4 === 3 &&
        las.records[o + 15] === ((i % 16) | ((i % 2) << 7)) && // flags in bits 0-3, edge of flight line in bit 7
        las.records[o + 17] === i % 251;
      if (!ok) throw new Error(`point ${i}: ${JSON.stringify(p)}`);
    }
    expect(las.byReturn.slice(0, 3)).toEqual([1667, 1667, 1666]);
  });

  it('keeps millimetre survey coordinates exactly (doubles 500 m from the origin: scale 1e-4)', () => {
    expect(scale).toBe(1e-4);
    let worst = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(specXyz(las, i)[k]! - xyz[3 * i + k]!));
    expect(worst).toBeLessThan(1e-9);
  });

  it('carries the CRS as an OGC WKT VLR, which the importer reads back', () => {
    const v = las.vlrs.find((r) => r.userId === 'LASF_Projection' && r.recordId === 2112)!;
    expect(Buffer.from(v.payload).toString('latin1')).toBe(`${WKT}\0`);
    expect(back.crs).toMatch(/32632|UTM zone 32N/);
  });

  it('exports a labeled-only class subset with the bounds of what was written', async () => {
    const out = work.path('rich-subset.las');
    const r = await exportScan(store, { scanId: scan.id, format: 'las', out, classes: [6], labeledOnly: true });
    const sub = readSpecLas(out);
    expect(sub.count).toBe(r.pointsWritten);
    expect(r.pointsWritten).toBeGreaterThan(0);
    for (let j = 0; j < sub.count; j++) expect(specPoint(sub, j).classification).toBe(6);
    const xs = Array.from({ length: sub.count }, (_, j) => specXyz(sub, j)[0]!);
    expect([sub.min[0], sub.max[0]]).toEqual([Math.min(...xs), Math.max(...xs)]);
  });

  it('refuses LAS 1.2 and class codes above 255, leaving no file', async () => {
    await expect(exportScan(store, { scanId: scan.id, format: 'las', out: work.path('rich12.las'), lasVersion: '1.2' })).rejects.toThrow(/LAS 1.2 is written only from LAS sources/);
    store.updateClass(6, { exportCode: 300 });
    await expect(exportScan(store, { scanId: scan.id, format: 'las', out: work.path('rich300.las') })).rejects.toThrow(/class code 300 cannot be stored in LAS/);
    store.updateClass(6, { exportCode: null });
    expect(existsSync(work.path('rich12.las')) || existsSync(work.path('rich300.las'))).toBe(false);
    expect(work.files().filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('a full disk mid-export gives a clear error and keeps the older file', async () => {
    const out = work.path('rich-full.las');
    writeFileSync(out, 'previous export');
    // Fails like a full disk once 50 kB went through (the export is ~200 kB).
    const diskFull: SinkOpener = async (p) => {
      const inner = await openFileSink(p);
      let total = 0;
      return {
        write: async (b) => {
          total += b.length;
          if (total > 50_000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          await inner.write(b);
        },
        writeAt: (b, at) => inner.writeAt(b, at),
        sync: () => inner.sync(),
        close: () => inner.close(),
      };
    };
    await expect(exportScan(store, { scanId: scan.id, format: 'las', out, openSink: diskFull })).rejects.toThrow(/rich-full\.las: the disk is full/);
    expect(readFileSync(out, 'utf8')).toBe('previous export');
    expect(work.files().filter((f) => f.includes('.partial'))).toEqual([]);
  });
});
