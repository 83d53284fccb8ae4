// Long seeded fuzz of every importer (`npm run fuzz`, run with tsx): mutated and truncated versions
// of small real files from ../shared/data (bit flips, byte changes, zeroed and repeated runs,
// truncation at random offsets, header count inflation, shuffled chunks, stacked mutations). Every
// outcome must be a valid scan (chunks add up to pointCount, finite positions, face indices in range)
// or a BadInputError: any other exception, a hang past the case timeout, a crash or more than the
// memory limit is a finding, printed with the seed and case number to reproduce it.
//
//   npm run fuzz [-- --cases N] [-- --seed S] [-- --jobs J] [-- --timeout-ms T]
//   npm run fuzz -- --seed S --case N [--keep]     one case in this process, verbose (--keep leaves the file)
//
// Cases run in child processes (node --max-old-space-size=512) that the parent kills on timeout or
// when their resident memory passes --memory-mb (default 1024); a killed child is replaced.
// Mutated files go to a temp folder (os.tmpdir()) that is removed afterwards.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadInputError } from '../electron/services/errors';
import { openScan } from '../electron/services/scans/read';
import { rechecksum } from '../tests/integration/scans/e57/e57Writer';
import { mutate, prng } from '../tests/integration/scans/mutations';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.resolve(repo, '../shared/data');
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** Small real files, a few per format (small so thousands of cases run in minutes). */
const SEEDS = [
  'pdal-sample-c/sample_c_thin.las',
  'pdal-warsaw-small/warsaw_small.las',
  'flanders-vle/SA1/SA1_Tree_10.las',
  'formats/las/simple1_4.las',
  'ign-lidarhd/append-bug.laz',
  'formats/ply/cube_att.ply',
  'formats/ply/train-1000.ply',
  'formats/ply/bunny.ply',
  'formats/pcd/simple-ascii.pcd',
  'formats/pcd/Zaghetto.pcd',
  'isprs-filtertest/samp24-utm-ground.pcd',
  'formats/xyz/data.xyz',
  'formats/e57/ColouredCubeFloat.e57',
  'formats/obj/magnolia.obj',
  'formats/glb/0.glb',
];

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Bytes of header (kept intact in half the cases so mutations reach the body). */
  header: number;
}

function headerLength(name: string, bytes: Uint8Array): number {
  const text = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 1 << 16))).toString('latin1');
  if (name.endsWith('.las') || name.endsWith('.laz')) return new DataView(bytes.buffer, bytes.byteOffset).getUint32(96, true);
  if (name.endsWith('.ply')) return text.indexOf('end_header') + 11;
  if (name.endsWith('.pcd')) {
    const d = text.indexOf('\nDATA ');
    return d < 0 ? 0 : text.indexOf('\n', d + 1) + 1;
  }
  if (name.endsWith('.e57')) return 48;
  if (name.endsWith('.glb')) return 20;
  return 0;
}

function loadSeeds(): Seed[] {
  return SEEDS.map((name) => {
    const bytes = new Uint8Array(readFileSync(path.join(data, name)));
    return { name, bytes, header: headerLength(name, bytes) };
  });
}

/** Multiplies a count the header states (points, vertices, records) by a random factor. */
function inflateCount(seed: Seed, random: () => number): { bytes: Uint8Array; how: string } | null {
  const out = seed.bytes.slice();
  const factor = [2, 10, 1000, 65536, 2 ** 20][Math.floor(random() * 5)]!;
  const dv = new DataView(out.buffer);
  const n = seed.name;
  if (n.endsWith('.las') || n.endsWith('.laz')) {
    const legacy = dv.getUint32(107, true);
    const big = Math.min(0xffffffff, Math.max(1, legacy) * factor);
    dv.setUint32(107, big, true);
    if (out[25]! >= 4 && out.length > 255) dv.setBigUint64(247, BigInt(big), true);
    return { bytes: out, how: `point count x${factor} (${big})` };
  }
  const text = Buffer.from(out).toString('latin1', 0, Math.min(out.length, seed.header || 4096));
  const patterns = [
    /element vertex (\d+)/,
    /element face (\d+)/,
    /POINTS (\d+)/,
    /WIDTH (\d+)/,
    /recordCount[^>]*>(\d+)</,
    /"count"\s*:\s*(\d+)/,
  ];
  const hits = patterns.map((p) => p.exec(text)).filter((m): m is RegExpExecArray => m !== null);
  if (n.endsWith('.e57') || n.endsWith('.glb')) {
    // E57 keeps its XML at the end; glTF JSON follows the 20-byte GLB header.
    const all = Buffer.from(out).toString('latin1');
    const re = n.endsWith('.e57') ? /recordCount[^>]*>(\d+)</g : /"count":(\d+)/g;
    const found = [...all.matchAll(re)];
    if (found.length === 0) return null;
    const m = found[Math.floor(random() * found.length)]!;
    const digits = m[1]!;
    const bigger = String(Number(digits) * factor);
    if (bigger.length !== digits.length) {
      // Same length keeps offsets (and E57 page checksums' positions) valid: use nines.
      const nines = '9'.repeat(digits.length);
      out.set(Buffer.from(nines, 'latin1'), m.index! + m[0].indexOf(digits));
      return { bytes: out, how: `count ${digits} -> ${nines} at byte ${m.index}` };
    }
    out.set(Buffer.from(bigger.slice(0, digits.length), 'latin1'), m.index! + m[0].indexOf(digits));
    return { bytes: out, how: `count ${digits} -> ${bigger.slice(0, digits.length)} at byte ${m.index}` };
  }
  if (hits.length === 0) return null;
  const m = hits[Math.floor(random() * hits.length)]!;
  const digits = m[1]!;
  const start = m.index + m[0].indexOf(digits);
  const replaced = String(Number(digits) * factor);
  const joined = Buffer.concat([
    Buffer.from(out.subarray(0, start)),
    Buffer.from(replaced, 'latin1'),
    Buffer.from(out.subarray(start + digits.length)),
  ]);
  return { bytes: new Uint8Array(joined), how: `"${m[0]}" count x${factor}` };
}

/** Swaps two equal-sized blocks of the body (after the header), or moves one block elsewhere. */
function shuffleChunks(seed: Seed, random: () => number): { bytes: Uint8Array; how: string } {
  const out = seed.bytes.slice();
  const body = out.length - seed.header;
  const size = 1 + Math.floor(random() * Math.max(1, Math.min(4096, body / 4)));
  const a = seed.header + Math.floor(random() * Math.max(1, body - size));
  const b = seed.header + Math.floor(random() * Math.max(1, body - size));
  const tmp = out.slice(a, a + size);
  out.copyWithin(a, b, b + size);
  out.set(tmp.subarray(0, Math.max(0, Math.min(size, out.length - b))), b);
  return { bytes: out, how: `swap ${size} bytes at ${a} and ${b}` };
}

/** Case `index` of run `seed`: which file and which corruption (deterministic). */
export function makeCase(seeds: Seed[], seed: number, index: number): { seed: Seed; bytes: Uint8Array; how: string } {
  const file = seeds[index % seeds.length]!;
  const random = prng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const c = corrupt(file, random);
  // E57 pages carry CRC-32C checksums that catch nearly every corruption: most cases rewrite them
  // so the corruption reaches the XML and binary section parsers.
  if (file.name.endsWith('.e57') && c.bytes.length >= 1024 && random() < 0.75) {
    const bytes = c.bytes.slice();
    rechecksum(bytes.subarray(0, Math.floor(bytes.length / 1024) * 1024)); // whole pages only
    return { ...c, bytes, how: `${c.how}; page checksums rewritten` };
  }
  return c;
}

function corrupt(file: Seed, random: () => number): { seed: Seed; bytes: Uint8Array; how: string } {
  const kind = random();
  if (kind < 0.12) {
    const r = inflateCount(file, random);
    if (r) return { seed: file, ...r };
  }
  if (kind < 0.24) return { seed: file, ...shuffleChunks(file, random) };
  if (kind < 0.36) {
    const n = 1 + Math.floor(random() * file.bytes.length);
    return { seed: file, bytes: file.bytes.slice(0, n), how: `truncate to ${n}` };
  }
  // mutations.ts: bit flips, random bytes, truncation, zeroed and repeated runs; sometimes stacked.
  const steps = kind < 0.5 ? 2 + Math.floor(random() * 3) : 1;
  let bytes = file.bytes;
  const hows: string[] = [];
  for (let s = 0; s < steps; s++) {
    const m = mutate(bytes, random, random() < 0.5 ? Math.min(file.header, bytes.length - 1) : 0);
    bytes = m.bytes;
    hows.push(m.how);
  }
  return { seed: file, bytes, how: hows.join('; ') };
}

type Outcome = { kind: 'ok'; points: number } | { kind: 'bad-input'; message: string } | { kind: 'error'; message: string };

/** Opens and reads the whole file; only a valid scan or a BadInputError is acceptable. */
async function check(file: string): Promise<Outcome> {
  let reader: Awaited<ReturnType<typeof openScan>> | null = null;
  try {
    reader = await openScan(file);
    let count = 0;
    for await (const chunk of reader.chunks({ chunkPoints: 4096 })) {
      if (chunk.start !== count) throw new Error(`chunk starts at ${chunk.start}, expected ${count}`);
      if (chunk.positions.length !== chunk.count * 3)
        throw new Error(`chunk of ${chunk.count} points has ${chunk.positions.length} position values`);
      for (const v of chunk.positions) if (!Number.isFinite(v)) throw new Error('non-finite position');
      for (const a of chunk.attributes)
        if (a.values.length !== chunk.count * a.components)
          throw new Error(`attribute ${a.name} has ${a.values.length} values for ${chunk.count} points`);
      count += chunk.count;
    }
    if (count !== reader.info.pointCount) throw new Error(`chunks hold ${count} points, info.pointCount says ${reader.info.pointCount}`);
    const mesh = await reader.mesh();
    if (mesh) {
      if (mesh.indices.length !== reader.info.faceCount * 3)
        throw new Error(`${mesh.indices.length} indices for ${reader.info.faceCount} faces`);
      for (const i of mesh.indices) if (i >= count) throw new Error(`face index ${i} >= ${count} points`);
    }
    return { kind: 'ok', points: count };
  } catch (err) {
    if (err instanceof BadInputError) return { kind: 'bad-input', message: err.message };
    return { kind: 'error', message: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) };
  } finally {
    await reader?.close().catch(() => undefined);
  }
}

function caseFile(dir: string, seedName: string, worker: string): string {
  return path.join(dir, `case-${worker}-${path.basename(seedName)}`);
}

// ---------------------------------------------------------------- child: runs cases it is sent

if (argv[0] === '--worker') {
  const seeds = loadSeeds();
  const seed = Number(argv[1]);
  const dir = argv[2]!;
  const id = argv[3]!;
  process.on('message', (msg: { index: number }) => {
    void (async () => {
      const c = makeCase(seeds, seed, msg.index);
      const file = caseFile(dir, c.seed.name, id);
      writeFileSync(file, c.bytes);
      const outcome = await check(file);
      process.send!({ index: msg.index, outcome, rss: process.memoryUsage().rss });
    })();
  });
  process.send!({ ready: true });
} else {
  await main();
}

// ---------------------------------------------------------------- parent

interface Finding {
  case: number;
  file: string;
  how: string;
  what: string;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const seed = Number(flag('--seed') ?? 1);
  const cases = Number(flag('--cases') ?? 20_000);
  const jobs = Math.max(1, Number(flag('--jobs') ?? 1));
  const timeoutMs = Number(flag('--timeout-ms') ?? 15_000);
  const memoryLimit = Number(flag('--memory-mb') ?? 1024) * 2 ** 20;
  const seeds = loadSeeds();
  const dir = mkdtempSync(path.join(tmpdir(), 'scanlabel-fuzz-'));

  const single = flag('--case');
  if (single !== undefined) {
    const c = makeCase(seeds, seed, Number(single));
    const file = caseFile(argv.includes('--keep') ? tmpdir() : dir, c.seed.name, `s${seed}-${single}`);
    writeFileSync(file, c.bytes);
    process.stdout.write(`seed ${seed} case ${single}: ${c.seed.name}, ${c.how}\nfile: ${file}\n`);
    const outcome = await check(file);
    process.stdout.write(JSON.stringify(outcome, null, 2) + '\n');
    if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    process.exit(outcome.kind === 'error' ? 1 : 0);
  }

  const started = Date.now();
  const tally = { ok: 0, 'bad-input': 0, findings: 0 };
  const perFormat: Record<string, { ok: number; badInput: number; findings: number }> = {};
  const findings: Finding[] = [];
  let next = 0;
  let done = 0;
  let lastReport = Date.now();

  const record = (index: number, outcome: Outcome | { kind: 'hang' | 'crash' | 'memory'; message: string }) => {
    const c = makeCase(seeds, seed, index);
    const ext = path.extname(c.seed.name);
    const f = (perFormat[ext] ??= { ok: 0, badInput: 0, findings: 0 });
    done++;
    if (outcome.kind === 'ok') {
      tally.ok++;
      f.ok++;
    } else if (outcome.kind === 'bad-input') {
      tally['bad-input']++;
      f.badInput++;
    } else {
      tally.findings++;
      f.findings++;
      const finding = { case: index, file: c.seed.name, how: c.how, what: `${outcome.kind}: ${outcome.message}` };
      findings.push(finding);
      process.stderr.write(
        `FINDING seed ${seed} case ${index} (${c.seed.name}, ${c.how}): ${finding.what.split('\n').slice(0, 4).join('\n')}\n  reproduce: npm run fuzz -- --seed ${seed} --case ${index}\n`,
      );
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      process.stderr.write(`${done}/${cases} cases, ${tally.findings} findings, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  };

  const runWorker = (id: number): Promise<void> =>
    new Promise((resolve) => {
      let child: ChildProcess | null = null;
      let current = -1;
      let timer: NodeJS.Timeout | null = null;
      let watch: NodeJS.Timeout | null = null;
      const clear = () => {
        if (timer) clearTimeout(timer);
        if (watch) clearInterval(watch);
        timer = watch = null;
      };
      const sendNext = () => {
        if (next >= cases) {
          clear();
          child?.removeAllListeners('exit');
          child?.kill();
          resolve();
          return;
        }
        current = next++;
        const pid = child!.pid!;
        timer = setTimeout(() => fail('hang', `no result within ${timeoutMs} ms`), timeoutMs);
        watch = setInterval(() => {
          const rss = rssOf(pid);
          if (rss > memoryLimit) fail('memory', `resident memory ${(rss / 2 ** 20).toFixed(0)} MiB passed ${memoryLimit / 2 ** 20} MiB`);
        }, 50);
        child!.send({ index: current });
      };
      const fail = (kind: 'hang' | 'crash' | 'memory', message: string) => {
        clear();
        const c = child;
        child = null;
        c?.removeAllListeners('exit');
        c?.kill('SIGKILL');
        if (current >= 0) record(current, { kind, message });
        current = -1;
        start();
      };
      const start = () => {
        const c = fork(fileURLToPath(import.meta.url), ['--worker', String(seed), dir, String(id)], {
          execArgv: ['--max-old-space-size=512', '--import', 'tsx'],
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        });
        child = c;
        let stderr = '';
        c.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
        c.on('exit', (code, signal) => {
          if (child !== c) return;
          fail(
            'crash',
            `worker exited (code ${code}, signal ${signal}): ${stderr
              .split('\n')
              .filter((l) => !l.startsWith('var Module'))
              .slice(-6)
              .join('\n')}`,
          );
        });
        c.on('message', (msg: { ready?: boolean; index?: number; outcome?: Outcome; rss?: number }) => {
          if (child !== c) return;
          if (msg.ready) return sendNext();
          clear();
          record(
            msg.index!,
            msg.rss! > memoryLimit
              ? { kind: 'memory', message: `resident memory ${(msg.rss! / 2 ** 20).toFixed(0)} MiB after the case` }
              : msg.outcome!,
          );
          current = -1;
          sendNext();
        });
      };
      start();
    });

  try {
    await Promise.all(Array.from({ length: jobs }, (_, i) => runWorker(i)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const report = {
    fuzz: 'importers',
    date: new Date(started).toISOString(),
    machine: { nproc: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadavg: loadavg().map((v) => +v.toFixed(2)) },
    seed,
    cases,
    jobs,
    timeoutMs,
    memoryLimitMiB: memoryLimit / 2 ** 20,
    seconds: +((Date.now() - started) / 1000).toFixed(1),
    outcomes: tally,
    perFormat,
    seeds: SEEDS,
    findings: findings.map((f) => ({ ...f, reproduce: `npm run fuzz -- --seed ${seed} --case ${f.case}` })),
  };
  mkdirSync(path.join(repo, 'bench-output'), { recursive: true });
  writeFileSync(path.join(repo, 'bench-output', 'fuzz.json'), JSON.stringify(report, null, 2));
  process.stdout.write(
    JSON.stringify({ ...report, findings: report.findings.map((f) => ({ ...f, what: f.what.split('\n')[0] })) }, null, 2) + '\n',
  );
  process.exit(findings.length > 0 ? 1 : 0);
}
