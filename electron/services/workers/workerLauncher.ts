import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The folder of the calling module: pass `import.meta.url`. Sources (tests, tsx) are ESM and have it;
 * in a CJS bundle it is undefined and every module shares the bundle's `__filename`. (`import.meta.url`
 * comes first: inside an eval'd worker `__filename` is "[worker eval]".)
 */
export function moduleDir(metaUrl: string | undefined): string {
  return dirname(metaUrl ? fileURLToPath(metaUrl) : __filename);
}

/**
 * Starts the worker `name` (e.g. 'renderWorker') from wherever it lives: in a build, scripts/build.mjs
 * bundles electron/services/**\/<name>.ts to dist/workers/<name>.js (found at ../workers/, ./workers/
 * or next to the running bundle); from sources, `<callerDir>/<name>.ts` loaded through tsx's ESM API
 * registered inside the worker, because a worker's --import hooks do not reach its entry module on
 * Node 20. Returns null when neither is available: the caller runs in-thread and says so.
 */
export function spawnNamedWorker(callerDir: string, name: string): Worker | null {
  for (const candidate of [join(callerDir, '..', 'workers'), join(callerDir, 'workers'), callerDir]) {
    const file = join(candidate, `${name}.js`);
    if (existsSync(file)) return new Worker(file);
  }
  const source = join(callerDir, `${name}.ts`);
  if (!existsSync(source)) return null;
  let tsxApi: string;
  try {
    tsxApi = join(dirname(createRequire(join(callerDir, 'x.js')).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs');
  } catch {
    return null; // tsx is a devDependency: a packaged app uses the built worker
  }
  if (!existsSync(tsxApi)) return null;
  const api = JSON.stringify(pathToFileURL(tsxApi).href);
  const entry = JSON.stringify(pathToFileURL(source).href);
  return new Worker(`import(${api}).then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true });
}

/** As spawnNamedWorker, resolved once the worker posts `{ ready: true }`; null if it cannot start, fails or times out. */
export function startReadyWorker(callerDir: string, name: string, timeoutMs: number): Promise<Worker | null> {
  let worker: Worker | null;
  try {
    worker = spawnNamedWorker(callerDir, name);
  } catch {
    return Promise.resolve(null);
  }
  if (!worker) return Promise.resolve(null);
  const w = worker;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      w.off('error', onFail).off('exit', onFail).off('message', onMessage);
      if (!ok) void w.terminate();
      resolve(ok ? w : null);
    };
    const onFail = () => done(false);
    const onMessage = (m: { ready?: boolean }) => done(m.ready === true);
    const timer = setTimeout(onFail, timeoutMs);
    w.on('error', onFail).on('exit', onFail).on('message', onMessage);
  });
}
