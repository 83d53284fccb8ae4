import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportScan, readKittiLabels, readS3disRoom } from '../../../electron/services/export/index';
import { s3disClassName } from '../../../electron/services/export/formats/s3dis';
import type { Scan } from '../../../electron/services/scans/model';
import { readScan } from '../../../electron/services/scans/read';
import { data, labelRuns, projectWithScan, workDir } from './projectFixture';

const work = workDir('roundtrip');
afterAll(() => work.cleanup());

const layer = (scan: Scan, name: string, target: 'points' | 'faces' = 'points') => {
  const l = scan.labelLayers.find((x) => x.name === name && x.target === target);
  if (!l) throw new Error(`no ${target} label layer "${name}" (has ${scan.labelLayers.map((x) => `${x.name}/${x.target}`).join(', ')})`);
  return Array.from(l.values);
};
const attr = (scan: Scan, name: string) => Array.from(scan.attributes.find((a) => a.name === name)!.values);
const absolute = (scan: Scan, i: number) => [0, 1, 2].map((k) => scan.origin[k]! + scan.positions[3 * i + k]!);

describe('round trips from a LAS source (sample_c: colour, intensity, GPS time)', async () => {
  const source = data('pdal-sample-c/sample_c.las');
  const s = await projectWithScan(work.path('las'), source);
  const { codes, instances } = labelRuns(s, [2, 6, 5, 11], 11);
  const original = await readScan(source);
  const want = (unlabeled: number) => Array.from(codes, (c) => (c === -1 ? unlabeled : c));
  const wantInstances = Array.from(codes, (c, i) => (c === -1 ? 0 : instances[i]!));

  it('PLY: label/instance/confidence properties, double coordinates, source attributes kept', async () => {
    const out = work.path('sample_c.ply');
    const r = await exportScan(s.store, { scanId: s.scanId, format: 'ply', out });
    expect(r.details.coordinates).toBe('float64');
    const header = readFileSync(out, 'latin1').slice(0, 2000);
    expect(header).toMatch(/format binary_little_endian 1.0/);
    expect(header).toMatch(/property double x\n/);
    expect(header).toMatch(/property ushort red\n/);
    expect(header).toMatch(/comment label 6 Building\n/);
    const back = await readScan(out);
    expect(back.pointCount).toBe(original.pointCount);
    expect(layer(back, 'label')).toEqual(want(-1));
    expect(layer(back, 'instance')).toEqual(wantInstances);
    expect(attr(back, 'confidence')).toEqual(Array.from(codes, (c) => (c === -1 ? 0 : 255)));
    expect(attr(back, 'gps_time')).toEqual(attr(original, 'gps_time'));
    expect(attr(back, 'color')).toEqual(attr(original, 'color'));
    for (const i of [0, 5000, 14407]) absolute(back, i).forEach((v, k) => expect(v).toBeCloseTo(absolute(original, i)[k]!, 2));
  });

  it('PCD: a label field PCL reads as PointXYZL (U 4), unlabeled as 2^32-1', async () => {
    const out = work.path('sample_c.pcd');
    await exportScan(s.store, { scanId: s.scanId, format: 'pcd', out });
    const header = readFileSync(out, 'latin1').slice(0, 400);
    expect(header).toMatch(/FIELDS x y z rgb intensity label instance confidence\n/);
    expect(header).toMatch(/TYPE F F F F F U U U\n/);
    const back = await readScan(out);
    expect(layer(back, 'label')).toEqual(want(0xffffffff));
    expect(layer(back, 'instance')).toEqual(wantInstances);
    expect(attr(back, 'color')).toEqual(attr(original, 'color').map((v) => v >> 8));
  });

  it('CSV: header row, absolute coordinates with the LAS decimals, labels re-imported', async () => {
    const out = work.path('sample_c.csv');
    await exportScan(s.store, { scanId: s.scanId, format: 'csv', out });
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[0]).toBe('x,y,z,red,green,blue,intensity,label,instance,confidence');
    expect(lines.length).toBe(14408 + 2);
    const back = await readScan(out);
    expect(layer(back, 'classification')).toEqual(want(-1));
    expect(layer(back, 'instance')).toEqual(wantInstances);
    for (const i of [0, 5000, 14407]) absolute(back, i).forEach((v, k) => expect(v).toBeCloseTo(absolute(original, i)[k]!, 2));
  });

  it('SemanticKITTI: one uint32 per source point, instance << 16 | semantic', async () => {
    const out = work.path('sample_c.label');
    await exportScan(s.store, { scanId: s.scanId, format: 'kitti', out });
    const back = await readKittiLabels(out);
    expect(back.semantic.length).toBe(14408);
    expect(Array.from(back.semantic)).toEqual(want(0));
    expect(Array.from(back.instance)).toEqual(wantInstances);
  });

  it('S3DIS: room file plus one annotation file per object, matched back to the room points', async () => {
    const out = work.path('office_1');
    const r = await exportScan(s.store, { scanId: s.scanId, format: 's3dis', out });
    expect(r.files[0]).toBe(path.join(out, 'office_1.txt'));
    expect(r.files.slice(1).every((f) => /Annotations\/(ground|building|high-vegetation|road-surface)_\d+\.txt$/.test(f))).toBe(true);
    const back = await readS3disRoom(out);
    const names = new Map([[2, 'ground'], [6, 'building'], [5, 'high-vegetation'], [11, 'road-surface']]);
    expect(back.classes).toEqual(Array.from(codes, (c) => (c === -1 ? '' : names.get(c)!)));
    // Same object for the same (class, instance), different objects otherwise.
    const objectOf = new Map<string, number>();
    codes.forEach((c, i) => {
      if (c === -1) return expect(back.objects[i]).toBe(-1);
      const key = `${c}:${instances[i]}`;
      if (!objectOf.has(key)) objectOf.set(key, back.objects[i]!);
      expect(back.objects[i]).toBe(objectOf.get(key));
    });
    expect(new Set(objectOf.values()).size).toBe(objectOf.size);
    expect(s3disClassName('Wire - Guard (Shield)')).toBe('wire-guard-shield');
  });

  it('labeled-only subsets re-import to just those points', async () => {
    const out = work.path('ground.ply');
    const r = await exportScan(s.store, { scanId: s.scanId, format: 'ply', out, classes: [2], labeledOnly: true });
    const grounds = codes.filter((c) => c === 2).length;
    expect(r.pointsWritten).toBe(grounds);
    const back = await readScan(out);
    expect(layer(back, 'label')).toEqual(new Array(grounds).fill(2));
  });
});

describe('round trips from an organized PCD with NaN holes (PCL office1)', async () => {
  const source = data('formats/pcd/office1.pcd');
  const s = await projectWithScan(work.path('pcd'), source, { schema: 's3dis' });
  const { codes } = labelRuns(s, [0, 1, 2, 8], 5);

  it('PCD and PLY follow the scan order the importer gives (holes are not points)', async () => {
    expect(s.pointCount).toBeLessThan(307200);
    for (const format of ['pcd', 'ply'] as const) {
      const out = work.path(`office1.${format}`);
      await exportScan(s.store, { scanId: s.scanId, format, out });
      const back = await readScan(out);
      expect(back.pointCount).toBe(s.pointCount);
      const unlabeled = format === 'pcd' ? 0xffffffff : -1;
      expect(layer(back, 'label')).toEqual(Array.from(codes, (c) => (c === -1 ? unlabeled : c)));
    }
  });
});

describe('round trip of a textured mesh labeled per face (SUM Helsinki tile)', async () => {
  const source = data('sum-helsinki-tiny/tiny_test_c.ply');
  const s = await projectWithScan(work.path('sum'), source, { schema: 'sum', perFace: true });
  const { codes, instances } = labelRuns(s, [1, 2, 3], 2);

  it('writes faces with per-face label, texcoords, texnumber and a texture reference that resolves', async () => {
    const out = work.path('exported/tile.ply');
    await import('node:fs').then((fs) => fs.mkdirSync(path.dirname(out), { recursive: true }));
    const r = await exportScan(s.store, { scanId: s.scanId, format: 'ply', out });
    expect([r.pointsWritten, r.facesWritten, r.details.label_target]).toEqual([1110, 1973, 'faces']);
    const header = readFileSync(out, 'latin1').slice(0, 1500);
    expect(header).toMatch(/comment TextureFile \.\.\/\.\.\/.*sum-helsinki-tiny\/Tile_\+1990_\+2690_0\.jpg\n|comment TextureFile \.\.\/.*Tile_\+1990_\+2690_0\.jpg\n/);
    expect(header).toMatch(/property list uchar float texcoord\nproperty int texnumber\n/);
    const original = await readScan(source);
    const back = await readScan(out);
    expect(back.mesh!.textures.length).toBe(1);
    expect(Array.from(back.mesh!.indices)).toEqual(Array.from(original.mesh!.indices));
    // v is flipped on import (model rows go down) and back on export: equal to float32 rounding.
    const uvA = original.mesh!.cornerUvs!;
    const uvB = back.mesh!.cornerUvs!;
    expect(uvB.length).toBe(uvA.length);
    expect(uvA.every((v, i) => Math.abs(v - uvB[i]!) < 1e-6)).toBe(true);
    expect(layer(back, 'label', 'faces')).toEqual(Array.from(codes, (c) => (c === -1 ? -1 : c)));
    expect(layer(back, 'instance', 'faces')).toEqual(Array.from(codes, (c, i) => (c === -1 ? 0 : instances[i]!)));
    // The source's other per-face fields survive (segment ids).
    expect(layer(back, 'face_segment_id', 'faces')).toEqual(layer(original, 'face_segment_id', 'faces'));
  });
});

describe('round trip from delimited text (PDAL data.xyz)', async () => {
  const source = data('formats/xyz/data.xyz');
  const s = await projectWithScan(work.path('xyz'), source);
  const { codes } = labelRuns(s, [2, 9], 4);

  it('CSV keeps the coordinates and labels', async () => {
    const out = work.path('data.csv');
    await exportScan(s.store, { scanId: s.scanId, format: 'csv', out });
    const original = await readScan(source);
    const back = await readScan(out);
    expect(layer(back, 'classification')).toEqual(Array.from(codes, (c) => (c === -1 ? -1 : c)));
    for (let i = 0; i < original.pointCount; i += 37) absolute(back, i).forEach((v, k) => expect(v).toBeCloseTo(absolute(original, i)[k]!, 5));
  });
});
