import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { repoRoot, startServe, type ServeProcess } from './support/serve';
import { WorkspacePage } from './support/workspacePage';

const outDir = path.join(repoRoot, 'test-output', 'e2e');
// IGN LiDAR HD tile excerpt: 697,721 points with extra-byte blocks.
const IGN = path.resolve(repoRoot, '../shared/data/ign-lidarhd/las_with_several_extra_byte_bloc.laz');
const SCAN_ID = 'las_with_several_extra_byte_bloc';
const BUDGET = 200_000;

describe('LOD octree view under a point budget', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let ws: WorkspacePage;

  beforeAll(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-e2e-lod-'));
    serve = await startServe(['--project', project, '--demo-points', '20000']);
    browser = await launchChromium();
    ws = new WorkspacePage(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
    await ws.open(`${serve.url}&budget=${BUDGET}`);
    await ws.waitForScanDrawn();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('imports a 697k-point LAZ through the UI and draws octree nodes within the budget', async () => {
    await ws.importFile(IGN);
    const stats = await ws.waitForLodSettled(SCAN_ID, 110_000);
    expect(stats.pointBudget).toBe(BUDGET);
    expect(stats.visibleNodes).toBeGreaterThan(1);
    expect(stats.pointsDrawn).toBeGreaterThan(0);
    expect(stats.pointsDrawn).toBeLessThanOrEqual(BUDGET);
    await ws.page.screenshot({ path: path.join(outDir, 'lod-overview.png') });
    expect(ws.consoleErrors).toEqual([]);
  });

  it('zooming in changes the visible node set, still within the budget', async () => {
    const before = await ws.viewerStats();
    const beforeCam = before.camera.position;
    await ws.wheelAt(0.5, 0.5, -400, 6);
    await ws.page.waitForFunction(
      (p) => {
        const s = (window as unknown as { __scanlabelTest: { viewer(): { camera: { position: number[] } } } }).__scanlabelTest.viewer();
        return s.camera.position.some((v, i) => Math.abs(v - p[i]!) > 1e-6);
      },
      beforeCam,
      { timeout: 20_000 },
    );
    const after = await ws.waitForLodSettled(SCAN_ID);
    expect(after.pointsDrawn).toBeLessThanOrEqual(BUDGET);
    expect(after.visibleNodes).toBeGreaterThan(1);
    // Closer up, deeper nodes replace far ones: a different set (compared by count of nodes and points).
    expect([after.nodesWanted, after.pointsDrawn]).not.toEqual([before.nodesWanted, before.pointsDrawn]);
    await ws.page.screenshot({ path: path.join(outDir, 'lod-zoomed.png') });
  });

  it('box selection on an LOD view selects through the core, labels reach the loaded nodes', async () => {
    await ws.viewFrom('Top');
    await ws.waitForLodSettled(SCAN_ID);
    await ws.selectTool('Box');
    await ws.dragBox(0.3, 0.3, 0.6, 0.6);
    await ws.page.waitForFunction(
      () =>
        (window as unknown as { __scanlabelTest: { viewer(): { overlayKind: string } } }).__scanlabelTest.viewer().overlayKind ===
        'selection',
      null,
      {
        timeout: 30_000,
      },
    );
    const selected = (await ws.viewerStats()).overlaySize;
    const drawn = (await ws.viewerStats()).pointsDrawn;
    // The core selects every point of the scan in the box (its exact count is in the pending bar); the
    // overlay shows the loaded ones.
    const inCore = Number(/^([\d,]+) points selected/.exec(await ws.pendingText())![1]!.replace(/,/g, ''));
    expect(selected).toBeGreaterThan(1000);
    expect(inCore).toBeGreaterThan(selected);
    await ws.press('1'); // ground
    await ws.press('Enter');
    const h = await ws.waitForLabels((x) => (x['2'] ?? 0) > 0, 30_000);
    expect(h['2']!).toBeLessThanOrEqual(drawn);
    expect(h['2']!).toBeLessThanOrEqual(selected);
    // The edit named the core's selection: every point of it is labeled, not only the loaded ones.
    await expect.poll(() => ws.page.locator('.class-row[data-code="2"] .class-count').innerText(), { timeout: 30_000 }).toBe(inCore.toLocaleString('en-US'));
  });

  it('toggles eye-dome lighting (a post pass: the same points are drawn)', async () => {
    const edlOf = () =>
      ws.page.evaluate(() => (window as unknown as { __scanlabelTest: { viewer(): { edl: boolean } } }).__scanlabelTest.viewer().edl);
    const initial = await edlOf();
    await ws.toggleEdl();
    await ws.page.waitForFunction(
      (v) => (window as unknown as { __scanlabelTest: { viewer(): { edl: boolean } } }).__scanlabelTest.viewer().edl === v,
      !initial,
    );
    const on = initial
      ? await ws.viewerStats()
      : (await ws.page.screenshot({ path: path.join(outDir, 'lod-edl.png') }), await ws.viewerStats());
    expect(on.pointsDrawn).toBeGreaterThan(0);
    expect(on.pointsDrawn).toBeLessThanOrEqual(BUDGET);
    await ws.toggleEdl();
    await ws.page.waitForFunction(
      (v) => (window as unknown as { __scanlabelTest: { viewer(): { edl: boolean } } }).__scanlabelTest.viewer().edl === v,
      initial,
    );
  });
});
