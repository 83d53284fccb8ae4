import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { repoRoot, startServe, type ServeProcess } from './support/serve';
import { WorkspacePage } from './support/workspacePage';

const outDir = path.join(repoRoot, 'test-output', 'e2e');

describe('scanlabel serve in Debian Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let ws: WorkspacePage;

  beforeAll(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    serve = await startServe(['--demo-points', '200000']);
    browser = await launchChromium();
    ws = new WorkspacePage(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
    await ws.open(serve.url);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('loads the demo scene into a WebGL2 viewer and draws every point', async () => {
    expect(await ws.webgl2Available()).toBe(true);
    await ws.waitForScanDrawn();
    const stats = await ws.viewerStats();
    expect(stats.webgl2).toBe(true);
    expect(stats.scanId).toBe('demo-1');
    expect(stats.pointsLoaded).toBe(200_000);
    expect(stats.pointsDrawn).toBe(200_000);
    expect(await ws.scanListText()).toContain('200,000 points');
    await ws.page.screenshot({ path: path.join(outDir, 'demo-rgb.png') });
  });

  it('switches colour modes and orbits the camera', async () => {
    const before = await ws.viewerStats();
    await ws.setColorMode('File classes');
    await ws.page.waitForFunction(() => (window as never as { __scanlabelTest: { viewer(): { colorMode: string } } }).__scanlabelTest.viewer().colorMode === 'source');
    await ws.dragOrbit(160, 40);
    await ws.page.waitForFunction(
      (prev) => {
        const s = (window as never as { __scanlabelTest: { viewer(): { camera: { position: number[] } } } }).__scanlabelTest.viewer();
        return s.camera.position[0] !== prev;
      },
      before.camera.position[0],
    );
    const after = await ws.viewerStats();
    expect(after.frames).toBeGreaterThan(before.frames);
    expect(after.camera.target).toEqual(before.camera.target);
    await ws.page.screenshot({ path: path.join(outDir, 'demo-class.png') });
    for (const [label, mode] of [
      ['Elevation', 'elevation'],
      ['Intensity', 'intensity'],
      ['RGB', 'rgb'],
    ] as const) {
      await ws.setColorMode(label);
      expect((await ws.viewerStats()).colorMode).toBe(mode);
    }
    await ws.setColorMode('Intensity');
    await ws.page.screenshot({ path: path.join(outDir, 'demo-intensity.png') });
  });

  it('logged no console errors', () => {
    expect(ws.consoleErrors).toEqual([]);
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = await serve.stop('SIGTERM');
    expect(code).toBe(0);
    expect(serve.output()).toContain('Stopped.');
  });
});
