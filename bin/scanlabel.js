#!/usr/bin/env node
// The `scanlabel` command: runs the bundled CLI (build it with `npm run build`). On Linux it first
// re-runs itself with the core's malloc settings (electron/host/mallocTuning.ts), before the CLI
// bundle loads, so the relaunch costs one bare Node start.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const cli = fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url));
const tuning = fileURLToPath(new URL('../dist/cli/mallocTuning.js', import.meta.url));
if (!existsSync(cli) || !existsSync(tuning)) {
  process.stderr.write('scanlabel: not built yet. Run "npm run build" in the ScanLabel folder first.\n');
  process.exit(1);
}
const { relaunchWithMallocTuning } = await import(tuning);
const code = await relaunchWithMallocTuning();
if (code === null) await import(cli);
else process.exitCode = code;
