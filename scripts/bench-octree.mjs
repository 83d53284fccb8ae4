// Octree build benchmark: bundles tests/bench/octreeBench.ts and the octree worker with esbuild the
// way the app build does (worker at workers/octreeWorker.js next to the bundle), runs it, prints its
// JSON and writes it to bench-output/octree.json. Options: --points N (default 10M), --budget MIB,
// --modes memory,stream,single (default all). Runs with the core's malloc settings (SCANLABEL_MALLOC_TUNING=0: without).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repo, 'bench-output');
const bundleDir = join(outDir, 'octree-bench');
mkdirSync(bundleDir, { recursive: true });
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' };
await build({ ...common, entryPoints: [join(repo, 'tests/bench/octreeBench.ts')], outfile: join(bundleDir, 'octreeBench.mjs') });
await build({
  ...common,
  entryPoints: [join(repo, 'electron/services/octree/octreeWorker.ts')],
  outfile: join(bundleDir, 'workers/octreeWorker.js'),
});
// The build runs with the malloc settings every core process gets (electron/host/mallocTuning.ts).
await build({ ...common, entryPoints: [join(repo, 'electron/host/mallocTuning.ts')], outfile: join(bundleDir, 'mallocTuning.mjs') });
const { withMallocTuning } = await import(join(bundleDir, 'mallocTuning.mjs'));
const json = execFileSync(process.execPath, [join(bundleDir, 'octreeBench.mjs'), ...process.argv.slice(2)], {
  cwd: repo,
  env: withMallocTuning(process.env),
  stdio: ['ignore', 'pipe', 'inherit'],
  maxBuffer: 1 << 24,
}).toString();
writeFileSync(join(outDir, 'octree.json'), json);
process.stdout.write(json);
