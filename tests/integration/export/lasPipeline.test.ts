import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import { exportScan, openFileSink, type SinkOpener } from '../../../electron/services/export/index';
import { labelRuns, projectWithScan, rng, workDir } from './projectFixture';
import { readSpecLas, specExtraBytes } from './lasSpecReader';

const work = workDir('las-pipeline');
afterAll(() => work.cleanup());

/** A LAS 1.2 PDRF 3 file with random record bytes: many of the exporter's ~1 MB (30,840-point) kernel batches. */
function writeRandomLas(file: string, n: number): Uint8Array {
  const rl = 34;
  const header = new Uint8Array(227);
  const dv = new DataView(header.buffer);
  header.set([0x4c, 0x41, 0x53, 0x46]);
  header[24] = 1;
  header[25] = 2;
  dv.setUint16(94, 227, true);
  dv.setUint32(96, 227, true);
  header[104] = 3;
  dv.setUint16(105, rl, true);
  dv.setUint32(107, n, true);
  dv.setUint32(111, n, true);
  [0.01, 0.01, 0.01].forEach((s, k) => dv.setFloat64(131 + 8 * k, s, true));
  // max x, min x, max y, min y, max z, min z (header bounds are not checked against the records)
  [2e7, -2e7, 2e7, -2e7, 2e7, -2e7].forEach((v, k) => dv.setFloat64(179 + 8 * k, v, true));
  const rand = rng(3);
  const records = Uint8Array.from({ length: n * rl }, () => (rand() * 256) | 0);
  writeFileSync(file, Buffer.concat([header, records]));
  return records;
}

const N = 600_000;

/**
 * The LAS-from-LAS export reads the next batch and writes the previous one while the kernel labels
 * the current one: every record of every batch must still land in order, bit for bit, and a failure
 * in the middle must leave no file behind.
 */
describe('LAS export pipeline over several batches', async () => {
  const source = work.path('random.las');
  const records = writeRandomLas(source, N);
  const s = await projectWithScan(work.path('p'), source);
  const expected = labelRuns(s, [2, 6, 5], 4);

  it('writes every record in order: source bytes kept except the class bits, labels per point', async () => {
    const out = work.path('random-out.las');
    const r = await exportScan(s.store, { scanId: s.scanId, format: 'las', out });
    expect(r.pointsWritten).toBe(N);
    const las = readSpecLas(out);
    expect([las.count, las.recordLength]).toEqual([N, 39]);
    const fields = specExtraBytes(las).map((f) => [f.name, f.offset]);
    expect(fields).toEqual([['label_instance', 34], ['label_confidence', 38]]);
    const dv = new DataView(las.records.buffer, las.records.byteOffset, las.records.byteLength);
    for (let i = 0; i < N; i++) {
      const a = i * 34;
      const b = i * 39;
      for (let k = 0; k < 34; k++) {
        const want = k === 15 ? (records[a + 15]! & 0xe0) | Math.max(0, expected.codes[i]!) : records[a + k]!;
        if (las.records[b + k] !== want) throw new Error(`point ${i} byte ${k}: ${las.records[b + k]} vs ${want}`);
      }
      const labeled = expected.codes[i]! >= 0;
      if (dv.getUint32(b + 34, true) !== (labeled ? expected.instances[i] : 0) || las.records[b + 38] !== (labeled ? 255 : 0)) throw new Error(`point ${i}: label fields`);
    }
  });

  it('a full disk in the middle (a read and a write in flight) leaves the older file and no temp file', async () => {
    const out = work.path('full.las');
    writeFileSync(out, 'previous export');
    const diskFull: SinkOpener = async (p) => {
      const inner = await openFileSink(p);
      let total = 0;
      return {
        // Fails after ~15 MB of ~23 MB: in the middle, with the next batch's read in flight.
        write: async (b) => {
          total += b.length;
          if (total > 15_000_000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          await inner.write(b);
        },
        writeAt: (b, at) => inner.writeAt(b, at),
        sync: () => inner.sync(),
        close: () => inner.close(),
      };
    };
    const err = await exportScan(s.store, { scanId: s.scanId, format: 'las', out, openSink: diskFull }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(/full\.las: the disk is full/);
    expect(readFileSync(out, 'utf8')).toBe('previous export');
    expect(work.files().filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('cancelling between batches leaves no file', async () => {
    const out = work.path('cancelled.las');
    const ac = new AbortController();
    const progress = (f: number) => {
      if (f > 0.3 && f < 1) ac.abort();
    };
    await expect(exportScan(s.store, { scanId: s.scanId, format: 'las', out, signal: ac.signal, progress })).rejects.toThrow();
    expect(work.files().filter((f) => f.startsWith('cancelled') || f.includes('.partial'))).toEqual([]);
  });
});
