import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/run';
import { importScan, type ScanRecord } from '../../../electron/services/octree/importScan';
import { readScan } from '../../../electron/services/scans/read';
import { expectOctreeInvariants } from '../../unit/octree/octreeChecks';

const data = resolve(__dirname, '../../../../shared/data');
const SAMPLE_C = join(data, 'pdal-sample-c/sample_c.las');
const IGN_LAZ = join(data, 'ign-lidarhd/las_with_several_extra_byte_bloc.laz');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'scanlabel-import-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('importScan on real LiDAR files', () => {
  it('imports sample_c.las: every point once, attributes as the reader gives them, scan.json written', async () => {
    const project = join(work, 'p1');
    const progress: number[] = [];
    const result = await importScan(SAMPLE_C, project, { onProgress: (f) => progress.push(f) });
    expect(result.pointCount).toBe(14_408);
    expect(result.faceCount).toBe(0);
    expect(progress[progress.length - 1]).toBe(1);

    const octree = join(project, 'scans', result.scanId, 'octree');
    const nodes = await expectOctreeInvariants(octree, 14_408);
    expect(result.nodes).toBe(nodes.size);

    const scan = await readScan(SAMPLE_C);
    const cls = scan.attributes.find((a) => a.name === 'classification')!.values;
    const color = scan.attributes.find((a) => a.name === 'color')!.values;
    let colorMax = 0;
    for (const v of color) colorMax = Math.max(colorMax, v);
    for (const node of nodes.values()) {
      for (let p = 0; p < node.pointCount; p++) {
        const i = node.index[p]!;
        for (let k = 0; k < 3; k++) {
          if (node.position[p * 3 + k] !== scan.positions[i * 3 + k]) throw new Error(`position of point ${i}`);
          const c = color[i * 3 + k]!;
          if (node.color![p * 3 + k] !== (colorMax > 255 ? Math.round(c / 257) : c)) throw new Error(`colour of point ${i}`);
        }
        if (node.classification![p] !== cls[i]) throw new Error(`class of point ${i}`);
      }
    }

    const record = JSON.parse(readFileSync(join(project, 'scans', result.scanId, 'scan.json'), 'utf8')) as ScanRecord;
    expect(record).toMatchObject({ id: result.scanId, name: 'sample_c.las', format: 'las', pointCount: 14_408, sourcePath: SAMPLE_C });
    expect(record.origin).toEqual(scan.origin);
    expect(record.octree.nodes).toBe(result.nodes);
  });

  it('`scanlabel import` of a 697,721-point LAZ under an 8 MiB budget (spilling) prints the id and counts', async () => {
    const project = join(work, 'p2', 'not-yet-created');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['import', IGN_LAZ, '--project', project, '--json', '--memory-budget', '8'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const result = JSON.parse(out.join('\n')) as { scanId: string; pointCount: number; faceCount: number; nodes: number; seconds: number };
    expect(result.pointCount).toBe(697_721);
    expect(result.nodes).toBeGreaterThan(10);
    expect(result.seconds).toBeGreaterThan(0);
    await expectOctreeInvariants(join(project, 'scans', result.scanId, 'octree'), 697_721);
    expect(readdirSync(join(project, 'scans', result.scanId)).sort()).toEqual(['octree', 'scan.json']);
  });

  it('text output names the scan id first; a missing file is bad input and writes nothing', async () => {
    const project = join(work, 'p3');
    const out: string[] = [];
    const code = await runCli(['import', SAMPLE_C, '--project', project], { out: (l) => out.push(l), err: () => {} });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^sample_c-[0-9a-f]{8}$/);
    expect(out[1]).toMatch(/^14,408 points, 0 faces, \d+ octree nodes in \d+ levels/);

    const err: string[] = [];
    const missing = await runCli(['import', join(work, 'nope.las'), '--project', project], { out: () => {}, err: (l) => err.push(l) });
    expect(missing).toBe(2);
    expect(err.join('\n')).toMatch(/nope\.las/);
    expect(readdirSync(join(project, 'scans'))).toEqual([out[0]]);
    expect(await runCli(['import', SAMPLE_C], { out: () => {}, err: () => {} })).toBe(64);
    expect(existsSync(join(project, 'scans', out[0]!, 'scan.json'))).toBe(true);
  });
});
