// Project store benchmark: bundles tests/bench/storeBench.ts with esbuild (no prior build needed),
// runs it, prints its JSON and writes it to bench-output/store.json.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repo, 'bench-output');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, 'store-bench.mjs');
await build({
  entryPoints: [join(repo, 'tests/bench/storeBench.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const json = execFileSync(process.execPath, [outfile], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }).toString();
writeFileSync(join(outDir, 'store.json'), json);
process.stdout.write(json);
