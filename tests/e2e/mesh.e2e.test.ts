import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlCamera, project } from '../../common/geometry/camera';
import { DemoClass, demoMeshScan } from '../../electron/services/scans/demo/demoScene';
import { launchChromium } from './support/browser';
import { repoRoot, startServe, type ServeProcess } from './support/serve';
import { WorkspacePage } from './support/workspacePage';

const outDir = path.join(repoRoot, 'test-output', 'e2e');
const HELSINKI = path.resolve(repoRoot, '../shared/data/sum-helsinki-tiny/tiny_test_c.ply');
const BUILDING = String(DemoClass.building); // ASPRS building 6, hotkey 5 in the default schema

describe('textured meshes in the browser, labeled per face', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let ws: WorkspacePage;
  const demo = demoMeshScan({ seed: 1 });
  const faces = demo.mesh!.indices.length / 3;

  beforeAll(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-e2e-mesh-'));
    serve = await startServe(['--project', projectDir, '--demo-points', '20000']);
    browser = await launchChromium();
    ws = new WorkspacePage(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
    await ws.open(serve.url);
    await ws.waitForScanDrawn();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('opens the demo block mesh as triangles with its texture', async () => {
    expect((await ws.viewerStats()).scanId).toBe('demo-1'); // the point demo stays the first scan
    await ws.openScan('Demo block mesh');
    await ws.waitForMesh('demo-mesh-1');
    const stats = await ws.viewerStats();
    expect(stats.meshFaces).toBe(faces);
    expect(stats.trianglesDrawn).toBeGreaterThan(faces / 4);
    expect(stats.pointsDrawn).toBe(0);
    expect(stats.labelHistogram).toEqual({ unlabeled: faces });
    expect(await ws.scanListText()).toContain(`${faces.toLocaleString('en')} faces`);
  });

  it('labels a building: click on a roof face, Enter', async () => {
    await ws.viewFrom('Top');
    // Wait for the frame drawn from above (camera straight over its target).
    await ws.page.waitForFunction(() => {
      type Cam = { camera: { position: number[]; target: number[] } };
      const { position: p, target: t } = (window as never as { __scanlabelTest: { viewer(): Cam } }).__scanlabelTest.viewer().camera;
      return Math.abs(p[0]! - t[0]!) < 0.5 && Math.abs(p[1]! - t[1]!) < 0.5 && p[2]! - t[2]! > 20;
    });
    // The highest building face seen from above: project its centroid with the viewer's own camera model.
    const P = demo.positions;
    const I = demo.mesh!.indices;
    let best = -1;
    let bestZ = -Infinity;
    for (let f = 0; f < faces; f++) {
      if (demo.demo.faceClass[f] !== DemoClass.building) continue;
      const z = (P[I[f * 3]! * 3 + 2]! + P[I[f * 3 + 1]! * 3 + 2]! + P[I[f * 3 + 2]! * 3 + 2]!) / 3;
      if (z > bestZ) [best, bestZ] = [f, z];
    }
    const c = [0, 1, 2].map((k) => (P[I[best * 3]! * 3 + k]! + P[I[best * 3 + 1]! * 3 + k]! + P[I[best * 3 + 2]! * 3 + k]!) / 3) as [
      number,
      number,
      number,
    ];
    const box = (await ws.page.getByTestId('viewer-canvas').boundingBox())!;
    const cam = (await ws.viewerStats()).camera;
    const q = project(
      fromGlCamera({ position: cam.position, target: cam.target, up: [0, 0, 1], fovDeg: 55, near: 0.1 }, box.width, box.height),
      c,
    )!;
    expect(q).not.toBeNull();

    await ws.selectTool('Click');
    await ws.clickAt(q.u / box.width, q.v / box.height);
    await ws.page.waitForFunction(
      () =>
        (window as never as { __scanlabelTest: { viewer(): { overlayKind: string } } }).__scanlabelTest.viewer().overlayKind === 'preview',
      null,
      { timeout: 60_000 },
    );
    const preview = (await ws.viewerStats()).overlaySize;
    expect(preview).toBeGreaterThan(10);
    expect(preview).toBeLessThan(faces / 4);
    await ws.page.screenshot({ path: path.join(outDir, 'mesh-preview.png') });
    await ws.press('5');
    await ws.press('Enter');
    const h = await ws.waitForLabels((x) => (x[BUILDING] ?? 0) > 0);
    expect(h[BUILDING]).toBe(preview);
    expect(h.unlabeled).toBe(faces - preview);
  });

  it('draws the label overlay with an adjustable opacity, and box-selects faces', async () => {
    await ws.viewFrom('Reset');
    await ws.setMeshOpacity(0.8);
    await ws.page.waitForFunction(
      () => (window as never as { __scanlabelTest: { viewer(): { meshOpacity: number } } }).__scanlabelTest.viewer().meshOpacity === 0.8,
    );
    await ws.page.screenshot({ path: path.join(outDir, 'mesh.png') });
    await ws.selectTool('Box');
    await ws.dragBox(0.4, 0.4, 0.6, 0.6);
    await ws.page.waitForFunction(
      () =>
        (window as never as { __scanlabelTest: { viewer(): { overlayKind: string } } }).__scanlabelTest.viewer().overlayKind ===
        'selection',
    );
    const selected = (await ws.viewerStats()).overlaySize;
    expect(selected).toBeGreaterThan(0);
    expect(selected).toBeLessThan(faces);
    await ws.press('Escape');
  });

  it('imports a real textured mesh (SUM Helsinki) through the import box', async () => {
    await ws.importFile(HELSINKI);
    await ws.waitForMesh('tiny_test_c', 90_000);
    const stats = await ws.viewerStats();
    expect(stats.meshFaces).toBe(1973);
    expect(stats.labelHistogram).toEqual({ unlabeled: 1973 });
    await ws.viewFrom('Top');
    await ws.page.screenshot({ path: path.join(outDir, 'mesh-helsinki.png') });
  });

  it('logged no console errors', () => {
    expect(ws.consoleErrors).toEqual([]);
  });
});
