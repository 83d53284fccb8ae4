import { truncateSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import { closeDecodePool, decodeWorkerSettings, runningDecodePool } from '../../../electron/services/scans/formats/stream/decode-pool';
import type { PointChunk } from '../../../electron/services/scans/formats/types';
import { openScan } from '../../../electron/services/scans/read';
import { writePly, type PlyEncoding } from './ply/plyWriter';
import { tempDir } from './tempFiles';

/**
 * Large binary PLY vertex elements are checked and bounded (when the file opens) and decoded (when
 * streamed) on the decode pool's worker threads, a range of vertices per job. These check that the
 * result is exactly what this thread computes: info (bounds, origin), chunks, and the errors.
 */

const tmp = tempDir('ply-vertex-workers');
const defaults = { ...decodeWorkerSettings };
afterEach(() => Object.assign(decodeWorkerSettings, defaults));
afterAll(() => closeDecodePool());

const POINTS = 120_003;
const CHUNK = 65_536;
const JOB = 40_000;

/** Double x/y (georeferenced), float z, float colour (converted), uchar label (byte copy), a short. */
function cloud(encoding: PlyEncoding, edit?: (records: number[][]) => void): Uint8Array {
  const records = Array.from({ length: POINTS }, (_, i) => [
    512345.678901 + (i % 1000) * 0.25,
    5403210.123456 - Math.floor(i / 1000) * 0.5,
    Math.fround(250.5 + (i % 7) * 0.125),
    Math.fround((i % 11) / 10),
    Math.fround((i % 13) / 12),
    Math.fround((i % 17) / 16),
    i % 256,
    -32768 + (i % 65536),
  ]);
  edit?.(records);
  return writePly(encoding, [
    {
      name: 'vertex',
      properties: [
        { name: 'x', type: 'double' },
        { name: 'y', type: 'double' },
        { name: 'z', type: 'float' },
        { name: 'red', type: 'float' },
        { name: 'green', type: 'float' },
        { name: 'blue', type: 'float' },
        { name: 'label', type: 'uchar' },
        { name: 'a_short', type: 'short' },
      ],
      records,
    },
  ]);
}

async function readAll(file: string): Promise<{ info: unknown; chunks: PointChunk[] }> {
  const reader = await openScan(file);
  const chunks: PointChunk[] = [];
  try {
    for await (const c of reader.chunks({ chunkPoints: CHUNK })) chunks.push(c);
    return { info: reader.info, chunks };
  } finally {
    await reader.close();
  }
}

async function failure(file: string, onWorkers: boolean): Promise<string> {
  decodeWorkerSettings.threads = onWorkers ? 2 : 0;
  const e = await readAll(file).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BadInputError);
  return (e as Error).message;
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function useWorkers(): void {
  decodeWorkerSettings.threads = 2;
  decodeWorkerSettings.minRecordPoints = 1;
  decodeWorkerSettings.jobPoints = JOB;
}

describe('binary PLY vertices on worker threads', () => {
  it.each(['binary_little_endian', 'binary_big_endian'] as const)('%s: the same info and chunks as this thread', async (encoding) => {
    const file = tmp.write(`cloud-${encoding}.ply`, cloud(encoding));
    decodeWorkerSettings.threads = 0;
    const here = await readAll(file);
    useWorkers();
    const jobsBefore = runningDecodePool()?.stats.jobs ?? 0;
    const workers = await readAll(file);
    // 4 bounds jobs of 40,000 vertices when the file opens, then 4 decode jobs (chunks of at most a job).
    expect(runningDecodePool()!.stats.jobs - jobsBefore).toBe(4 + 4);
    expect(workers.info).toEqual(here.info);
    expect(workers.chunks.map((c) => [c.start, c.count])).toEqual([
      [0, JOB],
      [JOB, JOB],
      [2 * JOB, JOB],
      [3 * JOB, POINTS - 3 * JOB],
    ]);
    const joined = (chunks: PointChunk[], pick: (c: PointChunk) => ArrayBufferView) => Buffer.concat(chunks.map((c) => bytesOf(pick(c))));
    expect(joined(workers.chunks, (c) => c.positions).equals(joined(here.chunks, (c) => c.positions))).toBe(true);
    const names = here.chunks[0]!.attributes.map((a) => a.name);
    expect(workers.chunks[0]!.attributes.map((a) => a.name)).toEqual(names);
    for (const [k, name] of names.entries())
      expect(joined(workers.chunks, (c) => c.attributes[k]!.values).equals(joined(here.chunks, (c) => c.attributes[k]!.values)), name).toBe(
        true,
      );
  });

  it('a non-finite coordinate in a later range: the same error as this thread gives (the first bad vertex)', async () => {
    const file = tmp.write(
      'nan.ply',
      cloud('binary_little_endian', (r) => {
        r[100_000]![1] = NaN;
        r[100_001]![0] = Infinity;
        r[119_999]![2] = NaN;
      }),
    );
    const here = await failure(file, false);
    useWorkers();
    expect(await failure(file, true)).toBe(here);
    expect(here).toMatch(/^nan\.ply: byte \d+: vertex 100000 has a non-finite coordinate \(512345\.678901, NaN, 251\.125\)$/);
  });

  it('a file cut short after it was opened: the truncation error at the first missing record', async () => {
    const bytes = cloud('binary_little_endian');
    const messages: string[] = [];
    for (const onWorkers of [false, true]) {
      const file = tmp.write(`cut-${onWorkers}.ply`, bytes);
      if (onWorkers) useWorkers();
      else decodeWorkerSettings.threads = 0;
      const reader = await openScan(file);
      truncateSync(file, bytes.length - 1000 * 29 - 3);
      try {
        for await (const _ of reader.chunks({ chunkPoints: CHUNK }));
        messages.push('no error');
      } catch (e) {
        expect(e).toBeInstanceOf(BadInputError);
        messages.push((e as Error).message.replace(`cut-${onWorkers}.ply`, 'cut.ply'));
      } finally {
        await reader.close();
      }
    }
    expect(messages[1]).toBe(messages[0]);
    // 35-byte records: the file now ends inside record 119174.
    expect(messages[0]).toBe(
      `cut.ply: byte ${bytes.length - POINTS * 35 + 119_174 * 35}: file ends inside element "vertex" record 119174 of 120003 (truncated file or list count running past the end)`,
    );
  });
});
