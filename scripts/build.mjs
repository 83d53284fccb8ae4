#!/usr/bin/env node
// Builds every entry point: the renderer with Vite, and the Node/Electron entries with esbuild.
// Why not electron-vite: it needs the electron package at build time, which cannot be downloaded on
// the build machines; Vite + esbuild produce the same four outputs (main, preload, renderer, cli/host)
// and work without Electron. Node entries keep node_modules external (native modules must stay
// loadable from node_modules: better-sqlite3, onnxruntime-node).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const args = new Set(process.argv.slice(2));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const stamp = path.join(dist, '.build-stamp');
if (args.has('--if-stale') && fs.existsSync(stamp)) {
  const built = fs.statSync(stamp).mtimeMs;
  const sources = Math.max(...['common', 'electron', 'renderer', 'package.json'].map((p) => {
    const full = path.join(root, p);
    return fs.statSync(full).isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
  }));
  if (sources < built) process.exit(0);
}

const started = Date.now();
const define = { __SCANLABEL_VERSION__: JSON.stringify(pkg.version) };
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, packages: 'external', define, logLevel: 'warning' };

// Workers other services add: every electron/services/**/<name>Worker.ts becomes dist/workers/<name>Worker.js.
function findWorkers(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findWorkers(p));
    else if (/Worker\.ts$/.test(entry.name)) out.push(p);
  }
  return out;
}

await Promise.all([
  // mallocTuning is its own small entry: bin/scanlabel.js relaunches with it before loading the CLI.
  build({ ...common, entryPoints: { cli: 'electron/cli/main.ts', mallocTuning: 'electron/host/mallocTuning.ts' }, outdir: path.join(dist, 'cli'), format: 'esm', outExtension: { '.js': '.js' } }),
  // CommonJS for Electron's utilityProcess. Modules that locate sibling files use __filename there and
  // import.meta.url under ESM (guarded), so esbuild's empty-import-meta note is expected and silenced.
  build({
    ...common,
    entryPoints: { coreProcess: 'electron/host/utilityProcessEntry.ts' },
    outdir: path.join(dist, 'core'),
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    logOverride: { 'empty-import-meta': 'silent' },
  }),
  build({ ...common, entryPoints: { main: 'electron/main/main.ts' }, outdir: path.join(dist, 'main'), format: 'cjs', outExtension: { '.js': '.cjs' } }),
  // The preload runs sandboxed: it may only require('electron'), so everything else is bundled in.
  build({ ...common, packages: undefined, external: ['electron'], entryPoints: { preload: 'electron/preload/preload.ts' }, outdir: path.join(dist, 'preload'), format: 'cjs', outExtension: { '.js': '.cjs' } }),
  ...findWorkers(path.join(root, 'electron/services')).map((file) =>
    build({ ...common, entryPoints: [file], outdir: path.join(dist, 'workers'), format: 'esm' }),
  ),
  viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' }),
]);
fs.writeFileSync(stamp, new Date().toISOString());
console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
