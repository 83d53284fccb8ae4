// Import benchmark (`npm run bench:import`, run with tsx): points per second of every point-cloud
// importer (openScan + all chunks, the streaming path), on real files from ../shared/data and on
// generated large files, each next to a raw sequential read of the same file with the same chunk
// size (the bytes of one output chunk), plus resident memory per point of an in-memory readScan.
// Writes bench-output/import.json and bench-output/import.md (the table for docs/benchmarks.md).
// Generated files go to a temp folder (os.tmpdir()) that is removed afterwards.
//
//   npm run bench:import [-- --large] [-- --points N] [-- --only las,ply] [-- --threads N]
//
// --threads N sets the decode pool's worker threads (LAZ chunks, large LAS files; 0 = everything on
// the calling thread) for interleaved before/after runs. Rows of files decoded on workers report the
// workers' utilisation: their summed busy time over wall time x workers, in the best run.
// --large adds a 100 M point LAS (3.4 GB, skipped when the temp disk has less than twice that free).
// Internal: --memory FILE runs one readScan in this process (started by the parent with --expose-gc).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MALLOC_TUNABLES, mallocTuned, relaunchWithMallocTuning } from '../electron/host/mallocTuning';
import { decodeWorkerSettings, runningDecodePool } from '../electron/services/scans/formats/stream/decode-pool';
import { openScan, readScan } from '../electron/services/scans/read';
import { writeE57 } from '../tests/integration/scans/e57/e57Writer';

// The core runs with the product's malloc settings (host/mallocTuning.ts): so does this benchmark.
const relaunched = await relaunchWithMallocTuning();
if (relaunched !== null) process.exit(relaunched);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.resolve(repo, '../shared/data');
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** Points per output chunk for every reader; the raw read uses the byte size of one such chunk. */
const CHUNK_POINTS = 1_000_000;
/** Timed runs per case stop after this much time (at least MIN_RUNS, at most MAX_RUNS); the best run counts. */
const RUN_SECONDS = 1.5;
const MIN_RUNS = 3;
const MAX_RUNS = 40;

// ---------------------------------------------------------------- in-memory readScan (child mode)

const threadsFlag = flag('--threads');
if (threadsFlag !== undefined) decodeWorkerSettings.threads = Number(threadsFlag);

if (argv[0] === '--memory') {
  const file = argv[1]!;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('--memory needs node --expose-gc');
  gc();
  const before = process.memoryUsage();
  const t = process.hrtime.bigint();
  const scan = await readScan(file, { chunkPoints: CHUNK_POINTS });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  // Array buffer backing stores are freed after the collection that finds them dead: collect, let it finish, collect again.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const after = process.memoryUsage();
  // Each buffer once: imported label layers may share their attribute's array.
  const buffers = new Set<ArrayBufferLike>([
    scan.positions.buffer,
    ...scan.attributes.map((a) => a.values.buffer),
    ...scan.labelLayers.map((l) => l.values.buffer),
  ]);
  const modelBytes = [...buffers].reduce((sum, b) => sum + b.byteLength, 0);
  const n = scan.pointCount;
  process.stdout.write(
    JSON.stringify({
      points: n,
      seconds: +seconds.toFixed(3),
      rssDeltaBytesPerPoint: +((after.rss - before.rss) / n).toFixed(1),
      arrayBuffersDeltaBytesPerPoint: +((after.arrayBuffers - before.arrayBuffers) / n).toFixed(1),
      modelBytesPerPoint: +(modelBytes / n).toFixed(1),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      peakRssBytesPerPoint: +((process.resourceUsage().maxRSS * 1024) / n).toFixed(1),
      attributes: scan.attributes.map((a) => `${a.name}:${a.type}x${a.components}`).join(' '),
      labelLayers: scan.labelLayers.length,
    }) + '\n',
  );
  process.exit(0);
}

// ---------------------------------------------------------------- generated files

/** LAS 1.2 PDRF 3: sample_c.las records replicated on a grid of tiles (XY shifted per tile), header fixed up. */
function writeReplicatedLas(file: string, points: number): void {
  const src = readFileSync(path.join(data, 'pdal-sample-c/sample_c.las'));
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const offsetToData = dv.getUint32(96, true);
  const rl = dv.getUint16(105, true);
  const n0 = dv.getUint32(107, true);
  if (src[104] !== 3 || rl !== 34) throw new Error('sample_c.las is expected to be PDRF 3 with 34-byte records');
  const scale = [dv.getFloat64(131, true), dv.getFloat64(139, true)];
  const offset = [dv.getFloat64(155, true), dv.getFloat64(163, true)];
  const [maxX, minX, maxY, minY] = [179, 187, 195, 203].map((o) => dv.getFloat64(o, true)) as [number, number, number, number];
  const records = src.subarray(offsetToData, offsetToData + n0 * rl);
  // Tile pitch in integer steps: the tile's extent plus a gap.
  const pitchX = Math.ceil((maxX - minX) / scale[0]!) + 100;
  const pitchY = Math.ceil((maxY - minY) / scale[1]!) + 100;
  const tiles = Math.ceil(points / n0);
  const side = Math.ceil(Math.sqrt(tiles));
  const header = Buffer.from(src.subarray(0, offsetToData));
  const hv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  hv.setUint32(107, points, true);
  const byReturn = [0, 0, 0, 0, 0];
  for (let i = 0; i < points; i++) {
    const r = (records[(i % n0) * rl + 14]! & 7) - 1;
    if (r >= 0 && r < 5) byReturn[r]!++;
    if (i === n0 - 1 && points > 2 * n0) {
      // whole tiles repeat the same counts: scale instead of counting every point
      const whole = Math.floor(points / n0);
      for (let k = 0; k < 5; k++) byReturn[k]! *= whole;
      for (let j = whole * n0; j < points; j++) {
        const rr = (records[(j % n0) * rl + 14]! & 7) - 1;
        if (rr >= 0 && rr < 5) byReturn[rr]!++;
      }
      break;
    }
  }
  byReturn.forEach((c, k) => hv.setUint32(111 + 4 * k, c, true));
  hv.setFloat64(179, minX + (side - 1) * pitchX * scale[0]! + (maxX - minX), true);
  hv.setFloat64(195, minY + (Math.ceil(tiles / side) - 1) * pitchY * scale[1]! + (maxY - minY), true);
  void offset;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, header);
    const tilesPerBlock = Math.max(1, Math.floor(4_000_000 / n0));
    const block = Buffer.alloc(tilesPerBlock * n0 * rl);
    const bv = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let t0 = 0; t0 < tiles; t0 += tilesPerBlock) {
      let bytes = 0;
      for (let t = t0; t < Math.min(tiles, t0 + tilesPerBlock); t++) {
        const take = Math.min(n0, points - t * n0);
        const dx = (t % side) * pitchX;
        const dy = Math.floor(t / side) * pitchY;
        block.set(records.subarray(0, take * rl), bytes);
        for (let i = 0, o = bytes; i < take; i++, o += rl) {
          bv.setInt32(o, bv.getInt32(o, true) + dx, true);
          bv.setInt32(o + 4, bv.getInt32(o + 4, true) + dy, true);
        }
        bytes += take * rl;
      }
      writeSync(fd, block, 0, bytes);
    }
  } finally {
    closeSync(fd);
  }
}

/** A terrain-like grid: x, y on a 5 cm grid, z a smooth surface. */
function gridPoint(i: number, side: number): [number, number, number] {
  const x = (i % side) * 0.05;
  const y = Math.floor(i / side) * 0.05;
  return [x, y, 2 * Math.sin(x * 0.1) * Math.cos(y * 0.07)];
}

/** Binary little-endian PLY, 15-byte vertices: float x y z, uchar red green blue (a CloudCompare-style export). */
function writePly(file: string, points: number): void {
  const header = `ply\nformat binary_little_endian 1.0\ncomment scanlabel bench\nelement vertex ${points}\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n`;
  writeBlocks(file, Buffer.from(header, 'latin1'), points, 15, (bv, o, i, side) => {
    const [x, y, z] = gridPoint(i, side);
    bv.setFloat32(o, x, true);
    bv.setFloat32(o + 4, y, true);
    bv.setFloat32(o + 8, z, true);
    bv.setUint8(o + 12, i & 0xff);
    bv.setUint8(o + 13, (i >> 3) & 0xff);
    bv.setUint8(o + 14, (i >> 6) & 0xff);
  });
}

/** PCD fields x y z (F4), rgb (packed, F4), label (U4): 20-byte points. */
function pcdPoint(bv: DataView, o: number, i: number, side: number): void {
  const [x, y, z] = gridPoint(i, side);
  bv.setFloat32(o, x, true);
  bv.setFloat32(o + 4, y, true);
  bv.setFloat32(o + 8, z, true);
  bv.setUint32(o + 12, (i * 2654435761) & 0xffffff, true);
  bv.setUint32(o + 16, i % 7, true);
}

function pcdHeader(points: number, data: string): Buffer {
  return Buffer.from(
    `# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS x y z rgb label\nSIZE 4 4 4 4 4\nTYPE F F F F U\nCOUNT 1 1 1 1 1\nWIDTH ${points}\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS ${points}\nDATA ${data}\n`,
    'latin1',
  );
}

function writePcdBinary(file: string, points: number): void {
  writeBlocks(file, pcdHeader(points, 'binary'), points, 20, pcdPoint);
}

/** PCL's binary_compressed: field-major (all x, all y, ...) then LZF. */
function writePcdCompressed(file: string, points: number): void {
  const side = Math.ceil(Math.sqrt(points));
  const interleaved = new Uint8Array(points * 20);
  const bv = new DataView(interleaved.buffer);
  for (let i = 0; i < points; i++) pcdPoint(bv, i * 20, i, side);
  const fieldMajor = new Uint8Array(points * 20);
  for (let f = 0; f < 5; f++)
    for (let i = 0; i < points; i++) fieldMajor.set(interleaved.subarray(i * 20 + 4 * f, i * 20 + 4 * f + 4), f * 4 * points + 4 * i);
  const compressed = lzf(fieldMajor);
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32LE(compressed.length, 0);
  sizes.writeUInt32LE(fieldMajor.length, 4);
  writeFileSync(file, Buffer.concat([pcdHeader(points, 'binary_compressed'), sizes, compressed]));
}

/** Greedy LZF (3-byte hash, 8 KiB window), typed arrays so tens of MB compress in about a second. */
function lzf(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length + Math.ceil(input.length / 32) + 16);
  const table = new Int32Array(1 << 16).fill(-1);
  let op = 0;
  let litStart = 0;
  const flush = (end: number) => {
    for (let s = litStart; s < end; s += 32) {
      const n = Math.min(32, end - s);
      out[op++] = n - 1;
      out.set(input.subarray(s, s + n), op);
      op += n;
    }
  };
  let ip = 0;
  while (ip + 2 < input.length) {
    const h = ((input[ip]! << 16) | (input[ip + 1]! << 8) | input[ip + 2]!) * 2654435761;
    const slot = (h >>> 16) & 0xffff;
    const ref = table[slot]!;
    table[slot] = ip;
    const off = ip - ref - 1;
    if (ref >= 0 && off < 8192 && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 3;
      while (len < 264 && ip + len < input.length && input[ref + len] === input[ip + len]) len++;
      flush(ip);
      const l = len - 2;
      if (l < 7) out[op++] = (l << 5) | (off >> 8);
      else {
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      ip += len;
      litStart = ip;
      continue;
    }
    ip++;
  }
  flush(input.length);
  return out.slice(0, op);
}

function writeXyz(file: string, points: number): void {
  const side = Math.ceil(Math.sqrt(points));
  const fd = openSync(file, 'w');
  try {
    for (let s = 0; s < points; s += 100_000) {
      const lines: string[] = [];
      for (let i = s; i < Math.min(points, s + 100_000); i++) {
        const [x, y, z] = gridPoint(i, side);
        lines.push(`${(500000 + x).toFixed(3)} ${(4000000 + y).toFixed(3)} ${z.toFixed(3)} ${i & 0xfff}\n`);
      }
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

function writeE57File(file: string, points: number): void {
  const side = Math.ceil(Math.sqrt(points));
  const records: number[][] = new Array(points);
  for (let i = 0; i < points; i++) {
    const [x, y, z] = gridPoint(i, side);
    records[i] = [x, y, z, i & 0xfff];
  }
  const bytes = writeE57(
    [
      {
        name: 'bench',
        fields: [
          { name: 'cartesianX', type: 'Float', precision: 'double' },
          { name: 'cartesianY', type: 'Float', precision: 'double' },
          { name: 'cartesianZ', type: 'Float', precision: 'double' },
          { name: 'intensity', type: 'Integer', minimum: 0, maximum: 4095 },
        ],
        records,
        intensityLimits: [0, 4095],
      },
    ],
    { packetSlice: 15000 },
  );
  writeFileSync(file, bytes);
}

function writeBlocks(
  file: string,
  header: Buffer,
  points: number,
  size: number,
  put: (bv: DataView, o: number, i: number, side: number) => void,
): void {
  const side = Math.ceil(Math.sqrt(points));
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, header);
    const per = 1 << 20;
    const block = Buffer.alloc(per * size);
    const bv = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let s = 0; s < points; s += per) {
      const n = Math.min(per, points - s);
      for (let i = 0; i < n; i++) put(bv, i * size, s + i, side);
      writeSync(fd, block, 0, n * size);
    }
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------- measuring

interface Case {
  name: string;
  /** Format as the issue groups them (LAS, LAZ, PLY binary, ...). */
  group: string;
  file: string;
  generated: boolean;
}

/** Wall and CPU (user + system, this process and its I/O threads) seconds. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The decode pool's summed worker busy time so far (0 before it starts; a restarted pool counts from 0 again). */
function poolBusy(): { busyMs: number; size: number } {
  const pool = runningDecodePool();
  return { busyMs: pool?.stats.busyMs ?? 0, size: pool?.size ?? 0 };
}

async function decodeOnce(file: string): Promise<{ points: number; seconds: number; cpu: number; format: string; utilisation: number | null }> {
  const busy = poolBusy();
  const cpu = cpuSeconds();
  const t = process.hrtime.bigint();
  const reader = await openScan(file);
  let points = 0;
  try {
    for await (const chunk of reader.chunks({ chunkPoints: CHUNK_POINTS })) points += chunk.count;
  } finally {
    await reader.close();
  }
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const after = poolBusy();
  const busyMs = after.busyMs - (after.busyMs >= busy.busyMs ? busy.busyMs : 0);
  const utilisation = busyMs > 0 && after.size > 0 ? busyMs / 1000 / (seconds * after.size) : null;
  return { points, seconds, cpu: cpuSeconds() - cpu, format: reader.info.format, utilisation };
}

/** Sequential read of the whole file into one reused buffer of `chunkBytes`. */
async function rawReadOnce(file: string, chunkBytes: number): Promise<{ seconds: number; cpu: number }> {
  const cpu = cpuSeconds();
  const t = process.hrtime.bigint();
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, cpu: cpuSeconds() - cpu };
}

async function measure(c: Case): Promise<Record<string, unknown>> {
  const bytes = statSync(c.file).size;
  const warm = await decodeOnce(c.file); // also pulls the file into the page cache
  const chunkBytes = Math.max(4096, Math.min(bytes, Math.ceil((bytes / Math.max(1, warm.points)) * CHUNK_POINTS)));
  let best = Infinity;
  let bestRaw = Infinity;
  let bestCpu = Infinity;
  let bestRawCpu = Infinity;
  let bestUtilisation: number | null = null;
  let runs = 0;
  const until = performance.now() + RUN_SECONDS * 1000;
  while (runs < MIN_RUNS || (runs < MAX_RUNS && performance.now() < until)) {
    const raw = await rawReadOnce(c.file, chunkBytes);
    bestRaw = Math.min(bestRaw, raw.seconds);
    bestRawCpu = Math.min(bestRawCpu, raw.cpu);
    const run = await decodeOnce(c.file);
    if (run.seconds < best) bestUtilisation = run.utilisation;
    best = Math.min(best, run.seconds);
    bestCpu = Math.min(bestCpu, run.cpu);
    runs++;
  }
  const row = {
    case: c.name,
    group: c.group,
    format: warm.format,
    generated: c.generated,
    file: c.generated ? path.basename(c.file) : path.relative(data, c.file),
    bytes,
    points: warm.points,
    runs,
    seconds: +best.toFixed(4),
    mpointsPerSecond: +(warm.points / best / 1e6).toFixed(2),
    rawReadSeconds: +bestRaw.toFixed(4),
    rawChunkBytes: chunkBytes,
    ratioToRawRead: +(best / bestRaw).toFixed(1),
    cpuSeconds: +bestCpu.toFixed(4),
    mpointsPerCpuSecond: +(warm.points / bestCpu / 1e6).toFixed(2),
    rawReadCpuSeconds: +bestRawCpu.toFixed(4),
    /** Decode workers' busy time / (wall x workers) in the best run; null when nothing ran on workers. */
    workerUtilisation: bestUtilisation === null ? null : +bestUtilisation.toFixed(2),
    /** This process's peak so far (streaming keeps memory bounded, so a large case's own peak shows here). */
    processPeakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stderr.write(
    `${row.case}: ${row.points} pts, ${row.mpointsPerSecond} M pts/s, ${row.ratioToRawRead}x raw read, ${row.mpointsPerCpuSecond} M pts/CPU-s${row.workerUtilisation === null ? '' : `, workers ${Math.round(row.workerUtilisation * 100)}% busy`} (best of ${runs})\n`,
  );
  return row;
}

function memory(file: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--memory', file, '--threads', String(decodeWorkerSettings.threads)], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`memory run failed for ${file}: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  process.stderr.write(`memory ${path.basename(file)}: ${JSON.stringify(out)}\n`);
  return { file: path.basename(file), ...out };
}

// ---------------------------------------------------------------- main

const POINTS = Number(flag('--points') ?? 10_000_000);
const large = argv.includes('--large');
const only = flag('--only')?.split(',');
const loadBefore = loadavg();
const started = new Date();
const dir = mkdtempSync(path.join(tmpdir(), 'scanlabel-bench-import-'));
try {
  const real = (group: string, rel: string): Case => ({ name: `${group}: ${rel}`, group, file: path.join(data, rel), generated: false });
  const cases: Case[] = [
    real('LAS', 'pdal-sample-c/sample_c.las'),
    real('LAS', 'formats/las/simple1_4.las'),
    real('LAS', 'flanders-vle/SA1/SA1_WoodyEdge_79_80.las'),
    real('LAZ', 'ign-lidarhd/las_with_several_extra_byte_bloc.laz'),
    real('LAZ', 'autzen/autzen_trim.laz'),
    real('LAZ', 'formats/las/indoor.laz'),
    real('LAZ', 'formats/las/lone-star.copc.laz'),
    real('PLY binary', 'formats/ply/redkitchen_000.ply'),
    real('PLY binary', 'formats/ply/bunny.ply'),
    real('PCD binary', 'formats/pcd/Zaghetto.pcd'),
    real('PCD binary_compressed', 'formats/pcd/office1.pcd'),
    real('PCD binary_compressed', 'isprs-filtertest/samp11-utm.pcd'),
    real('XYZ', 'formats/xyz/data.xyz'),
    real('E57', 'formats/e57/bunnyDouble.e57'),
    real('E57', 'formats/e57/ColouredCubeFloat.e57'),
  ];
  const generated: { group: string; name: string; points: number; write: (file: string, n: number) => void }[] = [
    { group: 'LAS', name: 'generated.las', points: POINTS, write: writeReplicatedLas },
    { group: 'PLY binary', name: 'generated.ply', points: POINTS, write: writePly },
    { group: 'PCD binary', name: 'generated-binary.pcd', points: Math.ceil(POINTS / 5), write: writePcdBinary },
    { group: 'PCD binary_compressed', name: 'generated-compressed.pcd', points: Math.ceil(POINTS / 5), write: writePcdCompressed },
    { group: 'XYZ', name: 'generated.xyz', points: Math.ceil(POINTS / 10), write: writeXyz },
    { group: 'E57', name: 'generated.e57', points: Math.ceil(POINTS / 10), write: writeE57File },
  ];
  const large100 = 100_000_000;
  const largeBytes = 227 + large100 * 34;
  let largeNote = 'not run (pass --large)';
  if (large) {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free > 2 * largeBytes) {
      generated.push({ group: 'LAS', name: 'generated-100M.las', points: large100, write: writeReplicatedLas });
      largeNote = 'run';
    } else largeNote = `skipped: ${(free / 2 ** 30).toFixed(1)} GiB free in ${tmpdir()}, needs ${((2 * largeBytes) / 2 ** 30).toFixed(1)}`;
  }
  const wanted = (group: string) => !only || only.some((o) => group.toLowerCase().startsWith(o.toLowerCase()));
  const results: Record<string, unknown>[] = [];
  for (const c of cases) if (wanted(c.group)) results.push(await measure(c));
  const memoryRows: Record<string, unknown>[] = [];
  for (const g of generated) {
    if (!wanted(g.group)) continue;
    const file = path.join(dir, g.name);
    const t = performance.now();
    g.write(file, g.points);
    process.stderr.write(
      `wrote ${g.name} (${g.points} points, ${statSync(file).size} bytes) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
    );
    results.push(await measure({ name: `${g.group}: ${g.name}`, group: g.group, file, generated: true }));
    if (g.points === POINTS || g.points === large100) memoryRows.push(memory(file));
    rmSync(file, { force: true });
  }
  const report = {
    benchmark: 'import',
    date: started.toISOString(),
    machine: {
      nproc: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadavgBefore: loadBefore.map((v) => +v.toFixed(2)),
      loadavgAfter: loadavg().map((v) => +v.toFixed(2)),
    },
    node: process.version,
    decodeThreads: decodeWorkerSettings.threads,
    mallocTuning: mallocTuned() ? MALLOC_TUNABLES : 'off (SCANLABEL_MALLOC_TUNING=0 or not Linux)',
    method: `openScan + every chunk (chunkPoints ${CHUNK_POINTS}), best of up to ${MAX_RUNS} runs within ${RUN_SECONDS} s (at least ${MIN_RUNS}); file in the page cache; raw read = sequential fh.read of the whole file into one reused buffer of one output chunk's bytes`,
    large100M: largeNote,
    targets: { binaryLasPlyMpps: 20, binaryLasPlyMaxRatioToRaw: 3, lazMpps: 3, memoryBytesPerPoint: 40 },
    results,
    memory: memoryRows,
    octree: 'see npm run bench:octree (docs/benchmarks.md, Octree)',
  };
  mkdirSync(path.join(repo, 'bench-output'), { recursive: true });
  writeFileSync(path.join(repo, 'bench-output', 'import.json'), JSON.stringify(report, null, 2));
  writeFileSync(path.join(repo, 'bench-output', 'import.md'), markdown(report.results, memoryRows));
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function markdown(rows: Record<string, unknown>[], mem: Record<string, unknown>[]): string {
  const lines = [
    '| format | file | points | M points/s | M points/CPU-s | raw read (s) | import (s) | import / raw read |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.group} | \`${r.file}\`${r.generated ? ' (generated)' : ''} | ${(r.points as number).toLocaleString('en-US')} | ${r.mpointsPerSecond} | ${r.mpointsPerCpuSecond} | ${r.rawReadSeconds} | ${r.seconds} | ${r.ratioToRawRead}x |`,
    ),
    '',
    '| readScan in memory | points | RSS delta bytes/point | array buffers bytes/point | model bytes/point | peak RSS bytes/point | seconds |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...mem.map(
      (m) =>
        `| \`${m.file}\` | ${(m.points as number).toLocaleString('en-US')} | ${m.rssDeltaBytesPerPoint} | ${m.arrayBuffersDeltaBytesPerPoint} | ${m.modelBytesPerPoint} | ${m.peakRssBytesPerPoint} | ${m.seconds} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}
