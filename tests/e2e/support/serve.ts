import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');

export interface ServeProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built `scanlabel serve` (npm test builds first) and waits for the URL it prints. */
export async function startServe(args: string[] = []): Promise<ServeProcess> {
  // A throwaway settings folder: tests never touch the user's recent-projects list.
  const settings = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-settings-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/scanlabel.js'), 'serve', '--port', '0', ...args], {
    cwd: repoRoot,
    env: { ...process.env, SCANLABEL_SETTINGS_DIR: settings },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
  return {
    url,
    child,
    output: () => out,
    stop(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}
