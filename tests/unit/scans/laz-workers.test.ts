import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import { parseLasHeader } from '../../../electron/services/scans/formats/las/header';
import { decodeChunkTable, type LazChunk } from '../../../electron/services/scans/formats/las/laz-chunk-table';
import { LazChunkDecoder } from '../../../electron/services/scans/formats/las/laz-perf';
import { closeDecodePool as closeLazWorkerPool, decodeWorkerSettings as lazWorkerSettings } from '../../../electron/services/scans/formats/stream/decode-pool';
import { LASZIP_RECORD_ID, LASZIP_USER_ID, parseLaszipVlr } from '../../../electron/services/scans/formats/las/laszip-vlr';
import { LazRecordSource } from '../../../electron/services/scans/formats/las/record-source';
import { findVlr, parseVlrs } from '../../../electron/services/scans/formats/las/vlr';
import { tempDir } from '../../integration/scans/tempFiles';

const repoRoot = path.resolve(__dirname, '../../..');
const data = (rel: string) => path.resolve(repoRoot, '../shared/data', rel);
const original = (rel: string) => new Uint8Array(readFileSync(data(rel)));
const tmp = tempDir('laz-workers');
const defaults = { ...lazWorkerSettings };

afterEach(() => Object.assign(lazWorkerSettings, defaults));
afterAll(() => closeLazWorkerPool());

/** Header, LASzip info and chunk table of a LAZ file's bytes, parsed with the importer's own parsers. */
function structure(bytes: Uint8Array, name: string) {
  const header = parseLasHeader(bytes, name, bytes.length);
  const region = bytes.subarray(header.headerSize, header.offsetToPointData);
  const { vlrs } = parseVlrs(region, header.headerSize, header.vlrCount, name);
  const laszip = parseLaszipVlr(findVlr(vlrs, LASZIP_USER_ID, LASZIP_RECORD_ID)!, header.recordLength, name);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tableOffset = Number(dv.getBigInt64(header.offsetToPointData, true));
  const chunks = decodeChunkTable(bytes.subarray(tableOffset), {
    firstChunkOffset: header.offsetToPointData + 8,
    tableOffset,
    fixedChunkSize: laszip.chunkSize,
    pointCount: header.pointCount,
  });
  return { header, laszip, chunks };
}

/** Streams every record of `bytes` (written to a temp file) through LazRecordSource, in batches that straddle chunks. */
async function readRecords(bytes: Uint8Array, name: string, batch = 70_001) {
  const { header, laszip, chunks } = structure(bytes, name);
  const fh = await open(tmp.write(name, bytes), 'r');
  const source = new LazRecordSource(fh, header, chunks, laszip.layerCount, name);
  const raw = new Uint8Array(header.pointCount * header.recordLength);
  let points = 0;
  try {
    for (let b = await source.next(batch); b; b = await source.next(batch)) {
      raw.set(b.raw.subarray(0, b.count * header.recordLength), points * header.recordLength);
      points += b.count;
    }
    return { raw, points, decodedOn: source.decodedOn, chunks };
  } finally {
    source.close();
    await fh.close();
  }
}

async function failure(bytes: Uint8Array, name: string): Promise<BadInputError> {
  const e = await readRecords(bytes, name).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BadInputError);
  expect((e as Error).message.startsWith(`${name}: `)).toBe(true);
  return e as BadInputError;
}

const edited = (bytes: Uint8Array, fn: (dv: DataView, b: Uint8Array) => void) => {
  const c = bytes.slice();
  fn(new DataView(c.buffer), c);
  return c;
};

describe('laz-perf chunk decoder', () => {
  it("calls ChunkDecoder.getPoint's WASM entry directly (embind's wrapper only if laz-perf's layout changes)", async () => {
    const decoder = await LazChunkDecoder.create(3, 34);
    expect(decoder.direct).toBe(true);
    decoder.close();
  });

  it('decodes the same records directly as through embind', async () => {
    const laz = original('autzen/autzen_trim.laz');
    const { header, chunks } = structure(laz, 'x');
    const c = chunks[1]!;
    const decoder = await LazChunkDecoder.create(header.pointFormat.id, header.recordLength);
    const direct = new Uint8Array(c.pointCount * header.recordLength);
    decoder.open(laz.subarray(c.offset, c.offset + c.byteLength));
    decoder.decode(direct, 0, c.pointCount);
    // The embind path, forced by hiding the raw entry from this decoder only.
    const viaEmbind = new Uint8Array(direct.length);
    Object.defineProperty(decoder, 'loaded', { value: { ...(decoder as unknown as { loaded: object }).loaded, rawGetPoint: null } });
    expect(decoder.direct).toBe(false);
    decoder.open(laz.subarray(c.offset, c.offset + c.byteLength));
    decoder.decode(viaEmbind, 0, c.pointCount);
    decoder.close();
    expect(Buffer.compare(direct, viaEmbind)).toBe(0);
  });
});

describe('LAZ chunks decoded on worker threads', () => {
  it.each([
    'ign-lidarhd/las_with_several_extra_byte_bloc.laz', // LAS 1.4 layered, extra bytes
    'autzen/autzen_trim.laz', // pointwise
    'formats/las/lone-star.copc.laz', // COPC: variable-size chunks
  ])('%s: exactly the records of in-thread decoding, in file order', async (rel) => {
    const bytes = original(rel);
    const name = path.basename(rel);
    lazWorkerSettings.threads = 0;
    const here = await readRecords(bytes, name);
    lazWorkerSettings.threads = 2;
    const workers = await readRecords(bytes, name);
    expect(here.decodedOn).toBe('this thread');
    expect(workers.decodedOn).toBe('workers');
    expect(workers.points).toBe(here.points);
    expect(Buffer.compare(workers.raw, here.raw)).toBe(0);
  });

  it('small files stay on this thread', async () => {
    lazWorkerSettings.threads = 2;
    lazWorkerSettings.minPoints = 1_000_000;
    const r = await readRecords(original('autzen/autzen_trim.laz'), 'small.laz');
    expect(r.decodedOn).toBe('this thread');
    expect(r.points).toBe(110_000);
  });

  it('a corrupt pointwise chunk: BadInputError naming the file, the chunk and its byte offset', async () => {
    lazWorkerSettings.threads = 2;
    const laz = original('autzen/autzen_trim.laz');
    const chunk = structure(laz, 'x').chunks[1]!;
    const bad = edited(laz, (_, b) => {
      for (let i = 0; i < 32; i++) b[chunk.offset + 64 + i]! ^= 0x5a;
    });
    const e = await failure(bad, 'chunk.laz');
    expect(e.message).toMatch(
      new RegExp(`byte ${chunk.offset}: LAZ chunk 1 of 3 .*is corrupt: point \\d+ decodes to [XYZ] = -?\\d+ steps, far outside the header bounds`),
    );
  });

  it('a layered chunk whose point count disagrees with the chunk table, checked on the worker', async () => {
    lazWorkerSettings.threads = 2;
    const laz = original('ign-lidarhd/las_with_several_extra_byte_bloc.laz');
    const { chunks, header } = structure(laz, 'x');
    const c: LazChunk = chunks[5]!;
    const bad = edited(laz, (dv) => dv.setUint32(c.offset + header.recordLength, 12, true));
    const e = await failure(bad, 'layers.laz');
    expect(e.message).toMatch(new RegExp(`byte ${c.offset}: LAZ chunk 5 of ${chunks.length} .*it says 12 points, the chunk table ${c.pointCount}`));
  });

  it('chunks of random bytes fail with an error, never a hang or crash, and the pool keeps working', async () => {
    lazWorkerSettings.threads = 2;
    const laz = original('formats/las/indoor.laz');
    const { chunks } = structure(laz, 'x');
    let seed = 7;
    const bad = edited(laz, (_, b) => {
      for (const c of [chunks[2]!, chunks[9]!])
        for (let i = c.offset; i < c.offset + c.byteLength; i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    });
    const e = await failure(bad, 'random.laz');
    expect(e.message).toMatch(new RegExp(`byte ${chunks[2]!.offset}: LAZ chunk 2 of ${chunks.length} .*is corrupt`));
    const good = await readRecords(original('autzen/autzen_trim.laz'), 'after.laz');
    expect(good.decodedOn).toBe('workers');
    expect(good.points).toBe(110_000);
  });

  it('workers stopping mid-file: the waiting chunk fails with a clear error, the next file starts new workers', async () => {
    lazWorkerSettings.threads = 2;
    const bytes = original('formats/las/lone-star.copc.laz');
    const { header, laszip, chunks } = structure(bytes, 'stop.laz');
    const fh = await open(tmp.write('stop.laz', bytes), 'r');
    const source = new LazRecordSource(fh, header, chunks, laszip.layerCount, 'stop.laz');
    try {
      expect((await source.next(1))!.count).toBe(1);
      await closeLazWorkerPool();
      const e = await source.next(header.pointCount).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(BadInputError);
      expect((e as Error).message).toMatch(/^stop\.laz: byte \d+: LAZ chunk \d+ of \d+ .*its decoder worker failed: /);
    } finally {
      source.close();
      await fh.close();
    }
    const again = await readRecords(original('autzen/autzen_trim.laz'), 'again.laz');
    expect(again.decodedOn).toBe('workers');
  });
});
