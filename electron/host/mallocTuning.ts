import { spawn } from 'node:child_process';

/**
 * glibc malloc settings for every process that runs the core (the CLI, `scanlabel serve`, Electron's
 * core utility process). Linux only: other C libraries and platforms ignore GLIBC_TUNABLES.
 *
 * Why: Node's ArrayBuffers come from malloc. A decoded chunk of 1 M points is ~30 MB in a dozen
 * arrays of 1-12 MB. By default glibc serves the larger ones with fresh mmaps and hands freed heap
 * tops back to the OS, so every chunk lands on fresh pages, and on the cloud VMs we measure on a
 * first-touch page fault costs ~12 us per 4 KB (`node -e` touching 64 MB: 0.2 s): ~1 s of CPU per
 * 10 M decoded points, more than the decoding. Serving allocations up to 32 MB from the heap and
 * keeping up to 512 MB of freed heap for reuse lets later chunks recycle warm memory (10 M point
 * LAS import on such a VM: 18 -> 40 M points/s). The cost: up to 512 MB of freed memory may stay
 * with the process instead of going back to the OS; allocations above 32 MB (whole-scan columns)
 * are unaffected. Set SCANLABEL_MALLOC_TUNING=0 to run without it.
 */
export const MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=536870912';

const MARK = 'glibc.malloc.mmap_threshold';

/** Whether this process started with the tuning (or with malloc tunables of the user's own). */
export function mallocTuned(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GLIBC_TUNABLES?.includes(MARK) ?? false;
}

/** `env` plus the tuning, keeping tunables the user set (theirs win: they come last). */
export function withMallocTuning(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (process.platform !== 'linux' || env.SCANLABEL_MALLOC_TUNING === '0' || mallocTuned(env)) return env;
  const own = env.GLIBC_TUNABLES;
  return { ...env, GLIBC_TUNABLES: own ? `${MALLOC_TUNABLES}:${own}` : MALLOC_TUNABLES };
}

/**
 * Runs this same Node command again with the tuning when it started without (Linux). Resolves with
 * the child's exit code for the caller to exit with, or null when no relaunch is needed and the
 * caller goes on. The parent forwards SIGTERM and SIGHUP; it ignores SIGINT, which a terminal's
 * Ctrl+C already delivers to the child (same process group), so the child sees it once. The child
 * stops when the parent dies (its IPC channel closes), so killing the parent never leaves it behind.
 */
export async function relaunchWithMallocTuning(): Promise<number | null> {
  if (process.env.SCANLABEL_RELAUNCHED === '1') {
    // Not inherited by processes this one starts: each decides for itself.
    delete process.env.SCANLABEL_RELAUNCHED;
    stopWithParent();
    return null;
  }
  const env = withMallocTuning(process.env);
  if (env === process.env) return null;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...env, SCANLABEL_RELAUNCHED: '1' },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGTERM', forward('SIGTERM')],
    ['SIGHUP', forward('SIGHUP')],
    ['SIGINT', () => undefined],
  ];
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
}

function stopWithParent(): void {
  if (!process.channel) return;
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    // Nobody is left to stop us if the SIGTERM handler hangs.
    setTimeout(() => process.exit(1), 15_000).unref();
  });
  // The channel must not keep a finished command alive.
  process.channel.unref();
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
const signalNumber = (s: NodeJS.Signals) => SIGNALS[s] ?? 1;
