import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostCore, demoProjectDir } from '../../../electron/host/demoProject';
import type { Core } from '../../../electron/services/core/core';
import { ApiClient } from '../../../renderer/src/platform/apiClient';
import { InMemoryTransport } from '../../../renderer/src/platform/transports/memory';

const DEMO = { seed: 3, points: 4_000 };

describe('the demo project a host opens when started without one', () => {
  const cores: Core[] = [];
  afterEach(async () => {
    for (const c of cores.splice(0)) await c.close();
  });

  it('opens the demo in its own project, where an edit is saved and found again after a restart', async () => {
    const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-demo-project-'));
    const notes: string[] = [];
    const first = createHostCore({ host: 'memory', projectDir: null, demo: DEMO, settingsDir }, (n) => notes.push(n));
    cores.push(first);
    await first.ready;
    const client = new ApiClient(new InMemoryTransport(first));
    const info = await client.get('app.info', {});
    expect(info.projectDir).toBe(demoProjectDir(settingsDir, DEMO));
    expect(fs.existsSync(path.join(info.projectDir!, 'project.sqlite'))).toBe(true);
    expect((await client.get('project.scans', {})).map((s) => s.id)).toContain('demo-3');
    await client.get('labels.applyEdit', { kind: 'assign', scanId: 'demo-3', points: { ranges: [[0, 3]] }, classCode: 6 });
    await first.close();
    cores.pop();

    const again = createHostCore({ host: 'memory', projectDir: null, demo: DEMO, settingsDir }, (n) => notes.push(n));
    cores.push(again);
    await again.ready;
    const stats = await new ApiClient(new InMemoryTransport(again)).get('labels.stats', { scanId: 'demo-3' });
    expect(stats.labeled).toBe(3);
    expect(stats.classes.find((c) => c.code === 6)?.count).toBe(3);
    expect(notes).toEqual([]);
  });

  it('shows the demo without a project, with a note, when another instance holds the demo project', async () => {
    const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-demo-project-'));
    const holder = createHostCore({ host: 'memory', projectDir: null, demo: DEMO, settingsDir }, () => undefined);
    cores.push(holder);
    await holder.ready;
    const notes: string[] = [];
    const second = createHostCore({ host: 'memory', projectDir: null, demo: DEMO, settingsDir }, (n) => notes.push(n));
    cores.push(second);
    await second.ready;
    expect((await new ApiClient(new InMemoryTransport(second)).get('app.info', {})).projectDir).toBeNull();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(demoProjectDir(settingsDir, DEMO));
    expect(notes[0]).toContain('open elsewhere');
  });

  it('opens no project when the demo is off', async () => {
    const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-demo-project-'));
    const core = createHostCore({ host: 'memory', projectDir: null, demo: false, settingsDir }, () => undefined);
    cores.push(core);
    await core.ready;
    expect((await new ApiClient(new InMemoryTransport(core)).get('app.info', {})).projectDir).toBeNull();
    expect(fs.existsSync(path.join(settingsDir, 'demo-projects'))).toBe(false);
  });
});
