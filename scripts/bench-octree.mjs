// Octree build benchmark: bundles tests/bench/octreeBench.ts and the octree worker with esbuild the
// way the app build does (worker at workers/octreeWorker.js next to the bundle), runs it, prints its
// JSON and writes it to bench-output/octree.json. Options: --points N (default 10M), --budget MIB,
// --modes memory,stream,single (default all).
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
const json = execFileSync(process.execPath, [join(bundleDir, 'octreeBench.mjs'), ...process.argv.slice(2)], {
  cwd: repo,
  stdio: ['ignore', 'pipe', 'inherit'],
  maxBuffer: 1 << 24,
}).toString();
writeFileSync(join(outDir, 'octree.json'), json);
process.stdout.write(json);
