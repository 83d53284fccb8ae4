import { truncateSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import { closeDecodePool, decodeWorkerSettings, runningDecodePool } from '../../../electron/services/scans/formats/stream/decode-pool';
import type { PointChunk } from '../../../electron/services/scans/formats/types';
import { openScan, readScan } from '../../../electron/services/scans/read';
import { concat, extraBytesDescriptor, samplePoint, writeLas } from '../../unit/scans/las-fixture';
import { tempDir } from './tempFiles';

/**
 * Large uncompressed LAS files decode on the decode pool's worker threads (each worker reads and
 * decodes a chunk of records). These check that the chunks are exactly those decoded on this thread,
 * in file order, and that a file shrinking under the reader is still a BadInputError at the byte.
 */

const tmp = tempDir('las-record-workers');
const defaults = { ...decodeWorkerSettings };
afterEach(() => Object.assign(decodeWorkerSettings, defaults));
afterAll(() => closeDecodePool());

const POINTS = 200_003;
const CHUNK = 65_536;

/** PDRF 3 (legacy core, GPS, RGB) and PDRF 8 with extra bytes (extended core, NIR, scaled extras). */
const files = {
  pdrf3: () =>
    writeLas({ minor: 2, pointFormat: 3, points: Array.from({ length: POINTS }, (_, i) => samplePoint(i, false)) }),
  pdrf8: () => {
    const extra = (i: number) => new Uint8Array([i & 0xff, (i >> 8) & 0xff, (i * 7) & 0xff]);
    const descriptors = concat(
      extraBytesDescriptor({ name: 'a', dataType: 1 }),
      extraBytesDescriptor({ name: 'b', dataType: 4, options: 8 | 16, scale: 0.1, offset: 5 }),
    );
    return writeLas({
      minor: 4,
      pointFormat: 8,
      points: Array.from({ length: POINTS }, (_, i) => samplePoint(i, true, extra(i))),
      vlrs: [{ userId: 'LASF_Spec', recordId: 4, data: descriptors }],
    });
  },
};

async function chunksOf(file: string): Promise<PointChunk[]> {
  const reader = await openScan(file);
  const out: PointChunk[] = [];
  try {
    for await (const c of reader.chunks({ chunkPoints: CHUNK })) out.push(c);
  } finally {
    await reader.close();
  }
  return out;
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('uncompressed LAS records decoded on worker threads', () => {
  it.each(Object.keys(files) as (keyof typeof files)[])('%s: the same chunks as this thread decodes, in file order', async (name) => {
    const file = tmp.write(`${name}.las`, files[name]());
    decodeWorkerSettings.threads = 0;
    const here = await chunksOf(file);
    decodeWorkerSettings.threads = 2;
    decodeWorkerSettings.minRecordPoints = 1;
    const jobsBefore = runningDecodePool()?.stats.jobs ?? 0;
    const workers = await chunksOf(file);
    expect(runningDecodePool()!.stats.jobs - jobsBefore).toBe(4); // one job per chunk, none decoded here
    expect(workers.map((c) => [c.start, c.count])).toEqual(here.map((c) => [c.start, c.count]));
    expect(workers.map((c) => c.count)).toEqual([CHUNK, CHUNK, CHUNK, POINTS - 3 * CHUNK]);
    workers.forEach((c, k) => {
      const h = here[k]!;
      expect(bytesOf(c.positions).equals(bytesOf(h.positions))).toBe(true);
      expect(c.attributes.map((a) => a.name)).toEqual(h.attributes.map((a) => a.name));
      c.attributes.forEach((a, j) => expect(bytesOf(a.values).equals(bytesOf(h.attributes[j]!.values)), a.name).toBe(true));
    });
    // readScan decodes in place on this thread even then: the same scan.
    const scan = await readScan(file, { chunkPoints: CHUNK });
    decodeWorkerSettings.threads = 0;
    const ref = await readScan(file, { chunkPoints: CHUNK });
    expect(scan.pointCount).toBe(POINTS);
    expect(bytesOf(scan.positions).equals(bytesOf(ref.positions))).toBe(true);
    scan.attributes.forEach((a, j) => expect(bytesOf(a.values).equals(bytesOf(ref.attributes[j]!.values)), a.name).toBe(true));
  });

  it('small files and small chunks stay on this thread (the file still reads whole)', async () => {
    const file = tmp.write('small.las', files.pdrf3());
    decodeWorkerSettings.threads = 2;
    decodeWorkerSettings.minRecordPoints = POINTS + 1;
    expect((await chunksOf(file)).reduce((s, c) => s + c.count, 0)).toBe(POINTS);
  });

  it('a file cut short after it was opened: BadInputError with the byte where the records end', async () => {
    const bytes = files.pdrf3();
    const file = tmp.write('shrinks.las', bytes);
    decodeWorkerSettings.threads = 2;
    decodeWorkerSettings.minRecordPoints = 1;
    const reader = await openScan(file);
    const rl = 34;
    const dataStart = bytes.length - POINTS * rl;
    const cut = dataStart + (2 * CHUNK + 100) * rl + 5;
    truncateSync(file, cut);
    let seen = 0;
    const err = await (async () => {
      try {
        for await (const c of reader.chunks({ chunkPoints: CHUNK })) seen += c.count;
      } catch (e) {
        return e;
      } finally {
        await reader.close();
      }
      return null;
    })();
    expect(seen).toBe(2 * CHUNK);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toBe(`shrinks.las: byte ${cut}: point data ends early: expected ${CHUNK} records of ${rl} bytes here`);
  });
});
