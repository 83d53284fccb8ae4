#!/usr/bin/env node
// `npm start`: build, then launch the Electron shell. Where the Electron binary could not be
// downloaded (offline machines), fail fast and point at the browser host instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package exports the path of its downloaded binary, and throws when there is none.
    const bin = require('electron');
    return typeof bin === 'string' ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
if (!bin) {
  console.error(
    [
      'ScanLabel: the Electron binary is not installed (it is downloaded by npm install and that needs',
      'access to github.com). Two ways on:',
      '  npm run serve       run ScanLabel in your browser on 127.0.0.1 (no Electron needed)',
      '  npm install electron  on a machine with internet access, then npm start again',
    ].join('\n'),
  );
  process.exit(1);
}
const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const child = spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
