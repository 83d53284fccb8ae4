import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScan } from '../../electron/services/scans/read';
import { launchChromium } from './support/browser';
import { repoRoot, startServe, type ServeProcess } from './support/serve';
import { WorkspacePage } from './support/workspacePage';

const outDir = path.join(repoRoot, 'test-output', 'e2e');
const SAMPLE_C = path.resolve(repoRoot, '../shared/data/pdal-sample-c/sample_c.las');
// ASPRS codes in the default schema: building 6 (hotkey 5), ground 2 (hotkey 1).
const BUILDING = '6';
const GROUND = '2';

describe('labeling a real scan in the browser, persisted in the project', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let ws: WorkspacePage;
  let afterEdits: Record<string, number> = {};
  let project = '';

  beforeAll(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-e2e-'));
    serve = await startServe(['--project', project, '--demo-points', '20000']);
    browser = await launchChromium();
    ws = new WorkspacePage(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
    await ws.open(serve.url);
    await ws.waitForScanDrawn();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('imports a LAS file from ../shared/data through the UI', async () => {
    await ws.importFile(SAMPLE_C);
    await ws.waitForScan('sample_c');
    const stats = await ws.viewerStats();
    expect(stats.pointsLoaded).toBe(14_408);
    expect(stats.labelHistogram).toEqual({ unlabeled: 14_408 });
  });

  it('labels the building with one click and Enter', async () => {
    await ws.viewFrom('Top');
    await ws.selectTool('Click');
    await ws.clickAt(0.55, 0.5); // the large roof fills the middle of the top view
    await ws.page.waitForFunction(() => (window as never as { __scanlabelTest: { viewer(): { overlayKind: string } } }).__scanlabelTest.viewer().overlayKind === 'preview', null, { timeout: 60_000 });
    const preview = (await ws.viewerStats()).overlaySize;
    await ws.page.screenshot({ path: path.join(outDir, 'click-preview.png') });
    await ws.press('5');
    await ws.press('Enter');
    const h = await ws.waitForLabels((x) => (x[BUILDING] ?? 0) > 0);
    expect(h[BUILDING]).toBe(preview);
    // sample_c's large roof holds 12,305 points; one click must take most of it and little else.
    expect(h[BUILDING]).toBeGreaterThan(9_000);
    expect(h[BUILDING]).toBeLessThan(13_500);
    await ws.page.screenshot({ path: path.join(outDir, 'click-labeled.png') });
  });

  it('undoes and redoes with the keyboard', async () => {
    const labeled = (await ws.viewerStats()).labelHistogram[BUILDING]!;
    await ws.press('Control+z');
    await ws.waitForLabels((x) => x[BUILDING] === undefined);
    await ws.press('Control+Shift+z');
    const h = await ws.waitForLabels((x) => x[BUILDING] === labeled);
    expect(h.unlabeled).toBe(14_408 - labeled);
  });

  it('selects with a box and assigns the current class with Enter', async () => {
    await ws.selectTool('Box');
    await ws.dragBox(0.05, 0.05, 0.3, 0.95);
    const selected = (await ws.viewerStats()).overlaySize;
    expect(selected).toBeGreaterThan(100);
    await ws.press('1');
    await ws.press('Enter');
    const h = await ws.waitForLabels((x) => (x[GROUND] ?? 0) > 0);
    expect(h[GROUND]).toBe(selected);
    expect((await ws.viewerStats()).overlaySize).toBe(0);
  });

  it('shows predictions from propagation and accepts a predicted class', async () => {
    await ws.setColorMode('Predicted');
    await ws.page.waitForFunction(
      () => Object.keys((window as never as { __scanlabelTest: { viewer(): { predictedHistogram: object } } }).__scanlabelTest.viewer().predictedHistogram).length > 0,
      null,
      { timeout: 90_000 },
    );
    await ws.page.screenshot({ path: path.join(outDir, 'predicted.png') });
    const before = (await ws.viewerStats()).labelHistogram;
    const predictedGround = (await ws.viewerStats()).predictedHistogram[GROUND] ?? 0;
    expect(predictedGround).toBeGreaterThan(0);
    await ws.page.getByRole('button', { name: 'Accept predicted Ground' }).click();
    const h = await ws.waitForLabels((x) => (x[GROUND] ?? 0) > (before[GROUND] ?? 0));
    expect(h[GROUND]).toBe((before[GROUND] ?? 0) + predictedGround);
    afterEdits = h;
    await ws.setColorMode('Labels');
  });

  it('reviews with isolate, height slice and flashing, and protects labels with lock before erasing', async () => {
    const stats = () => ws.viewerStats();
    await ws.page.getByRole('button', { name: 'Show only Building' }).click();
    expect((await stats()).isolatedClass).toBe(6);
    await ws.page.getByRole('button', { name: 'Show only Building' }).click();
    expect((await stats()).isolatedClass).toBeNull();
    await ws.page.getByLabel('Slice bottom (%)').fill('50');
    await expect.poll(async () => (await stats()).heightSlice).not.toBeNull();
    await ws.page.getByLabel('Slice bottom (%)').fill('0');
    await expect.poll(async () => (await stats()).heightSlice).toBeNull();
    await ws.page.getByRole('button', { name: 'Flash unlabeled' }).click();
    expect((await stats()).flashing).toBe(true);
    await ws.page.getByRole('button', { name: 'Stop flashing' }).click();
    expect((await stats()).flashing).toBe(false);

    const labeled = (await stats()).labelHistogram;
    await ws.page.getByRole('button', { name: 'Lock labeled' }).click();
    await ws.selectTool('Eraser');
    await ws.dragBox(0.02, 0.02, 0.98, 0.98);
    await ws.press('Enter');
    await ws.page.getByRole('alert').filter({ hasText: /locked/ }).waitFor();
    expect((await stats()).labelHistogram).toEqual(labeled);
    await ws.page.getByRole('button', { name: 'dismiss' }).click();
    await ws.page.getByRole('button', { name: 'Unlock all' }).click();
    await ws.dragBox(0.02, 0.02, 0.98, 0.98);
    await ws.press('Enter');
    // Nearly everything is erased (a few points may sit outside the dragged box).
    await ws.waitForLabels((x) => (x.unlabeled ?? 0) > (labeled.unlabeled ?? 0) + 10_000);
    await ws.press('Control+z'); // the erase
    const restored = await ws.waitForLabels((x) => x.unlabeled === labeled.unlabeled && x[BUILDING] === labeled[BUILDING]);
    expect(restored).toEqual(labeled);
    await ws.selectTool('Click');
  });

  it('changes a class colour and hides a class', async () => {
    await ws.classColorInput('Building').fill('#123456');
    await expect.poll(() => ws.classColorInput('Building').inputValue()).toBe('#123456');
    await ws.toggleClassHidden('Building');
    expect((await ws.viewerStats()).hiddenClasses).toEqual([6]);
    await ws.toggleClassHidden('Building');
    expect((await ws.viewerStats()).hiddenClasses).toEqual([]);
  });

  it('runs an export from the UI that reads back with the labels', async () => {
    const out = path.join(project, 'exports', 'from-ui.las');
    await ws.page.getByLabel('Export format').selectOption('las');
    await ws.page.getByLabel('Export path').fill(out);
    await ws.page.getByRole('button', { name: 'Export', exact: true }).click();
    await ws.page.getByText(`→ ${out}`).waitFor({ timeout: 60_000 });
    const back = await readScan(out);
    const cls = back.attributes.find((a) => a.name === 'classification')!.values;
    const counts: Record<string, number> = {};
    for (const c of cls) counts[String(c)] = (counts[String(c)] ?? 0) + 1;
    // Unlabeled points export as class 0 (LAS "created, never classified").
    expect(counts[BUILDING]).toBe(afterEdits[BUILDING]);
    expect(counts[GROUND]).toBe(afterEdits[GROUND]);
    expect(counts['0']).toBe(afterEdits.unlabeled);
  });

  it('finds the labels and the colour still there after a reload', async () => {
    await ws.page.reload();
    await ws.waitForScanDrawn();
    await ws.page.getByRole('button', { name: /sample_c/ }).click();
    await ws.waitForScan('sample_c');
    const h = await ws.waitForLabels((x) => x[BUILDING] !== undefined);
    expect(h).toEqual(afterEdits);
    expect(await ws.classColorInput('Building').inputValue()).toBe('#123456');
    expect(ws.consoleErrors).toEqual([]);
  });
});
