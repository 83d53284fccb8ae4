import fs from 'node:fs';
import path from 'node:path';
import { createCore, type Core, type CoreOptions } from '../services/core/core';

export interface DemoSpec {
  seed: number;
  points: number;
}

/**
 * Where the demo scene's own project lives when the app starts without one, so a first start can
 * label the demo right away (click, Enter) and every edit is saved like any project's. One folder
 * per demo variant: a project's label layers are sized to its scans, and a demo with another seed or
 * point count is another scan.
 */
export function demoProjectDir(settingsDir: string, demo: DemoSpec): string {
  return path.join(settingsDir, 'demo-projects', `seed${demo.seed}-${demo.points}pts`);
}

/**
 * createCore for a host. Without a project (and with the demo on) it opens the demo's project; when
 * that cannot be opened (another instance holds it, a read-only settings folder) the demo still
 * shows, unsaved, and `note` says why.
 */
export function createHostCore(options: CoreOptions & { settingsDir: string }, note: (message: string) => void): Core {
  const demo = options.demo === undefined ? { seed: 1, points: 300_000 } : options.demo;
  if (options.projectDir || !demo) return createCore(options);
  const dir = demoProjectDir(options.settingsDir, demo);
  try {
    fs.mkdirSync(dir, { recursive: true });
    return createCore({ ...options, projectDir: dir });
  } catch (e) {
    note(`The demo project ${dir} could not be opened (${e instanceof Error ? e.message : String(e)}); the demo is shown without a project.`);
    return createCore(options);
  }
}
