import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MALLOC_TUNABLES, withMallocTuning } from '../../../electron/host/mallocTuning';
import { bundleChild } from '../store/childScript';

let probe = '';
beforeAll(async () => {
  probe = await bundleChild(join(import.meta.dirname, 'children/relaunchProbe.ts'), 'relaunchProbe');
});

interface Probe {
  pid: number;
  ppid: number;
  tunables: string | null;
  marker: string | null;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = { ...process.env, ...env };
  delete clean.GLIBC_TUNABLES;
  delete clean.SCANLABEL_RELAUNCHED;
  if (env.GLIBC_TUNABLES) clean.GLIBC_TUNABLES = env.GLIBC_TUNABLES;
  const child = spawn(process.execPath, [probe, ...args], { env: clean, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const report = new Promise<Probe>((resolve) => child.stdout.on('data', () => out.includes('\n') && resolve(JSON.parse(out.split('\n')[0]!) as Probe)));
  return { child, exited, report, output: () => out };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('withMallocTuning', () => {
  it('adds the tuning on Linux, keeps tunables the user set after it, and can be turned off', () => {
    if (process.platform !== 'linux') return expect(withMallocTuning({})).toEqual({});
    expect(withMallocTuning({}).GLIBC_TUNABLES).toBe(MALLOC_TUNABLES);
    expect(withMallocTuning({ GLIBC_TUNABLES: 'glibc.cpu.x86_ibt=on' }).GLIBC_TUNABLES).toBe(`${MALLOC_TUNABLES}:glibc.cpu.x86_ibt=on`);
    const own = { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=4096' };
    expect(withMallocTuning(own)).toBe(own);
    const off = { SCANLABEL_MALLOC_TUNING: '0' };
    expect(withMallocTuning(off)).toBe(off);
  });
});

describe.runIf(process.platform === 'linux')('relaunchWithMallocTuning', () => {
  it('runs the command again with the tuning, once, and exits with its exit code', async () => {
    const r = run(['7']);
    const p = await r.report;
    expect(await r.exited).toBe(7);
    expect(p.tunables).toBe(MALLOC_TUNABLES);
    expect(p.ppid).toBe(r.child.pid);
    // The marker is for the relaunched process only, not for what it starts.
    expect(p.marker).toBeNull();
  });

  it('does not relaunch when the settings are already there or turned off', async () => {
    const tuned = run(['0'], { GLIBC_TUNABLES: MALLOC_TUNABLES });
    expect((await tuned.report).pid).toBe(tuned.child.pid);
    expect(await tuned.exited).toBe(0);
    const off = run(['0'], { SCANLABEL_MALLOC_TUNING: '0' });
    const p = await off.report;
    expect(p.pid).toBe(off.child.pid);
    expect(p.tunables).toBeNull();
  });

  it('forwards SIGTERM to the relaunched process and exits with its code', async () => {
    const r = run(['wait']);
    await r.report;
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.output()).toContain('got SIGTERM');
  });

  it('a relaunched process stops when its parent is killed outright', async () => {
    const r = run(['wait']);
    const p = await r.report;
    expect(p.pid).not.toBe(r.child.pid);
    r.child.kill('SIGKILL');
    await r.exited;
    for (let i = 0; i < 100 && alive(p.pid); i++) await new Promise((res) => setTimeout(res, 50));
    expect(alive(p.pid)).toBe(false);
  });
});
