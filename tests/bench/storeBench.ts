/**
 * Project store benchmark (run through `npm run bench:store`, not part of the test suite):
 * durable 1M-point edits, undo/redo, opening a project with a 10M-point labeled scan, and label
 * storage per point per layer. Prints one JSON object.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectStore } from '../../electron/services/labels/index';

const POINTS = 10_000_000;
const EDIT = 1_000_000;
const REPEATS = 15;

let seed = 42;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const summary = (xs: number[]) => ({ p50: round(percentile(xs, 0.5)), p95: round(percentile(xs, 0.95)), min: round(Math.min(...xs)), n: xs.length });
const round = (x: number) => Math.round(x * 10) / 10;
/** CPU time (user + system) of the last timed call: on a shared machine wall time includes waiting for a core. */
let lastCpuMs = 0;
const time = (fn: () => void) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  lastCpuMs = (c.user + c.system) / 1000;
  return wall;
};

/** One contiguous span: a lasso over one region, in octree order. */
function span(n: number): Uint32Array {
  const start = Math.floor(random() * (POINTS - n));
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i;
  return out;
}

/** A brush stroke: 100 runs of n/100 points spread over the scan, ascending. */
function strokes(n: number): Uint32Array {
  const runs = 100;
  const len = n / runs;
  const stride = Math.floor(POINTS / runs);
  const out = new Uint32Array(n);
  let k = 0;
  for (let r = 0; r < runs; r++) {
    const start = r * stride + Math.floor(random() * (stride - len));
    for (let i = 0; i < len; i++) out[k++] = start + i;
  }
  return out;
}

/** Worst case: n points scattered uniformly over the whole scan, ascending. */
function scattered(n: number): Uint32Array {
  const out = new Uint32Array(n);
  const step = POINTS / n;
  for (let i = 0; i < n; i++) out[i] = Math.min(POINTS - 1, Math.floor(i * step + random() * step));
  return out;
}

const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'scanlabel-bench-store-'));
const dir = join(root, 'project');
try {
  const store = ProjectStore.create(dir, { schema: 'asprs' });
  const scanId = store.registerScan({ name: 'bench', format: 'synthetic', pointCount: POINTS }).id;
  const codes = store.listClasses().map((c) => c.code);

  // A fully labeled 10M-point scan: ten 1M edits, every fifth point of the first half in an instance.
  const fill: number[] = [];
  for (let b = 0; b < POINTS / EDIT; b++) {
    const points = new Uint32Array(EDIT);
    for (let i = 0; i < EDIT; i++) points[i] = b * EDIT + i;
    fill.push(time(() => store.applyEdit({ kind: 'assign', scanId, points, classCode: codes[b % codes.length]!, ...(b < 5 ? { instance: b + 1 } : {}) })));
  }

  const kinds = { span, strokes, scattered };
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const record = (name: string, ms: number) => {
    (wall[name] ??= []).push(ms);
    (cpu[name] ??= []).push(lastCpuMs);
  };
  for (let r = 0; r < REPEATS; r++) {
    for (const [name, make] of Object.entries(kinds)) {
      const points = make(EDIT);
      const classCode = codes[Math.floor(random() * codes.length)]!;
      record(`edit.${name}`, time(() => store.applyEdit({ kind: 'assign', scanId, points, classCode })));
      record(`undo.${name}`, time(() => store.undo(scanId)));
      record(`redo.${name}`, time(() => store.redo(scanId)));
      store.undo(scanId); // untimed: every measurement starts from the same coherently labeled scan
    }
  }
  const storage = store.labelStorage(scanId);

  // A predicted layer (class + confidence + flags, instances on every point of some chunks).
  store.createLayer(scanId, 'predicted', 'predicted');
  for (let b = 0; b < POINTS / EDIT; b++) {
    const points = new Uint32Array(EDIT);
    for (let i = 0; i < EDIT; i++) points[i] = b * EDIT + i;
    store.applyEdit({ kind: 'assign', scanId, layer: 'predicted', points, classCode: codes[(b + 3) % codes.length]!, confidence: 200, source: 'predicted', instance: 1000 + b });
  }
  const predictedStorage = store.labelStorage(scanId, 'predicted');
  store.close();

  const opens: number[] = [];
  const opensWithLabels: number[] = [];
  for (let r = 0; r < 5; r++) {
    let p: ProjectStore | undefined;
    opens.push(time(() => (p = ProjectStore.open(dir))));
    opensWithLabels.push(opens[opens.length - 1]! + time(() => p!.stats(scanId)));
    p!.close();
  }

  const result = {
    benchmark: 'store',
    date: new Date().toISOString(),
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform, loadavgAtEnd: loadavg().map(round) },
    points: POINTS,
    editPoints: EDIT,
    wallMs: { ...Object.fromEntries(Object.entries(wall).map(([k, v]) => [k, summary(v)])), fill: summary(fill) },
    cpuMs: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, summary(v)])),
    openMs: summary(opens),
    openAndLoadLabelsMs: summary(opensWithLabels),
    storage: {
      userLayerBytesPerPoint: round((storage.bytes / storage.points) * 100) / 100,
      predictedLayerBytesPerPoint: round((predictedStorage.bytes / predictedStorage.points) * 100) / 100,
    },
    targets: { durableEdit1MP50Ms: 50, open10MMs: 1000, bytesPerPointPerLayer: 4 },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(root, { recursive: true, force: true });
}
