import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLasRecordsJob, type LasRecordsJob } from '../../../electron/services/scans/formats/las/las-records-job';
import { pointFormat } from '../../../electron/services/scans/formats/las/point-format';
import { allocateDecoded, makeLayout } from '../../../electron/services/scans/formats/las/records';
import { allocateVertexColumns, type PlyVerticesJob } from '../../../electron/services/scans/formats/ply/ply-vertex-jobs';
import { jobTransfers } from '../../../electron/services/scans/formats/stream/decode-jobs';
import { samplePoint, writeLas } from './las-fixture';

/**
 * Record jobs carry output columns the reader's thread allocated: they are transferred with the job
 * (moved, not copied) and the worker decodes into exactly those arrays.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'decode-job-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POINTS = 5000;

function lasJob(out: boolean): LasRecordsJob {
  const bytes = writeLas({ minor: 2, pointFormat: 3, points: Array.from({ length: POINTS }, (_, i) => samplePoint(i, false)) });
  const file = path.join(dir, 'records.las');
  writeFileSync(file, bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = makeLayout(pointFormat(3)!, dv.getUint16(105, true), []);
  return {
    kind: 'las-records',
    id: 1,
    path: file,
    byteOffset: dv.getUint32(96, true) + 10 * layout.recordLength,
    count: POINTS - 10,
    layout,
    steps: [0, 0, 0],
    scale: [0.01, 0.01, 0.01],
    ...(out ? { out: allocateDecoded(layout, POINTS - 10) } : {}),
  };
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('decode jobs with caller-allocated output columns', () => {
  it('a LAS records job decodes into the columns it carries, the same values as into its own', () => {
    const job = lasJob(true);
    const given = job.out!;
    const filled = runLasRecordsJob(job);
    const own = runLasRecordsJob(lasJob(false));
    if (!filled.ok || !own.ok) throw new Error('the records job failed');
    expect(filled.decoded).toBe(given);
    expect(bytesOf(filled.decoded.positions).equals(bytesOf(own.decoded.positions))).toBe(true);
    filled.decoded.attributes.forEach((a, k) =>
      expect(bytesOf(a.values).equals(bytesOf(own.decoded.attributes[k]!.values)), a.name).toBe(true),
    );
  });

  it('the columns travel with the job (transferred) and a job without them transfers nothing', () => {
    const job = lasJob(true);
    const buffers = jobTransfers(job);
    expect(new Set(buffers)).toEqual(new Set([job.out!.positions.buffer, ...job.out!.attributes.map((a) => a.values.buffer)]));
    expect(jobTransfers(lasJob(false))).toEqual([]);
    const out = allocateVertexColumns(
      [
        { type: 'uint8', components: 3 },
        { type: 'float32', components: 1 },
      ],
      100,
    );
    const ply = { kind: 'ply-vertices', out } as unknown as PlyVerticesJob;
    expect(new Set(jobTransfers(ply))).toEqual(new Set([out.positions.buffer, ...out.columns.map((c) => c.buffer)]));
    expect(out.columns.map((c) => c.length)).toEqual([300, 100]);
  });
});
