import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts `<name>Worker` from wherever it lives: in a build, scripts/build.mjs bundles
 * electron/services/**\/<name>Worker.ts to dist/workers/<name>Worker.js (found at ../workers/,
 * ./workers/ or next to the running bundle); from sources (tests, tsx) the .ts next to this file,
 * loaded through tsx's ESM API registered inside the worker, because a worker's --import hooks do
 * not reach its entry module on Node 20. Returns null when neither is available (the caller then
 * runs in-thread and says so).
 */
function here(): string {
  return typeof __filename === 'string' ? dirname(__filename) : dirname(fileURLToPath(import.meta.url));
}

export function startNamedWorker(name: string): Worker | null {
  const dir = here();
  for (const candidate of [join(dir, '..', 'workers'), join(dir, 'workers'), dir]) {
    const file = join(candidate, `${name}.js`);
    if (existsSync(file)) return new Worker(file);
  }
  const source = join(dir, `${name}.ts`);
  if (!existsSync(source)) return null;
  let tsxApi: string;
  try {
    const pkg = createRequire(join(dir, 'x.js')).resolve('tsx/package.json');
    tsxApi = join(dirname(pkg), 'dist', 'esm', 'api', 'index.mjs');
  } catch {
    return null; // tsx is a devDependency: a packaged app uses the built worker
  }
  if (!existsSync(tsxApi)) return null;
  const api = JSON.stringify(pathToFileURL(tsxApi).href);
  const entry = JSON.stringify(pathToFileURL(source).href);
  return new Worker(`import(${api}).then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true });
}
