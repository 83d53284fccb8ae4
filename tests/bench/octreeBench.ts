/**
 * Octree build benchmark: `npm run bench:octree [-- --points N --budget MIB]` (scripts/bench-octree.mjs
 * bundles this file and the octree worker as a build would, so worker start-up is not tsx's).
 *
 * `--modes memory,single` runs only those modes (default: all five). `--cpu-prof DIR` writes a V8 CPU
 * profile of every thread of each mode's child (main thread and workers) to DIR.
 *
 * Generates the demo scene (default 10M points) into a raw columnar file in a temp folder (never
 * committed), then builds its octree in two fresh child processes so each peak RSS is its own:
 *  - memory: the scan loaded into typed arrays on SharedArrayBuffers (position, color, intensity,
 *    classification), then buildOctree(scan) — the in-memory fast path: the workers read the
 *    columns in place, each gathering its slice of the points;
 *  - stream: buildOctree(reader) over the file with a memory budget below the scan's size, so
 *    pass 2 spills to disk — the out-of-core path;
 *  - single: as memory, but indexed on the calling thread (threads: 0): one core's throughput
 *    without our own threads competing for the two cores;
 *  - oneWorker: as memory, with one worker (threads: 1);
 *  - plain: as memory, but the columns on ordinary ArrayBuffers, which workers cannot read: the
 *    passes over the scan run on the calling thread, the workers only index.
 * Prints JSON (the driver also writes it to bench-output/octree.json). The build machine is shared, so CPU time is
 * reported next to wall time: points per CPU-second is the per-core figure that load does not skew.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttributeInfo } from '../../common/contracts/scans';
import { buildOctree } from '../../electron/services/octree/buildOctree';
import { demoPointScan } from '../../electron/services/scans/demo/demoScene';
import type { PointChunk, ReadOptions, ScanInfo, ScanReader } from '../../electron/services/scans/formats/types';
import type { Scan, ScanAttribute } from '../../electron/services/scans/model';

const KEEP = ['color', 'intensity', 'classification'];

interface RawHeader {
  pointCount: number;
  origin: [number, number, number];
  boundsMin: [number, number, number];
  boundsMax: [number, number, number];
  attributes: AttributeInfo[];
  /** Byte offset of each column (positions first) after the header block. */
  columns: { name: string; offset: number; bytesPerPoint: number }[];
}
const HEADER_BYTES = 4096;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function generate(file: string, points: number): RawHeader {
  const scan = demoPointScan({ seed: 1, points });
  const attrs = scan.attributes.filter((a) => KEEP.includes(a.name));
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points * 3; i++) {
    const k = i % 3;
    min[k] = Math.min(min[k]!, scan.positions[i]!);
    max[k] = Math.max(max[k]!, scan.positions[i]!);
  }
  const columns: RawHeader['columns'] = [];
  let offset = HEADER_BYTES;
  for (const [name, values] of [['position', scan.positions] as const, ...attrs.map((a) => [a.name, a.values] as const)]) {
    columns.push({ name, offset, bytesPerPoint: values.byteLength / points });
    offset += values.byteLength;
  }
  const header: RawHeader = {
    pointCount: points,
    origin: scan.origin,
    boundsMin: [0, 1, 2].map((k) => scan.origin[k]! + min[k]!) as [number, number, number],
    boundsMax: [0, 1, 2].map((k) => scan.origin[k]! + max[k]!) as [number, number, number],
    attributes: attrs.map(({ name, type, components }) => ({ name, type, components })),
    columns,
  };
  const fd = openSync(file, 'w');
  const head = Buffer.alloc(HEADER_BYTES);
  head.write(JSON.stringify(header));
  writeSync(fd, head, 0, HEADER_BYTES, 0);
  for (const [i, values] of [scan.positions, ...attrs.map((a) => a.values)].entries()) {
    writeSync(fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 0, values.byteLength, columns[i]!.offset);
  }
  closeSync(fd);
  return header;
}

function readHeader(fd: number): RawHeader {
  const head = Buffer.alloc(HEADER_BYTES);
  readSync(fd, head, 0, HEADER_BYTES, 0);
  return JSON.parse(head.toString('utf8').replace(/\0+$/, '')) as RawHeader;
}

function allocate(info: AttributeInfo, n: number, shared = false) {
  const size = n * info.components;
  const bytes = size * (info.type === 'uint8' ? 1 : info.type === 'uint16' ? 2 : 4);
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return info.type === 'uint8' ? new Uint8Array(buffer) : info.type === 'uint16' ? new Uint16Array(buffer) : new Float32Array(buffer);
}

function readColumn(
  fd: number,
  column: RawHeader['columns'][number],
  start: number,
  target: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number },
) {
  const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  let at = 0;
  while (at < bytes.byteLength) at += readSync(fd, bytes, at, bytes.byteLength - at, column.offset + start * column.bytesPerPoint + at);
}

/** The scan in memory: columns on SharedArrayBuffers (workers gather in place) unless `shared` is false. */
function loadScan(file: string, shared: boolean): Scan {
  const fd = openSync(file, 'r');
  const h = readHeader(fd);
  const positions = allocate({ name: 'position', type: 'float32', components: 3 }, h.pointCount, shared) as Float32Array;
  readColumn(fd, h.columns[0]!, 0, positions);
  const attributes: ScanAttribute[] = h.attributes.map((info, i) => {
    const values = allocate(info, h.pointCount, shared);
    readColumn(fd, h.columns[i + 1]!, 0, values);
    return { ...info, values };
  });
  closeSync(fd);
  return {
    id: 'bench',
    name: 'bench',
    format: 'raw',
    sourcePath: file,
    origin: h.origin,
    positions,
    pointCount: h.pointCount,
    attributes,
    mesh: null,
    labelLayers: [],
    crs: null,
    source: null,
  };
}

/** A file reader like the format modules': bounded reads, one chunk at a time. */
function openRaw(file: string): ScanReader {
  const fd = openSync(file, 'r');
  const h = readHeader(fd);
  const info: ScanInfo = {
    format: 'raw',
    version: '1',
    pointCount: h.pointCount,
    faceCount: 0,
    boundsMin: h.boundsMin,
    boundsMax: h.boundsMax,
    origin: h.origin,
    attributes: h.attributes,
    crs: null,
    details: {},
    source: null,
  };
  return {
    path: file,
    info,
    async *chunks(options?: ReadOptions): AsyncIterable<PointChunk> {
      const size = options?.chunkPoints ?? 1 << 17;
      for (let start = 0; start < h.pointCount; start += size) {
        const count = Math.min(size, h.pointCount - start);
        const positions = new Float32Array(count * 3);
        readColumn(fd, h.columns[0]!, start, positions);
        const attributes = h.attributes.map((a, i) => {
          const values = allocate(a, count);
          readColumn(fd, h.columns[i + 1]!, start, values);
          return { ...a, values };
        });
        yield { start, count, positions, attributes };
      }
    },
    async mesh() {
      return null;
    },
    labelAttributes: () => [],
    async close() {
      closeSync(fd);
    },
  };
}

const ALL_MODES = ['memory', 'stream', 'single', 'oneWorker', 'plain'] as const;
type Mode = (typeof ALL_MODES)[number];

async function child(mode: Mode, file: string, out: string, budgetMiB: number) {
  const input = mode === 'stream' ? openRaw(file) : loadScan(file, mode !== 'plain');
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await buildOctree(
    input,
    join(out, `octree-${mode}`),
    mode === 'stream' ? { memoryBudgetBytes: budgetMiB * 1024 * 1024 } : mode === 'single' ? { threads: 0 } : mode === 'oneWorker' ? { threads: 1 } : {},
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const n = result.pointCount;
  const threads = Number(/^(\d+) worker/.exec(result.indexing)?.[1] ?? 1);
  const cores = Math.min(availableParallelism(), threads);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    JSON.stringify({
      mode,
      points: n,
      nodes: result.nodeCount,
      levels: result.levels,
      chunks: result.chunks,
      spills: result.spills,
      indexing: result.indexing,
      wallSeconds: round(wall),
      cpuSeconds: round(cpuSeconds),
      pointsPerSecond: Math.round(n / wall),
      pointsPerSecondPerCore: Math.round(n / wall / cores),
      pointsPerCpuSecond: Math.round(n / cpuSeconds),
      peakRssBytesPerPoint: round(peakRss / n),
      rssBeforeBuildBytesPerPoint: round(rssBefore / n),
      memoryBudgetMiB: mode === 'stream' ? budgetMiB : null,
    }) + '\n',
  );
}

const round = (v: number) => Math.round(v * 1000) / 1000;

async function main() {
  const points = arg('points', 10_000_000);
  const budget = arg('budget', 128);
  const work = mkdtempSync(join(tmpdir(), 'scanlabel-bench-octree-'));
  try {
    const file = join(work, 'scan.raw');
    const g0 = performance.now();
    generate(file, points);
    const generateSeconds = round((performance.now() - g0) / 1000);
    const self = fileURLToPath(import.meta.url);
    const modes = (process.argv[process.argv.indexOf('--modes') + 1] ?? '').split(',');
    const selected = process.argv.includes('--modes') ? ALL_MODES.filter((m) => modes.includes(m)) : ALL_MODES;
    const profAt = process.argv.indexOf('--cpu-prof');
    const prof = profAt >= 0 ? ['--cpu-prof', '--cpu-prof-dir', process.argv[profAt + 1]!] : [];
    const runs = selected.map((mode) => {
      const load = loadavg()[0];
      const r = spawnSync(process.execPath, [...prof, self, '--child', mode, file, work, String(budget)], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      if (r.status !== 0) throw new Error(`${mode} run failed:\n${r.stderr}`);
      rmSync(join(work, `octree-${mode}`), { recursive: true, force: true });
      return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as object), loadAverageAtStart: round(load ?? 0) };
    });
    const report = {
      benchmark: 'octree',
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform, glibcTunables: process.env.GLIBC_TUNABLES ?? null },
      scene: `demoPointScan seed 1, ${points} points, attributes position+${KEEP.join('+')}`,
      generateSeconds,
      runs,
    };
    const text = JSON.stringify(report, null, 2);
    process.stdout.write(text + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  const [mode, file, out, budget] = process.argv.slice(childAt + 1);
  await child(mode as Mode, file!, out!, Number(budget));
} else await main();
