// Propagation benchmark: bundles tests/bench/propagateBench.ts and the propagation worker with
// esbuild (no prior build needed), runs it, prints its JSON and writes bench-output/propagate.json.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repo, 'bench-output');
mkdirSync(outDir, { recursive: true });
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' };
await build({ ...common, entryPoints: [join(repo, 'tests/bench/propagateBench.ts')], outfile: join(outDir, 'propagate-bench.mjs') });
// The engine looks for workers/propagationWorker.js next to the running bundle.
await build({ ...common, entryPoints: [join(repo, 'electron/services/propagation/propagationWorker.ts')], outfile: join(outDir, 'workers', 'propagationWorker.js') });
const json = execFileSync(process.execPath, [join(outDir, 'propagate-bench.mjs')], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }).toString();
writeFileSync(join(outDir, 'propagate.json'), json);
process.stdout.write(json);
