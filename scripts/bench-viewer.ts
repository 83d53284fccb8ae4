/**
 * Viewer benchmark (issue 7): LOD octree drawing in Debian's Chromium.
 *
 *   npm run bench:viewer [-- --points 100000000 --budget 2000000 --keep]
 *   npx tsx scripts/bench-viewer.ts --points 20000000 --generate-only <dir>   (the project alone)
 *   npm run bench:viewer -- --project <dir>   (reuse a project written by --generate-only; kept)
 *
 * 1. Generates a synthetic aerial-like scan directly as a project: the LOD octree files
 *    (hierarchy.json + nodes.bin in docs/octree-format.md, every point in exactly one node) and the
 *    same points as an uncompressed LAS 1.2 file (the scan's source, point i = record i = the
 *    octree's original index), scan.json and the project's store row. Temp folder, deleted after.
 * 2. Serves it with the built `scanlabel serve` and drives Chromium (playwright-core, SwiftShader
 *    WebGL as in the e2e tests): time to first frame after opening, per-frame CPU time of the LOD
 *    update + render (buffer uploads included) during a scripted orbit and zoom, worker decode
 *    throughput, long tasks (PerformanceObserver 'longtask') from the second open on, in two groups:
 *    during open (until the first frame that draws points, polled through the test hook) and
 *    after it (the orbit and a labeling session: box selection in the core, assign, undo).
 *
 * --profile: a main-thread CPU profile (CDP Profiler, 1 ms sampling) from the second open to the end,
 * written to bench-output/viewer.cpuprofile; `profile.busyRuns` in the JSON lists every run of busy samples
 * longer than 50 ms (a long task, as the profiler saw it) with its top functions by self time.
 *
 * Writes bench-output/viewer.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeLayout, type NodeAttribute, type OctreeHierarchy, type OctreeNodeEntry } from '../common/geometry/octreeLayout';
import { ProjectStore } from '../electron/services/labels/index';
import type { ViewerStats } from '../renderer/src/viewer/ViewerEngine';
import { launchChromium } from '../tests/e2e/support/browser';
import { fileURLToPath } from 'node:url';
import { WorkspacePage } from '../tests/e2e/support/workspacePage';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The built `scanlabel serve`, as the e2e tests start it (tests/e2e/support/serve.ts needs CommonJS __dirname). */
async function startServe(args: string[]) {
  const settings = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-settings-'));
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=8192', path.join(repoRoot, 'bin/scanlabel.js'), 'serve', '--port', '0', ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, SCANLABEL_SETTINGS_DIR: settings },
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL:\n${out}`)), 60_000);
    child.stdout.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
  return {
    url,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        // A propagation job started by the session's edit can hold the core for minutes: do not wait for it.
        setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const POINTS = arg('points', 100_000_000);
const BUDGET = arg('budget', 2_000_000);
const KEEP = process.argv.includes('--keep');
/** `--project <dir>`: a project written earlier by --generate-only (not regenerated, not deleted). */
const projectArg = process.argv.indexOf('--project');
const PROJECT = projectArg >= 0 ? process.argv[projectArg + 1] : undefined;
/** Record a Chromium CPU profile (CDP Profiler) from the second open to the end; long runs of busy samples are summarised. */
const PROFILE = process.argv.includes('--profile');
/**
 * --trace: a Chromium trace (toplevel tasks with wall and thread CPU time) from the second open to the end:
 * long tasks are also reported by the main thread's CPU time, which a loaded machine does not inflate.
 */
const TRACE = process.argv.includes('--trace');
const MAX_LEVEL = arg('levels', 6);
/** Drag + wheel steps of the scripted orbit (6 by default; fewer for quick comparisons). */
const ORBITS = arg('orbits', 6);
const SCAN_ID = 'synthetic';

// ---- the synthetic scan ----------------------------------------------------------------------

/** Frame: a 2,048 m square tile, mm integer coordinates; positions relative to the tile centre. */
const SIZE_MM = 2_048_000;
const CUBE_MIN_MM = [-1_024_000, -1_024_000, -30_000] as const;
const OFFSET = [500_000, 5_400_000, 0] as const;
const CENTRE_STEPS = [1_024_000, 1_024_000, 30_000] as const; // origin = offset + steps * 0.001 (the LAS reader's choice: centre of the header bounds)
const ORIGIN: [number, number, number] = [OFFSET[0] + 1024, OFFSET[1] + 1024, OFFSET[2] + 30];

/** Terrain height (m, relative) over the tile: rolling hills and a finer ripple, within ±27 m. */
const terrain = (x: number, y: number) => 22 * Math.sin(x / 97) * Math.cos(y / 131) + 5 * Math.sin((x + y) / 23);
const LIPSCHITZ = 22 / 97 + 22 / 131 + 10 / 23;

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GenNode {
  name: string;
  level: number;
  min: [number, number, number]; // mm
  size: number; // mm
  childMask: number;
}

/** Nodes whose cube the terrain surface crosses, down to MAX_LEVEL. */
function buildTree(): GenNode[] {
  const nodes: GenNode[] = [];
  const visit = (name: string, min: [number, number, number], size: number): boolean => {
    const level = name.length - 1;
    // Surface height range over the footprint: a 9x9 sample plus the Lipschitz margin.
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i <= 8; i++)
      for (let j = 0; j <= 8; j++) {
        const z = terrain((min[0] + (size * i) / 8) / 1000, (min[1] + (size * j) / 8) / 1000);
        lo = Math.min(lo, z);
        hi = Math.max(hi, z);
      }
    const margin = (LIPSCHITZ * size) / 8 / 1000;
    if ((hi + margin) * 1000 < min[2] || (lo - margin) * 1000 >= min[2] + size) return false;
    const node: GenNode = { name, level, min, size, childMask: 0 };
    nodes.push(node);
    if (level < MAX_LEVEL) {
      const h = size / 2;
      for (let o = 0; o < 8; o++) {
        const cmin: [number, number, number] = [min[0] + ((o >> 2) & 1) * h, min[1] + ((o >> 1) & 1) * h, min[2] + (o & 1) * h];
        if (visit(name + o, cmin, h)) node.childMask |= 1 << o;
      }
    }
    return true;
  };
  visit('r', [...CUBE_MIN_MM], SIZE_MM);
  return nodes.sort((a, b) => a.level - b.level || (a.name < b.name ? -1 : 1));
}

const ATTRIBUTES: NodeAttribute[] = [
  { name: 'position', type: 'float32', components: 3 },
  { name: 'color', type: 'uint8', components: 3, sourceType: 'uint16' },
  { name: 'intensity', type: 'uint16', components: 1 },
  { name: 'classification', type: 'uint16', components: 1 },
  { name: 'index', type: 'uint32', components: 1 },
];
const LAS_RECORD = 26; // point format 2
const LAS_HEADER = 227;

function lasHeader(count: number, min: number[], max: number[]): Buffer {
  const b = Buffer.alloc(LAS_HEADER);
  b.write('LASF', 0, 'ascii');
  b.writeUInt8(1, 24);
  b.writeUInt8(2, 25);
  b.write('scanlabel bench', 26, 'ascii');
  b.write('scripts/bench-viewer.ts', 58, 'ascii');
  b.writeUInt16LE(1, 90);
  b.writeUInt16LE(2026, 92);
  b.writeUInt16LE(LAS_HEADER, 94);
  b.writeUInt32LE(LAS_HEADER, 96);
  b.writeUInt32LE(0, 100);
  b.writeUInt8(2, 104);
  b.writeUInt16LE(LAS_RECORD, 105);
  b.writeUInt32LE(count, 107);
  b.writeUInt32LE(count, 111);
  for (let k = 0; k < 3; k++) b.writeDoubleLE(0.001, 131 + 8 * k);
  for (let k = 0; k < 3; k++) b.writeDoubleLE(OFFSET[k]!, 155 + 8 * k);
  for (let k = 0; k < 3; k++) {
    b.writeDoubleLE(max[k]!, 179 + 16 * k);
    b.writeDoubleLE(min[k]!, 187 + 16 * k);
  }
  return b;
}

/** Writes the project folder: octree, LAS source, scan.json, store row. Returns facts about it. */
function generate(projectDir: string) {
  const t0 = performance.now();
  const tree = buildTree();
  const perNode = Math.floor(POINTS / tree.length);
  const scanDir = path.join(projectDir, 'scans', SCAN_ID);
  const octreeDir = path.join(scanDir, 'octree');
  fs.mkdirSync(octreeDir, { recursive: true });
  const lasPath = path.join(projectDir, `${SCAN_ID}.las`);
  const las = fs.openSync(lasPath, 'w');
  const bin = fs.openSync(path.join(octreeDir, 'nodes.bin'), 'w');
  fs.writeSync(las, Buffer.alloc(LAS_HEADER), 0, LAS_HEADER, 0);
  const rand = mulberry32(7);
  const entries: OctreeNodeEntry[] = [];
  let index = 0;
  let binAt = 0;
  let lasAt = LAS_HEADER;
  const bmin = [Infinity, Infinity, Infinity];
  const bmax = [-Infinity, -Infinity, -Infinity];
  let carry = 0; // points a node could not take (the surface only clips it) go to the next ones
  tree.forEach((node, k) => {
    const want = k === tree.length - 1 ? POINTS - index : perNode + carry;
    const xs = new Int32Array(want);
    const ys = new Int32Array(want);
    const zs = new Int32Array(want);
    let n = 0;
    for (let tries = 0; n < want && tries < want * 40; tries++) {
      const x = node.min[0] + Math.floor(rand() * node.size);
      const y = node.min[1] + Math.floor(rand() * node.size);
      const z = Math.round(terrain(x / 1000, y / 1000) * 1000);
      if (z < node.min[2] || z >= node.min[2] + node.size) continue;
      xs[n] = x;
      ys[n] = y;
      zs[n] = z;
      n++;
    }
    carry = want - n;
    const layout = nodeLayout(ATTRIBUTES, n);
    const blob = new ArrayBuffer(Math.ceil(layout.byteSize / 8) * 8);
    const [pos, col, inten, cls, idx] = layout.blocks;
    const position = new Float32Array(blob, pos!.byteOffset, n * 3);
    const color = new Uint8Array(blob, col!.byteOffset, n * 3);
    const intensity = new Uint16Array(blob, inten!.byteOffset, n);
    const classification = new Uint16Array(blob, cls!.byteOffset, n);
    const ids = new Uint32Array(blob, idx!.byteOffset, n);
    const records = Buffer.alloc(n * LAS_RECORD);
    for (let i = 0; i < n; i++) {
      const p = [xs[i]!, ys[i]!, zs[i]!];
      for (let a = 0; a < 3; a++) {
        const v = Math.fround(p[a]! * 0.001);
        position[i * 3 + a] = v;
        bmin[a] = Math.min(bmin[a]!, v);
        bmax[a] = Math.max(bmax[a]!, v);
      }
      const t = Math.min(1, Math.max(0, (zs[i]! / 1000 + 27) / 54));
      const rgb = [Math.round(70 + 120 * t), Math.round(110 + 80 * (1 - Math.abs(t - 0.5) * 2)), Math.round(60 + 40 * (1 - t))];
      color.set(rgb, i * 3);
      intensity[i] = 200 + Math.floor(rand() * 2000);
      classification[i] = 2;
      ids[i] = index + i;
      const r = i * LAS_RECORD;
      records.writeInt32LE(CENTRE_STEPS[0] + p[0]!, r);
      records.writeInt32LE(CENTRE_STEPS[1] + p[1]!, r + 4);
      records.writeInt32LE(CENTRE_STEPS[2] + p[2]!, r + 8);
      records.writeUInt16LE(intensity[i]!, r + 12);
      records.writeUInt8(0b00001001, r + 14); // return 1 of 1
      records.writeUInt8(2, r + 15);
      records.writeUInt16LE(rgb[0]! * 257, r + 20);
      records.writeUInt16LE(rgb[1]! * 257, r + 22);
      records.writeUInt16LE(rgb[2]! * 257, r + 24);
    }
    fs.writeSync(bin, new Uint8Array(blob), 0, blob.byteLength, binAt);
    fs.writeSync(las, records, 0, records.length, lasAt);
    entries.push({
      name: node.name,
      level: node.level,
      pointCount: n,
      byteOffset: binAt,
      byteSize: layout.byteSize,
      childMask: node.childMask,
    });
    binAt += blob.byteLength;
    lasAt += records.length;
    index += n;
  });
  const count = index;
  const absMin = [OFFSET[0], OFFSET[1], OFFSET[2]];
  const absMax = [OFFSET[0] + 2048, OFFSET[1] + 2048, OFFSET[2] + 60];
  fs.writeSync(las, lasHeader(count, absMin, absMax), 0, LAS_HEADER, 0);
  fs.closeSync(las);
  fs.closeSync(bin);
  const cubeSize = SIZE_MM / 1000;
  const hierarchy: OctreeHierarchy = {
    format: 'scanlabel-octree',
    version: 1,
    pointCount: count,
    origin: ORIGIN,
    cube: { min: [CUBE_MIN_MM[0] / 1000, CUBE_MIN_MM[1] / 1000, CUBE_MIN_MM[2] / 1000], size: cubeSize },
    bounds: { min: bmin as [number, number, number], max: bmax as [number, number, number] },
    spacing: Array.from({ length: MAX_LEVEL + 1 }, (_, l) => cubeSize / 128 / 2 ** l),
    spacingDivisor: 128,
    maxLeafPoints: 20_000,
    attributes: ATTRIBUTES,
    nodes: entries,
  };
  fs.writeFileSync(path.join(octreeDir, 'hierarchy.json'), JSON.stringify(hierarchy));
  const record = {
    id: SCAN_ID,
    name: 'synthetic.las',
    sourcePath: lasPath,
    format: 'las',
    formatVersion: '1.2',
    origin: ORIGIN,
    pointCount: count,
    faceCount: 0,
    boundsMin: bmin,
    boundsMax: bmax,
    attributes: [],
    crs: null,
    importedAt: new Date().toISOString(),
    octree: { dir: 'octree', nodes: entries.length, levels: MAX_LEVEL + 1 },
  };
  fs.writeFileSync(path.join(scanDir, 'scan.json'), JSON.stringify(record, null, 2));
  const store = ProjectStore.create(projectDir);
  store.registerScan({
    id: SCAN_ID,
    name: record.name,
    sourcePath: lasPath,
    format: 'las',
    crs: null,
    origin: ORIGIN,
    pointCount: count,
    faceCount: 0,
  });
  store.close();
  return {
    points: count,
    nodes: entries.length,
    levels: MAX_LEVEL + 1,
    nodesBinBytes: binAt,
    lasBytes: lasAt,
    seconds: (performance.now() - t0) / 1000,
  };
}

// ---- the browser session ------------------------------------------------------------------------

type Hook = { __scanlabelTest: { viewer(): ViewerStats } };

async function main() {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { stdio: 'inherit' });
  const projectDir = PROJECT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-bench-viewer-'));
  let generated: ReturnType<typeof generate> | { reused: string; points: number };
  if (PROJECT) {
    const scan = JSON.parse(fs.readFileSync(path.join(PROJECT, 'scans', SCAN_ID, 'scan.json'), 'utf8')) as { pointCount: number };
    generated = { reused: PROJECT, points: scan.pointCount };
  } else {
    console.log(`generating ${POINTS.toLocaleString('en')} points in ${projectDir}`);
    const g = generate(projectDir);
    generated = g;
    console.log(`generated ${g.points.toLocaleString('en')} points, ${g.nodes} nodes in ${g.seconds.toFixed(1)} s`);
  }
  const t0 = performance.now();
  const serve = await startServe(['--project', projectDir, '--no-demo']);
  const browser = await launchChromium();
  const results: Record<string, unknown> = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Listens from the start: the page opens its WebSocket on load.
    const rpc = selectionRpcTimer(page);
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    // When the first frame with points was drawn, in page time (a rAF poll of the test hook: works for any engine version).
    await page.addInitScript(`(() => {
      const w = window;
      w.__firstFrameAt = -1;
      const poll = () => {
        const s = w.__scanlabelTest && w.__scanlabelTest.viewer();
        if (s && s.pointsDrawn > 0) {
          w.__firstFrameAt = performance.now();
          performance.mark('bench:first-frame');
        }
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    })()`);
    const ws = new WorkspacePage(page);
    const url = `${serve.url}&budget=${BUDGET}`;
    // First open: the core loads the scan (LAS) into memory for selection; the viewer needs only the octree.
    await ws.open(url);
    await ws.waitForLodSettled(SCAN_ID, 1_800_000);
    const coreLoadS = (performance.now() - t0) / 1000;

    const tracer = TRACE ? await startTrace(browser) : null;
    const cdp = PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
      await cdp.send('Profiler.start');
    }
    // Time to first frame after opening (the scan already loaded in the core).
    const tOpen = performance.now();
    await ws.open(url);
    await page.waitForFunction((id) => {
      const s = (window as unknown as Hook).__scanlabelTest?.viewer();
      return !!s && s.scanId === id && s.pointsDrawn > 0;
    }, SCAN_ID);
    const firstFrameMs = performance.now() - tOpen;
    // The first frame as the page saw it: long tasks before it belong to the open, the rest to the session.
    const firstFramePageMs = (await page.evaluate('window.__firstFrameAt')) as number;
    const settled = await ws.waitForLodSettled(SCAN_ID, 600_000);
    const settledMs = performance.now() - tOpen;
    const initialDecode = settled.decoded;

    // Frame recorder: every frame's LOD update and frame CPU time, as the engine measured them.
    // A string, not a function: tsx's name helpers (__name) do not exist in the page.
    await page.evaluate(`(() => {
      const w = window;
      w.__frames = [];
      w.__rec = true;
      let last = -1;
      function tick() {
        if (!w.__rec) return;
        const s = w.__scanlabelTest.viewer();
        if (s.frames !== last) {
          last = s.frames;
          w.__frames.push({ frame: s.frames, cpu: s.frameCpuMs, lod: s.lodUpdateMs, points: s.pointsDrawn, nodes: s.visibleNodes });
        }
        requestAnimationFrame(tick);
      }
      requestAnimationFrame(tick);
    })()`);
    const tSession = performance.now();
    /** Page-time marks of the session's phases, to tell which phase a long task fell in. */
    const phase = (name: string) => page.evaluate(`performance.mark('bench:${name}')`);
    await phase('orbit');
    // Scripted orbit and zoom: drags and wheel steps, waiting for the LOD to settle in between.
    for (let i = 0; i < ORBITS; i++) {
      await ws.dragOrbit(120, i % 2 ? 30 : -30);
      await ws.wheelAt(0.5, 0.5, i < 3 ? -300 : 300, 3);
      await ws.waitForLodSettled(SCAN_ID, 600_000);
    }
    // Labeling: box selection (in the core, over every point), assign ground, undo.
    await phase('top-view');
    await ws.viewFrom('Top');
    await ws.waitForLodSettled(SCAN_ID, 600_000);
    await phase('select');
    await ws.selectTool('Box');
    // A small box: a selection travels back as one RPC frame (the host caps frames at 1 MiB, ~190k ids).
    let labeling: Record<string, unknown> = {};
    try {
      const tSelect = performance.now();
      await ws.dragBox(0.48, 0.48, 0.52, 0.52);
      const dragMs = performance.now() - tSelect;
      await page.waitForFunction(() => (window as unknown as Hook).__scanlabelTest.viewer().overlayKind === 'selection', null, {
        timeout: 600_000,
      });
      const selectMs = performance.now() - tSelect;
      // The drag itself (8 mouse events, each waiting on a SwiftShader frame) is no part of the selection's cost.
      const afterReleaseMs = selectMs - dragMs;
      // overlaySize counts the loaded points drawn as the selection; coreCount is what the edit applies to.
      const selected = (await ws.viewerStats()).overlaySize;
      const core = rpc.result();
      await ws.press('1');
      await phase('assign');
      const tAssign = performance.now();
      await ws.press('Enter');
      await ws.waitForLabels((h) => (h['2'] ?? 0) > 0, 600_000);
      const assignMs = performance.now() - tAssign;
      await phase('undo');
      await ws.press('Control+z');
      await ws.waitForLabels((h) => h['2'] === undefined, 600_000);
      labeling = { selected, coreCount: core.count, selectMs, dragMs, afterReleaseMs, coreRoundTripMs: core.roundTripMs, assignMs };
    } catch (e) {
      labeling = { error: e instanceof Error ? e.message : String(e) };
    }
    const sessionS = (performance.now() - tSession) / 1000;
    const { frames, longTasks } = await page.evaluate(() => {
      const w = window as unknown as {
        __frames: { cpu: number; lod: number; points: number; nodes: number }[];
        __rec: boolean;
        __longTasks: { start: number; duration: number }[];
      };
      w.__rec = false;
      return { frames: w.__frames, longTasks: w.__longTasks };
    });
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      fs.mkdirSync(path.join(repoRoot, 'bench-output'), { recursive: true });
      fs.writeFileSync(path.join(repoRoot, 'bench-output/viewer.cpuprofile'), JSON.stringify(profile));
      results.profile = { busyRuns: busyRuns(profile, 50) };
    }
    if (tracer) results.trace = await tracer.stop();
    const final = await ws.viewerStats();
    const q = (xs: number[], p: number) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : 0;
    };
    const cpu = frames.map((f) => f.cpu);
    const lod = frames.map((f) => f.lod);
    const d = final.decoded;
    results.machine = {
      nproc: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      date: new Date().toISOString().slice(0, 10),
      loadavg: os.loadavg(),
    };
    results.scan = generated;
    results.budget = BUDGET;
    results.coreLoadSeconds = coreLoadS;
    results.timeToFirstFrameMs = firstFrameMs;
    results.timeToSettledMs = settledMs;
    results.settled = { visibleNodes: settled.visibleNodes, pointsDrawn: settled.pointsDrawn };
    results.frames = {
      count: frames.length,
      frameCpuMs: { p50: q(cpu, 0.5), p95: q(cpu, 0.95), max: Math.max(0, ...cpu) },
      lodUpdateMs: { p50: q(lod, 0.5), p95: q(lod, 0.95), max: Math.max(0, ...lod) },
      maxPointsDrawn: Math.max(0, ...frames.map((f) => f.points)),
    };
    results.decode = d && {
      nodes: d.nodes,
      points: d.points,
      megabytes: d.bytes / 1e6,
      workers: await page.evaluate('Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1))'),
      decodeMBps: d.bytes / 1e6 / (d.decodeMs / 1000),
      decodePointsPerS: d.points / (d.decodeMs / 1000),
      meanRequestMs: d.workerMs / Math.max(1, d.nodes),
      initialLoad: initialDecode && {
        points: initialDecode.points,
        wallMs: settledMs,
        pointsPerS: initialDecode.points / (settledMs / 1000),
        MBps: initialDecode.bytes / 1e6 / (settledMs / 1000),
      },
    };
    results.labeling = labeling;
    const group = (tasks: { start: number; duration: number }[]) => ({
      count: tasks.length,
      over100ms: tasks.filter((t) => t.duration > 100).length,
      maxMs: Math.max(0, ...tasks.map((t) => t.duration)),
      // Page time (ms) and duration of each, for matching against a profile or the open's steps.
      tasks: tasks.map((t) => [Math.round(t.start), Math.round(t.duration)]),
    });
    const openMarks = await page.evaluate(() =>
      performance.getEntriesByType('measure').filter((m) => m.name.startsWith('scanlabel:')).map((m) => [m.name, Math.round(m.startTime), Math.round(m.duration)]),
    );
    const phases = await page.evaluate(() =>
      performance.getEntriesByType('mark').filter((m) => m.name.startsWith('bench:')).map((m) => [m.name.slice(6), Math.round(m.startTime)]),
    );
    results.longTasks = {
      sessionSeconds: sessionS,
      firstFramePageMs,
      // From the second page load until the first frame of the scan (context, shaders, hierarchy, first nodes).
      open: group(longTasks.filter((t) => t.start < firstFramePageMs)),
      // After the first frame: settling, the orbit and the labeling session (target: none over 100 ms).
      labeling: group(longTasks.filter((t) => t.start >= firstFramePageMs)),
      // The viewer's own measures (WebGL context, shader warm-up, frames over 50 ms) and the session's phases, page time.
      viewerMeasures: openMarks,
      phases,
    };
    results.consoleErrors = ws.consoleErrors;
    fs.mkdirSync(path.join(repoRoot, 'bench-output'), { recursive: true });
    fs.writeFileSync(path.join(repoRoot, 'bench-output/viewer.json'), JSON.stringify(results, null, 2) + '\n');
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await browser.close();
    await serve.stop();
    if (!KEEP && !PROJECT) fs.rmSync(projectDir, { recursive: true, force: true });
  }
}

/**
 * The scans.selectPolygon round trip as the page's WebSocket saw it (request frame sent -> response
 * frame received), to split a box selection's time between the drag, the core and the overlay.
 */
function selectionRpcTimer(page: import('playwright-core').Page) {
  let sentAt = -1;
  let requestId = -1;
  let roundTripMs = -1;
  let count = -1;
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.includes('"scans.selectPolygon"')) return;
      requestId = (JSON.parse(payload) as { id: number }).id;
      sentAt = performance.now();
    });
    socket.on('framereceived', ({ payload }) => {
      if (sentAt < 0 || roundTripMs >= 0 || typeof payload !== 'string' || !payload.startsWith('{')) return;
      const m = JSON.parse(payload) as { kind?: string; id?: number; result?: { value?: { count?: number } } };
      if (m.kind !== 'response' || m.id !== requestId) return;
      roundTripMs = performance.now() - sentAt;
      count = m.result?.value?.count ?? -1;
    });
  });
  return { result: () => ({ roundTripMs, count }) };
}

// ---- Chromium trace: main-thread tasks with their CPU time ---------------------------------------------

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

/**
 * Traces every process's top-level tasks (wall `dur` and thread CPU `tdur`) and the page's user-timing
 * marks. stop() finds the page's main thread by the `bench:first-frame` mark and summarises its tasks
 * over 50 ms (wall or CPU) before and after that mark, times in page ms.
 */
async function startTrace(browser: import('playwright-core').Browser) {
  const session = await (browser as import('playwright-core').ChromiumBrowser).newBrowserCDPSession();
  await session.send('Tracing.start', { categories: 'toplevel,blink.user_timing,gpu', transferMode: 'ReturnAsStream' });
  return {
    async stop() {
      const done = new Promise<string>((resolve) => session.once('Tracing.tracingComplete', (e) => resolve(e.stream!)));
      await session.send('Tracing.end');
      const stream = await done;
      let text = '';
      for (;;) {
        const chunk = await session.send('IO.read', { handle: stream, size: 1 << 20 });
        text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
        if (chunk.eof) break;
      }
      await session.send('IO.close', { handle: stream });
      const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
      const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
      const mark = events.find((e) => e.name === 'bench:first-frame');
      if (!mark) return { error: 'no bench:first-frame mark in the trace' };
      const firstFramePage = Number(mark.ts);
      const nested = events
        .filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && e.cat.includes('toplevel') && (e.dur ?? 0) > 50_000)
        .sort((a, b) => a.ts - b.ts);
      // Outermost tasks only (a top-level event may hold another).
      const tasks: TraceEvent[] = [];
      for (const e of nested) {
        const last = tasks[tasks.length - 1];
        if (!last || e.ts >= last.ts + (last.dur ?? 0)) tasks.push(e);
      }
      // Synchronous waits of the main thread on the GPU process (SwiftShader draws and compiles there).
      const waits = events
        .filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && e.cat.includes('gpu') && /Wait|Finish|Sync/.test(e.name))
        .sort((a, b) => a.ts - b.ts);
      const waitedIn = (t: TraceEvent) => {
        let sum = 0;
        let end = -1;
        for (const w of waits) {
          if (w.ts < t.ts || w.ts >= t.ts + (t.dur ?? 0) || w.ts < end) continue;
          sum += w.dur ?? 0;
          end = w.ts + (w.dur ?? 0);
        }
        return Math.round(sum / 1000);
      };
      const names = new Map<string, number>();
      for (const w of waits) names.set(w.name, (names.get(w.name) ?? 0) + (w.dur ?? 0) / 1000);
      const row = (e: TraceEvent) => ({
        atMs: Math.round((e.ts - firstFramePage) / 1000),
        wallMs: Math.round((e.dur ?? 0) / 1000),
        cpuMs: Math.round((e.tdur ?? 0) / 1000),
        gpuWaitMs: waitedIn(e),
      });
      const group = (xs: TraceEvent[]) => {
        const rows = xs.map(row);
        return {
          over50msWall: rows.length,
          over100msWall: rows.filter((r) => r.wallMs > 100).length,
          over100msCpu: rows.filter((r) => r.cpuMs > 100).length,
          // Over 100 ms of CPU plus waiting on the GPU process: what a quiet machine would still show as a long task.
          over100msCpuPlusGpuWait: rows.filter((r) => r.cpuMs + r.gpuWaitMs > 100).length,
          maxWallMs: Math.max(0, ...rows.map((r) => r.wallMs)),
          maxCpuMs: Math.max(0, ...rows.map((r) => r.cpuMs)),
          maxCpuPlusGpuWaitMs: Math.max(0, ...rows.map((r) => r.cpuMs + r.gpuWaitMs)),
          // The ten heaviest by CPU + GPU wait; atMs is relative to the first frame.
          top: rows.sort((a, b) => b.cpuMs + b.gpuWaitMs - (a.cpuMs + a.gpuWaitMs)).slice(0, 10),
        };
      };
      return {
        open: group(tasks.filter((e) => e.ts < firstFramePage)),
        labeling: group(tasks.filter((e) => e.ts >= firstFramePage)),
        gpuWaitsByName: Object.fromEntries([...names].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => [k, Math.round(v)])),
      };
    },
  };
}

// ---- CPU profile summary ---------------------------------------------------------------------------

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Runs of consecutive non-idle samples longer than `minMs` (what the page saw as long tasks), each with
 * its duration, offset from the profile start and the functions with the most self time in it, plus
 * the outermost page functions on the stacks (what started the task).
 */
function busyRuns(profile: CpuProfile, minMs: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}`;
  };
  const idle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';
  /** The outermost frame with a script URL (the task's entry: a rAF callback, a message handler). */
  const entry = (id: number) => {
    let best = id;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)!.callFrame.url) best = at;
    return label(best);
  };
  const runs: { atMs: number; ms: number; top: [string, number][]; entries: [string, number][] }[] = [];
  let t = 0;
  let runStart = -1;
  let self = new Map<string, number>();
  let entries = new Map<string, number>();
  const close = (end: number) => {
    const ms = (end - runStart) / 1000;
    if (runStart >= 0 && ms > minMs) {
      const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]): [string, number] => [k, Math.round(v / 100) / 10]);
      const ent = [...entries].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]): [string, number] => [k, Math.round(v / 100) / 10]);
      runs.push({ atMs: Math.round(runStart / 1000), ms: Math.round(ms), top, entries: ent });
    }
    runStart = -1;
    self = new Map();
    entries = new Map();
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const id = profile.samples[i]!;
    if (idle(id)) {
      close(t);
      continue;
    }
    if (runStart < 0) runStart = t;
    const next = profile.timeDeltas[i + 1] ?? 1000;
    self.set(label(id), (self.get(label(id)) ?? 0) + next);
    const e = entry(id);
    entries.set(e, (entries.get(e) ?? 0) + next);
  }
  close(t);
  return runs;
}

/** `--generate-only <dir>`: write the project into <dir> and stop (profiling the core in plain Node). */
const generateOnly = process.argv.indexOf('--generate-only');
(generateOnly >= 0 ? generateInto(process.argv[generateOnly + 1]) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});

async function generateInto(dir: string | undefined) {
  if (!dir) throw new Error('--generate-only needs a folder');
  fs.mkdirSync(dir, { recursive: true });
  console.log(JSON.stringify(generate(dir)));
}
