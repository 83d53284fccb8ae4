// Propagation benchmark: a 1M-point demo scene, prepared once in the worker, then a sequence of
// simulated clicks (each labels one object region, as an accepted click would), timing each
// propagation in the worker and round trip, and the main thread's event-loop lag meanwhile.
import { cpus } from 'node:os';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mulberry32 } from '../../common/math/random';
import { demoPointScan } from '../../electron/services/scans/demo/demoScene';
import { PropagationEngine } from '../../electron/services/propagation/engine';
import { composite, meanIoU } from '../../electron/services/propagation/metrics';

const points = Number(process.env.BENCH_POINTS ?? 1_000_000);
const clicks = Number(process.env.BENCH_CLICKS ?? 10);
const scan = demoPointScan({ seed: 1, points });
const truth = scan.attributes.find((a) => a.name === 'classification')!.values as Uint16Array;
const instance = scan.attributes.find((a) => a.name === 'instance')!.values as Uint32Array;
const P = scan.positions;

const engine = await PropagationEngine.start();
let t = performance.now();
await engine.prepare(scan);
const prepareMs = performance.now() - t;

const rand = mulberry32(11);
const classes = [...new Set(truth)];
const user = new Uint16Array(points);
const click = (p: number, radius = 5) => {
  const r2 = radius * radius;
  for (let q = 0; q < points; q++) {
    if (instance[q] !== instance[p]) continue;
    const dx = P[q * 3]! - P[p * 3]!;
    const dy = P[q * 3 + 1]! - P[p * 3 + 1]!;
    const dz = P[q * 3 + 2]! - P[p * 3 + 2]!;
    if (dx * dx + dy * dy + dz * dz < r2) user[q] = truth[q]!;
  }
};
const lag = monitorEventLoopDelay({ resolution: 5 });
const runs: { click: number; roundTripMs: number; miou: number }[] = [];
for (let k = 0; k < clicks; k++) {
  const cls = classes[k % classes.length]!;
  let p = Math.floor(rand() * points);
  while (truth[p] !== cls) p = Math.floor(rand() * points);
  click(p);
  lag.enable();
  t = performance.now();
  const result = await engine.propagate(user, null);
  const ms = performance.now() - t;
  lag.disable();
  runs.push({ click: k + 1, roundTripMs: Math.round(ms), miou: Number(meanIoU(composite(user, result.classes), truth).miou.toFixed(4)) });
}
await engine.close();
const times = runs.map((r) => r.roundTripMs).sort((a, b) => a - b);
const out = {
  benchmark: 'propagate',
  date: new Date().toISOString(),
  machine: { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
  points,
  mode: engine.mode,
  superpoints: engine.prepared?.superpoints.count ?? 0,
  prepareMs: Math.round(prepareMs),
  propagateMs: { median: times[times.length >> 1], max: times[times.length - 1] },
  mainThreadMaxLagMs: Math.round(lag.max / 1e6),
  targetMs: 2000,
  runs,
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
