#!/usr/bin/env node
// The `scanlabel` command: runs the bundled CLI (build it with `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const cli = fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('scanlabel: not built yet. Run "npm run build" in the ScanLabel folder first.\n');
  process.exit(1);
}
await import(cli);
