import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPointScan } from '../../electron/services/scans/demo/demoScene';
import type { ClipBox } from '../../renderer/src/viewer/clipBox';
import { launchChromium } from './support/browser';
import { ClipBoxHandlesPage } from './support/clipBoxHandles';
import { repoRoot, startServe, type ServeProcess } from './support/serve';
import { WorkspacePage } from './support/workspacePage';

const outDir = path.join(repoRoot, 'test-output', 'e2e');

describe('clip box handles: drag a face or the whole box in 3D, Esc cancels, the orbit stays still', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let ws: WorkspacePage;
  let handles: ClipBoxHandlesPage;
  const demo = demoPointScan({ seed: 1, points: 20_000 });
  const P = demo.positions;
  /** Demo points inside a box (scan frame), counted here from the generated scan. */
  const countInside = (b: ClipBox) => {
    let n = 0;
    for (let i = 0; i < P.length / 3; i++) if ([0, 1, 2].every((k) => P[i * 3 + k]! >= b.min[k]! && P[i * 3 + k]! <= b.max[k]!)) n++;
    return n;
  };
  const clipBox = async () => (await ws.viewerStats()).clipBox!;

  beforeAll(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-e2e-clip-'));
    serve = await startServe(['--project', project, '--demo-points', '20000']);
    browser = await launchChromium();
    ws = new WorkspacePage(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
    handles = new ClipBoxHandlesPage(ws);
    await ws.open(serve.url);
    await ws.waitForScanDrawn();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('drags the x+ face inwards: the bound moves the right way, fewer points show, the camera does not orbit', async () => {
    await ws.viewFrom('Reset');
    await ws.setClipBoxOn(true);
    await ws.settledCamera();
    const before = await clipBox();
    const stats = await ws.viewerStats();
    expect(stats.pointsInClip).toBe(P.length / 3);
    expect(stats.clipHandles).not.toBeNull();

    // Hover highlights the handle (and shows a resize cursor).
    await handles.hover('x+');
    expect(await ws.page.getByTestId('viewer-canvas').evaluate((c) => (c as HTMLElement).style.cursor)).toBe('ew-resize');

    // Drag towards the opposite face: a third of the way across, on screen.
    const camera = await ws.settledCamera();
    const from = await handles.handleAt('x+');
    const to = await handles.handleAt('x-');
    const [dx, dy] = [(to.x - from.x) / 3, (to.y - from.y) / 3];
    await handles.drag('x+', dx, dy);
    await expect.poll(async () => (await clipBox()).max[0]).toBeLessThan(before.max[0] - 0.1 * (before.max[0] - before.min[0]));
    const after = await clipBox();
    // Only that face moved, and not past the other one.
    expect(after.max[0]).toBeGreaterThan(before.min[0]);
    // The face followed the pointer: its handle is where the mouse was released.
    const moved = await handles.handleAt('x+');
    expect(Math.hypot(moved.x - (from.x + dx), moved.y - (from.y + dy))).toBeLessThan(2);
    expect(after.min).toEqual(before.min);
    expect(after.max.slice(1)).toEqual(before.max.slice(1));
    // The orbit was off during the drag.
    expect(await ws.settledCamera()).toEqual(camera);

    // Fewer points show: exactly the generated points inside the new box.
    await expect.poll(async () => (await ws.viewerStats()).pointsInClip).toBe(countInside(after));
    const shown = (await ws.viewerStats()).pointsInClip!;
    expect(shown).toBeLessThan(P.length / 3);
    expect(shown).toBeGreaterThan(P.length / 3 / 4);
    await handles.hover('x+');
    await ws.page.screenshot({ path: path.join(outDir, 'clip-box-handles.png') });
  });

  it('Esc during a drag puts the box back and leaves the rest alone', async () => {
    const before = await clipBox();
    const from = await handles.handleAt('x-');
    const to = await handles.handleAt('x+');
    await handles.press('x-', (to.x - from.x) / 2, (to.y - from.y) / 2);
    await expect.poll(async () => (await clipBox()).min[0]).toBeGreaterThan(before.min[0] + 1);
    await ws.press('Escape');
    await expect.poll(async () => (await ws.viewerStats()).clipDrag).toBeNull();
    expect(await clipBox()).toEqual(before);
    // Releasing afterwards changes nothing, and the orbit works again.
    await ws.page.mouse.up();
    expect(await clipBox()).toEqual(before);
    const camera = await ws.settledCamera();
    await ws.dragOrbit(-80, 0);
    expect(await ws.settledCamera()).not.toEqual(camera);
  });

  it('drags the box body: it moves whole, its size unchanged', async () => {
    await ws.viewFrom('Top');
    await ws.settledCamera();
    const before = await clipBox();
    await handles.drag('body', 60, 0);
    await expect.poll(async () => (await clipBox()).min[0]).toBeGreaterThan(before.min[0] + 1);
    const after = await clipBox();
    const shift = after.min[0] - before.min[0];
    for (let k = 0; k < 3; k++) expect(after.max[k]! - after.min[k]!).toBeCloseTo(before.max[k]! - before.min[k]!, 4);
    // Dragged right in a top view: along +x, hardly along y.
    expect(Math.abs(after.min[1] - before.min[1])).toBeLessThan(0.05 * shift);
    await expect.poll(async () => (await ws.viewerStats()).pointsInClip).toBe(countInside(after));
    await ws.page.screenshot({ path: path.join(outDir, 'clip-box-moved.png') });
    await ws.setClipBoxOn(false);
    await expect.poll(async () => (await ws.viewerStats()).clipHandles).toBeNull();
  });
});
