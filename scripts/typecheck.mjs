#!/usr/bin/env node
// Type-checks each layer with its own tsconfig (each sees a different world: no DOM in common and
// services, no Node in the renderer, Electron only in main/preload).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const layers = ['common', 'electron/services', 'renderer', 'tests', 'electron/main'];
let failed = false;
for (const layer of layers) {
  if (layer === 'electron/main' && !fs.existsSync(path.join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
    // electron is an optional dependency: offline installs drop it. `ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install`
    // keeps the package (and its types) without the binary; CI does that, so CI always checks this layer.
    console.warn('typecheck: skipping electron/main (the electron package is not installed; see README "Offline installs")');
    continue;
  }
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, layer, 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
  else console.log(`typecheck: ${layer} ok`);
}
process.exit(failed ? 1 : 0);
