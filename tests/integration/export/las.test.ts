import { afterAll, describe, expect, it } from 'vitest';
import { exportScan } from '../../../electron/services/export/index';
import { readScan } from '../../../electron/services/scans/read';
import { data, labelRuns, projectWithScan, workDir } from './projectFixture';
import { readSpecLas, readSpecLasWithRecords, specExtraBytes, specPoint, SPEC_BASE_LENGTH, type SpecLas } from './lasSpecReader';

const work = workDir('las');
afterAll(() => work.cleanup());

const bytesEqual = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Every byte of every record equal except the ones listed (per record offsets in the source layout). */
function firstRecordDifference(src: SpecLas, out: SpecLas, srcBytes: number, ignore: (offset: number) => boolean): string | null {
  for (let i = 0; i < src.count; i++) {
    const a = i * src.recordLength;
    const b = i * out.recordLength;
    for (let k = 0; k < srcBytes; k++) if (!ignore(k) && src.records[a + k] !== out.records[b + k]) return `point ${i} byte ${k}: ${src.records[a + k]} vs ${out.records[b + k]}`;
  }
  return null;
}

function labelField(out: SpecLas, name: string) {
  const f = specExtraBytes(out).find((d) => d.name === name);
  if (!f) throw new Error(`no extra bytes field ${name}`);
  return (i: number) => {
    const dv = new DataView(out.records.buffer, out.records.byteOffset + i * out.recordLength + f.offset, f.size);
    return f.size === 4 ? dv.getUint32(0, true) : dv.getUint8(0);
  };
}

describe('LAS export from LAS 1.2 (PDAL sample_c, PDRF 3)', async () => {
  const source = data('pdal-sample-c/sample_c.las');
  const s = await projectWithScan(work.path('c'), source);
  s.store.updateClass(5, { exportCode: 25 }); // a schema export code differing from the schema code
  const expected = labelRuns(s, [2, 6, 5]);
  const exportCode = (c: number) => (c === -1 ? 0 : c === 5 ? 25 : c);
  const outPath = work.path('sample_c.las');
  const result = await exportScan(s.store, { scanId: s.scanId, format: 'las', out: outPath });
  const src = await readSpecLasWithRecords(source);
  const out = readSpecLas(outPath);

  it('keeps version, point format, scale and offset, and appends the label fields', () => {
    expect(result.pointsWritten).toBe(14408);
    expect([out.versionMinor, out.pdrf, out.count, out.legacyCount]).toEqual([2, 3, 14408, 14408]);
    expect(out.recordLength).toBe(src.recordLength + 5);
    expect(bytesEqual(out.scaleBytes, src.scaleBytes)).toBe(true);
    expect(bytesEqual(out.offsetBytes, src.offsetBytes)).toBe(true);
    expect(out.min).toEqual(src.min);
    expect(out.max).toEqual(src.max);
    // A full export keeps the header's return counts as stored (sample_c leaves them 0).
    expect(out.byReturn).toEqual(src.byReturn);
    expect(out.offsetToPoints + out.count * out.recordLength).toBe(out.bytes.length);
    const fields = specExtraBytes(out).map((f) => [f.name, f.dataType, f.offset]);
    expect(fields).toEqual([['label_instance', 5, 34], ['label_confidence', 1, 38]]);
  });

  it('copies every source byte except the class bits, so coordinates are bit-identical', () => {
    // Byte 15 holds the 5-bit class and 3 flag bits: compare the flags separately.
    expect(firstRecordDifference(src, out, src.recordLength, (k) => k === 15)).toBeNull();
    for (let i = 0; i < src.count; i++) expect(out.records[i * out.recordLength + 15]! & 0xe0).toBe(src.records[i * src.recordLength + 15]! & 0xe0);
    for (const i of [0, 1, 7000, 14407]) {
      const a = specPoint(src, i);
      const b = specPoint(out, i);
      expect([b.x, b.y, b.z, b.gpsTime, b.rgb]).toEqual([a.x, a.y, a.z, a.gpsTime, a.rgb]);
    }
  });

  it('writes classification from the export codes, instance ids and confidence as extra bytes', () => {
    const inst = labelField(out, 'label_instance');
    const conf = labelField(out, 'label_confidence');
    for (let i = 0; i < out.count; i++) {
      const c = expected.codes[i]!;
      if (specPoint(out, i).classification !== exportCode(c)) throw new Error(`point ${i}: class ${specPoint(out, i).classification}, expected ${exportCode(c)}`);
      if (inst(i) !== (c === -1 ? 0 : expected.instances[i])) throw new Error(`point ${i}: instance ${inst(i)}`);
      if (conf(i) !== (c === -1 ? 0 : 255)) throw new Error(`point ${i}: confidence ${conf(i)}`);
    }
  });

  it('has no VLRs but the extra bytes one it adds (the source has none)', () => {
    expect(src.vlrs).toEqual([]);
    expect(out.vlrs.map((v) => [v.userId, v.recordId, v.payload.length])).toEqual([['LASF_Spec', 4, 384]]);
  });

  it('imports back with identical labels', async () => {
    const back = await readScan(outPath);
    const cls = back.labelLayers.find((l) => l.attribute === 'classification')!;
    const inst = back.attributes.find((a) => a.name === 'label_instance')!;
    expect(Array.from(cls.values)).toEqual(Array.from(expected.codes, exportCode));
    expect(Array.from(inst.values)).toEqual(Array.from(expected.codes, (c, i) => (c === -1 ? 0 : expected.instances[i]!)));
  });

  it('writes LAS 1.4 with the same point format on request', async () => {
    const p = work.path('sample_c_14.las');
    await exportScan(s.store, { scanId: s.scanId, format: 'las', out: p, lasVersion: '1.4' });
    const o = readSpecLas(p);
    expect([o.versionMinor, o.headerSize, o.pdrf, o.count, o.legacyCount]).toEqual([4, 375, 3, 14408, 14408]);
    expect(firstRecordDifference(src, o, src.recordLength, (k) => k === 15)).toBeNull();
  });

  it('upgrades PDRF 3 to 7 (LAS 1.4) when an export code exceeds 31, keeping coordinates, time and colour', async () => {
    s.store.updateClass(6, { exportCode: 65 });
    const p = work.path('sample_c_upgraded.las');
    const r = await exportScan(s.store, { scanId: s.scanId, format: 'las', out: p });
    s.store.updateClass(6, { exportCode: null });
    const o = readSpecLas(p);
    expect(String(r.details.notes)).toMatch(/upgraded to 7/);
    expect([o.versionMinor, o.headerSize, o.pdrf, o.recordLength, o.count, o.legacyCount]).toEqual([4, 375, 7, SPEC_BASE_LENGTH[7]! + 5, 14408, 0]);
    expect(bytesEqual(o.scaleBytes, src.scaleBytes) && bytesEqual(o.offsetBytes, src.offsetBytes)).toBe(true);
    for (let i = 0; i < src.count; i++) {
      const a = specPoint(src, i);
      const b = specPoint(o, i);
      const c = expected.codes[i]!;
      const want = c === 6 ? 65 : exportCode(c);
      if (a.x !== b.x || a.y !== b.y || a.z !== b.z || a.gpsTime !== b.gpsTime || a.intensity !== b.intensity || a.returnNumber !== b.returnNumber || String(a.rgb) !== String(b.rgb) || b.classification !== want)
        throw new Error(`point ${i} differs: ${JSON.stringify([a, b, want])}`);
    }
  });

  it('sees edits made after an earlier export (stored chunks count their codes once; edits replace them)', async () => {
    // Class 40 needs PDRF 7; an export before the edit had no code above 31.
    const points = Uint32Array.from({ length: 50 }, (_, k) => 100 + k);
    s.store.addClass({ code: 40, name: 'Overhead sign', color: '#ff00aa' });
    const edit = s.store.applyEdit({ kind: 'assign', scanId: s.scanId, points, classCode: 40 });
    const p = work.path('sample_c_after_edit.las');
    const r = await exportScan(s.store, { scanId: s.scanId, format: 'las', out: p });
    s.store.undo(s.scanId);
    const o = readSpecLas(p);
    expect(edit.pointCount).toBe(50);
    expect(o.pdrf).toBe(7);
    expect(specPoint(o, 100).classification).toBe(40);
    expect(specPoint(o, 149).classification).toBe(40);
    expect(specPoint(o, 150).classification).toBe(exportCode(expected.codes[150]!));
    // After the undo, the next export is back to the source's point format.
    const back = readSpecLas((await exportScan(s.store, { scanId: s.scanId, format: 'las', out: work.path('sample_c_after_undo.las') })).out);
    expect(r.pointsWritten).toBe(14408);
    expect(back.pdrf).toBe(3);
  });

  it('exports a class subset of labeled points only, with bounds and counts of what was written', async () => {
    const p = work.path('sample_c_buildings.las');
    const r = await exportScan(s.store, { scanId: s.scanId, format: 'las', out: p, classes: [6], labeledOnly: true });
    const o = readSpecLas(p);
    const kept = [...expected.codes.keys()].filter((i) => expected.codes[i] === 6);
    expect(r.pointsWritten).toBe(kept.length);
    expect(o.count).toBe(kept.length);
    expect(o.byReturn.reduce((x, y) => x + y, 0)).toBe(kept.length); // measured for a subset
    const mins = [Infinity, Infinity, Infinity];
    const maxs = [-Infinity, -Infinity, -Infinity];
    kept.forEach((srcIndex, j) => {
      const a = specPoint(src, srcIndex);
      const b = specPoint(o, j);
      if (a.x !== b.x || a.y !== b.y || a.z !== b.z || b.classification !== 6) throw new Error(`kept point ${j} (source ${srcIndex}) differs`);
      [a.x, a.y, a.z].forEach((v, k) => ((mins[k] = Math.min(mins[k]!, v)), (maxs[k] = Math.max(maxs[k]!, v))));
    });
    expect(o.min).toEqual(mins.map((v, k) => src.offset[k]! + v * src.scale[k]!));
    expect(o.max).toEqual(maxs.map((v, k) => src.offset[k]! + v * src.scale[k]!));
  });
});

describe('LAS export from LAZ 1.4 (IGN LiDAR HD, PDRF 8, several extra bytes VLRs, class 65)', async () => {
  const source = data('ign-lidarhd/las_with_several_extra_byte_bloc.laz');
  const dir = work.path('ign');
  const s = await projectWithScan(dir, source);
  s.store.createSchema({
    name: 'LiDAR HD',
    classes: [
      { code: 2, name: 'ground', color: '#a0522d' },
      { code: 6, name: 'building', color: '#ff4500' },
      { code: 65, name: 'artefact', color: '#ff00ff' },
    ],
    activate: true,
  });
  // Layers take the schema that is active when they are created: register the scan again under it.
  const scanId = s.store.registerScan({ name: 'ign', sourcePath: source, format: 'laz', pointCount: s.pointCount }).id;
  const t = { ...s, scanId };
  const expected = labelRuns(t, [2, 65, 6], 7);
  const outPath = work.path('ign.las');
  await exportScan(s.store, { scanId, format: 'las', out: outPath });
  const src = await readSpecLasWithRecords(source);
  const out = readSpecLas(outPath);

  it('is uncompressed LAS 1.4 PDRF 8 with the LASzip VLR gone and every other VLR kept', () => {
    expect(src.compressed).toBe(true);
    expect([out.compressed, out.versionMinor, out.pdrf, out.count]).toEqual([false, 4, 8, 697721]);
    expect(out.vlrs.some((v) => v.userId === 'laszip encoded')).toBe(false);
    const crs = src.vlrs.find((v) => v.userId === 'LASF_Projection')!;
    expect(out.vlrs.some((v) => bytesEqual(v.raw, crs.raw))).toBe(true);
    expect(bytesEqual(out.scaleBytes, src.scaleBytes) && bytesEqual(out.offsetBytes, src.offsetBytes)).toBe(true);
  });

  it('keeps the source extra bytes fields in place and appends the label fields after them', () => {
    const before = specExtraBytes(src);
    const after = specExtraBytes(out);
    expect(before.map((f) => f.name)).toEqual(expect.arrayContaining(['Deviation', 'confidence']));
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((f) => [f.name, f.offset])).toEqual([['label_instance', src.recordLength], ['label_confidence', src.recordLength + 4]]);
  });

  it('matches the laz-perf-decoded source records bit for bit except the class byte', () => {
    expect(firstRecordDifference(src, out, src.recordLength, (k) => k === 16)).toBeNull();
    const inst = labelField(out, 'label_instance');
    for (let i = 0; i < out.count; i++) {
      const c = expected.codes[i]!;
      if (specPoint(out, i).classification !== (c === -1 ? 0 : c)) throw new Error(`point ${i} class`);
      if (inst(i) !== (c === -1 ? 0 : expected.instances[i])) throw new Error(`point ${i} instance`);
    }
  });

  it('reuses its own label fields when a ScanLabel export is exported again', async () => {
    const again = s.store.registerScan({ name: 'again', sourcePath: outPath, format: 'las', pointCount: s.pointCount }).id;
    s.store.applyEdit({ kind: 'assign', scanId: again, points: Uint32Array.from([0, 1, 2]), classCode: 65, instance: 9 });
    const p = work.path('ign-again.las');
    await exportScan(s.store, { scanId: again, format: 'las', out: p, keepSourceClass: true });
    const o = readSpecLas(p);
    expect(o.recordLength).toBe(out.recordLength);
    expect(specExtraBytes(o)).toEqual(specExtraBytes(out));
    expect(specPoint(o, 1).classification).toBe(65);
    expect(labelField(o, 'label_instance')(1)).toBe(9);
    // Unlabeled points kept the classification the file already had.
    expect(specPoint(o, 100_000).classification).toBe(specPoint(out, 100_000).classification);
  });
});

describe('LAS export from COPC (lone-star, LAZ 1.4 PDRF 6)', async () => {
  const source = data('formats/las/lone-star.copc.laz');
  const s = await projectWithScan(work.path('copc'), source);
  labelRuns(s, [2, 5], 3);
  const outPath = work.path('lone-star.las');
  await exportScan(s.store, { scanId: s.scanId, format: 'las', out: outPath });
  const src = await readSpecLasWithRecords(source);
  const out = readSpecLas(outPath);

  it('drops the COPC info VLR, hierarchy EVLR and LASzip VLR and keeps every coordinate', () => {
    expect(src.vlrs.some((v) => v.userId === 'copc')).toBe(true);
    expect([...out.vlrs, ...out.evlrs].some((v) => v.userId === 'copc' || v.userId === 'laszip encoded')).toBe(false);
    expect([out.versionMinor, out.pdrf, out.count]).toEqual([4, 6, src.count]);
    expect(firstRecordDifference(src, out, src.recordLength, (k) => k === 16)).toBeNull();
  });
});
