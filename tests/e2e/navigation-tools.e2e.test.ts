import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlCamera, project, type Vec3 } from '../../common/geometry/camera';
import { DemoClass, demoMeshScan, demoPointScan } from '../../electron/services/scans/demo/demoScene';
import { computeBounds } from '../../electron/services/scans/model';
import { launchChromium } from './support/browser';
import { repoRoot, startServe, type ServeProcess } from './support/serve';
import { WorkspacePage } from './support/workspacePage';

const outDir = path.join(repoRoot, 'test-output', 'e2e');
const BUILDING = String(DemoClass.building); // ASPRS 6, hotkey 5 in the default schema

const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]!);
const unit = (a: number[]) => {
  const l = Math.hypot(...a);
  return a.map((v) => v / l);
};
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('navigation and tools: fly mode, clipping box, depth-limited brush, box prompt with its 2D mask', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let ws: WorkspacePage;
  const demo = demoPointScan({ seed: 1, points: 20_000 });
  const P = demo.positions;
  const truth = demo.attributes.find((a) => a.name === 'classification')!.values;

  /** Where scan-frame points appear on the canvas now, as fractions of the canvas (the viewer's own camera model). */
  const screenProjector = async () => {
    const box = (await ws.page.getByTestId('viewer-canvas').boundingBox())!;
    const cam = (await ws.viewerStats()).camera;
    const camera = fromGlCamera({ position: cam.position, target: cam.target, up: [0, 0, 1], fovDeg: 55, near: 0.1 }, box.width, box.height);
    return (p: Vec3) => {
      const q = project(camera, p)!;
      return { fx: q.u / box.width, fy: q.v / box.height };
    };
  };
  const pointOf = (i: number): Vec3 => [P[i * 3]!, P[i * 3 + 1]!, P[i * 3 + 2]!];
  const onScreen = async (p: Vec3) => (await screenProjector())(p);
  /** Waits for the frame drawn from straight above. */
  const waitForTopView = () =>
    ws.page.waitForFunction(() => {
      type Cam = { camera: { position: number[]; target: number[] } };
      const { position: p, target: t } = (window as never as { __scanlabelTest: { viewer(): Cam } }).__scanlabelTest.viewer().camera;
      return Math.abs(p[0]! - t[0]!) < 0.5 && Math.abs(p[1]! - t[1]!) < 0.5 && p[2]! - t[2]! > 20;
    });

  beforeAll(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-e2e-nav-'));
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

  it('flies with W/A/S/D and mouse look, and Esc resumes the orbit around the point in front', async () => {
    await ws.viewFrom('Reset');
    const start = await ws.settledCamera();
    await ws.toggleFly();
    await ws.waitForNavigation('fly');
    const stats = await ws.viewerStats();
    expect(stats.flySpeed).toBeGreaterThan(1);
    const forward = unit(sub(start.target, start.position));

    await ws.holdKey('w', 600);
    let cam = await ws.settledCamera();
    const moved = sub(cam.position, start.position);
    expect(Math.hypot(...moved)).toBeGreaterThan(0.5);
    expect(dot(unit(moved), forward)).toBeGreaterThan(0.99); // straight ahead

    await ws.holdKey('e', 400); // up
    const up = sub((await ws.settledCamera()).position, cam.position);
    expect(up[2]).toBeGreaterThan(0.2);
    expect(Math.hypot(up[0]!, up[1]!)).toBeLessThan(1e-6);

    await ws.dragOrbit(120, 0); // look right
    cam = await ws.settledCamera();
    const looked = unit(sub(cam.target, cam.position));
    expect(dot(looked, forward)).toBeLessThan(0.98);
    // Looking right turns clockwise seen from above: the new direction is to the right of the old one.
    expect(forward[0]! * looked[1]! - forward[1]! * looked[0]!).toBeLessThan(0);
    await ws.page.screenshot({ path: path.join(outDir, 'fly.png') });

    await ws.press('Escape');
    await ws.waitForNavigation('orbit');
    const after = await ws.settledCamera();
    after.position.forEach((v, k) => expect(v).toBeCloseTo(cam.position[k]!, 6));
    // The orbit centre is straight ahead of the camera.
    expect(dot(unit(sub(after.target, after.position)), looked)).toBeGreaterThan(0.999);
    // And the orbit works again: dragging moves the camera around that centre.
    await ws.dragOrbit(80, 0);
    const orbited = await ws.settledCamera();
    orbited.target.forEach((v, k) => expect(v).toBeCloseTo(after.target[k]!, 6));
    expect(Math.hypot(...sub(orbited.position, after.position))).toBeGreaterThan(0.1);

    // F toggles fly mode from the keyboard too.
    await ws.press('f');
    await ws.waitForNavigation('fly');
    await ws.press('Escape');
    await ws.waitForNavigation('orbit');
  });

  it('fly mode: a double click locks the pointer, the mouse then looks around without a button', async () => {
    await ws.viewFrom('Reset');
    await ws.settledCamera();
    await ws.toggleFly();
    await ws.waitForNavigation('fly');
    const before = await ws.settledCamera();
    const forward = unit(sub(before.target, before.position));
    const canvas = ws.page.getByTestId('viewer-canvas');
    const box = (await canvas.boundingBox())!;
    await ws.page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await ws.page.waitForFunction(() => document.pointerLockElement?.getAttribute('data-testid') === 'viewer-canvas', null, { timeout: 10_000 });
    // Still flying: the double click did not refocus the orbit.
    expect((await ws.viewerStats()).navigation).toBe('fly');
    // No button held: moving the mouse to the right turns the view right.
    await ws.page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2, { steps: 6 });
    const cam = await ws.settledCamera();
    const looked = unit(sub(cam.target, cam.position));
    expect(dot(looked, forward)).toBeLessThan(0.98);
    expect(forward[0]! * looked[1]! - forward[1]! * looked[0]!).toBeLessThan(0);
    cam.position.forEach((v, k) => expect(v).toBeCloseTo(before.position[k]!, 6));
    // Browsers release the lock on Esc themselves; then Esc leaves fly mode as before.
    await ws.page.evaluate(() => document.exitPointerLock());
    await ws.page.waitForFunction(() => document.pointerLockElement === null);
    await ws.press('Escape');
    await ws.waitForNavigation('orbit');
  });

  it('clips points to a box: drawn, picked and box-selected only inside it, fit to the selection, reset', async () => {
    await ws.viewFrom('Top');
    await waitForTopView();
    await ws.setClipBoxOn(true);
    const bounds = (await ws.viewerStats()).clipBox!;
    const scanBounds = computeBounds(P);
    for (let k = 0; k < 3; k++) expect(bounds.min[k]).toBeCloseTo(scanBounds.min[k]!, 3);
    // The middle third in x, the lower half in z; fields are in file coordinates (origin + scan frame).
    const origin = demo.origin;
    const [x0, x1] = [bounds.min[0] + (bounds.max[0] - bounds.min[0]) / 3, bounds.min[0] + (2 * (bounds.max[0] - bounds.min[0])) / 3];
    const zTop = (bounds.min[2] + bounds.max[2]) / 2;
    await ws.setClipField('min', 'x', origin[0] + x0);
    await ws.setClipField('max', 'x', origin[0] + x1);
    await ws.setClipField('max', 'z', origin[2] + zTop);
    await expect.poll(async () => (await ws.viewerStats()).clipBox?.max[2]).toBeCloseTo(zTop, 2);
    const clip = (await ws.viewerStats()).clipBox!;
    expect(clip.min[0]).toBeCloseTo(x0, 2);
    expect(clip.max[0]).toBeCloseTo(x1, 2);
    await ws.page.screenshot({ path: path.join(outDir, 'clip-box.png') });

    let inside = 0;
    for (let i = 0; i < P.length / 3; i++)
      if ([0, 1, 2].every((k) => P[i * 3 + k]! >= clip.min[k]! && P[i * 3 + k]! <= clip.max[k]!)) inside++;
    expect(inside).toBeGreaterThan(1000);
    expect(inside).toBeLessThan(P.length / 3 / 2);

    // A box over the whole view takes exactly the points inside the clip box.
    await ws.selectTool('Box');
    await ws.dragBox(0.01, 0.01, 0.99, 0.99);
    await expect.poll(async () => (await ws.viewerStats()).overlaySize).toBe(inside);

    // Fit to the selection: a box around those points, no larger than the clip box.
    await ws.fitClipTo('selection');
    const fitted = (await ws.viewerStats()).clipBox!;
    for (let k = 0; k < 3; k++) {
      expect(fitted.min[k]).toBeGreaterThanOrEqual(clip.min[k]! - 1);
      expect(fitted.max[k]).toBeLessThanOrEqual(clip.max[k]! + 1);
    }
    await ws.press('Escape');

    // A click outside the box hits nothing: the click tool makes no preview there.
    await ws.selectTool('Click');
    const outsidePoint = [...Array(P.length / 3).keys()].find((i) => P[i * 3]! < clip.min[0]! - 5)!;
    const s = await onScreen(pointOf(outsidePoint));
    await ws.clickAt(s.fx, s.fy);
    await ws.page.waitForTimeout(500);
    expect((await ws.viewerStats()).overlayKind).toBe('none');

    await ws.resetClipBox();
    expect((await ws.viewerStats()).clipBox).toEqual(bounds);
    await ws.setClipBoxOn(false);
    expect((await ws.viewerStats()).clipBox).toBeNull();
  });

  it('paints with a depth-limited brush: a shallow brush on a roof stays on the roof, Enter assigns', async () => {
    await ws.viewFrom('Top');
    await waitForTopView();
    // The highest building point: its roof seen from above, the ground around it far below.
    let top = -1;
    for (let i = 0; i < truth.length; i++) if (truth[i] === DemoClass.building && (top < 0 || P[i * 3 + 2]! > P[top * 3 + 2]!)) top = i;
    const s = await onScreen(pointOf(top));
    await ws.selectTool('Brush');
    await ws.setBrush(40, 0.5);
    await ws.paint([
      [s.fx, s.fy],
      [s.fx + 0.01, s.fy + 0.01],
    ]);
    await expect.poll(async () => (await ws.viewerStats()).overlaySize).toBeGreaterThan(0);
    const shallow = (await ws.viewerStats()).overlaySize;
    await ws.page.screenshot({ path: path.join(outDir, 'brush.png') });
    await ws.press('Escape');

    // A deep brush over the same stroke reaches past the roof edge down to the ground.
    await ws.setBrush(40, 200);
    await ws.paint([
      [s.fx, s.fy],
      [s.fx + 0.01, s.fy + 0.01],
    ]);
    await expect.poll(async () => (await ws.viewerStats()).overlaySize).toBeGreaterThan(0);
    const deep = (await ws.viewerStats()).overlaySize;
    expect(deep).toBeGreaterThanOrEqual(shallow);
    await ws.press('Escape');

    await ws.setBrush(40, 0.5);
    await ws.paint([
      [s.fx, s.fy],
      [s.fx + 0.01, s.fy + 0.01],
    ]);
    await expect.poll(async () => (await ws.viewerStats()).overlaySize).toBe(shallow);
    expect(await ws.pendingText()).toMatch(/points selected/);
    await ws.press('5');
    await ws.press('Enter');
    const h = await ws.waitForLabels((x) => (x[BUILDING] ?? 0) > 0);
    expect(h[BUILDING]).toBe(shallow);
    await ws.press('Control+z');
    await ws.waitForLabels((x) => x[BUILDING] === undefined);
  });

  it('segments from a box prompt and shows the 2D mask of the view next to the 3D preview', async () => {
    await ws.viewFrom('Top');
    await waitForTopView();
    // A box around the highest building as the user sees it.
    let top = -1;
    for (let i = 0; i < truth.length; i++) if (truth[i] === DemoClass.building && (top < 0 || P[i * 3 + 2]! > P[top * 3 + 2]!)) top = i;
    const inst = demo.attributes.find((a) => a.name === 'instance')?.values;
    const fx: number[] = [];
    const fy: number[] = [];
    const toScreen = await screenProjector();
    for (let i = 0; i < truth.length; i++) {
      if (truth[i] !== DemoClass.building) continue;
      if (inst ? inst[i] !== inst[top] : Math.hypot(P[i * 3]! - P[top * 3]!, P[i * 3 + 1]! - P[top * 3 + 1]!) > 8) continue;
      const q = toScreen(pointOf(i));
      fx.push(q.fx);
      fy.push(q.fy);
    }
    await ws.selectTool('Box prompt');
    await ws.dragBox(Math.min(...fx) - 0.01, Math.min(...fy) - 0.01, Math.max(...fx) + 0.01, Math.max(...fy) + 0.01);
    const preview = await ws.waitForPreview();
    // The box alone (no click in it) must give the building it frames: about its point count.
    expect(preview).toBeGreaterThan(0.6 * fx.length);
    expect(preview).toBeLessThan(1.3 * fx.length);
    const inset = ws.maskInset();
    await inset.waitFor();
    expect(Number(await inset.getAttribute('data-mask-pixels'))).toBeGreaterThan(0);
    const [w, h] = [Number(await inset.getAttribute('data-mask-width')), Number(await inset.getAttribute('data-mask-height'))];
    const canvas = (await ws.page.getByTestId('viewer-canvas').boundingBox())!;
    expect(w / h).toBeCloseTo(canvas.width / canvas.height, 1); // the user's view at model resolution
    await ws.page.screenshot({ path: path.join(outDir, 'box-prompt-mask.png') });
    await ws.press('5');
    await ws.press('Enter');
    const labels = await ws.waitForLabels((x) => (x[BUILDING] ?? 0) > 0);
    expect(labels[BUILDING]).toBe(preview);
    await expect(inset.count()).resolves.toBe(0);
  });

  it('says faces for a mesh, and clips and brushes its faces', async () => {
    const mesh = demoMeshScan({ seed: 1 });
    const faces = mesh.mesh!.indices.length / 3;
    await ws.openScan('Demo block mesh');
    await ws.waitForMesh('demo-mesh-1');
    await ws.viewFrom('Top');
    await waitForTopView();
    expect(await ws.hintText()).toMatch(/faces?/);
    expect(await ws.hintText()).not.toMatch(/points?\b/);

    await ws.setClipBoxOn(true);
    const bounds = (await ws.viewerStats()).clipBox!;
    const x1 = (bounds.min[0] + bounds.max[0]) / 2;
    await ws.setClipField('max', 'x', mesh.origin[0] + x1);
    await expect.poll(async () => (await ws.viewerStats()).clipBox?.max[0]).toBeCloseTo(x1, 2);
    const clip = (await ws.viewerStats()).clipBox!;
    const MP = mesh.positions;
    const I = mesh.mesh!.indices;
    let inside = 0;
    for (let f = 0; f < faces; f++) {
      const c = [0, 1, 2].map((k) => (MP[I[f * 3]! * 3 + k]! + MP[I[f * 3 + 1]! * 3 + k]! + MP[I[f * 3 + 2]! * 3 + k]!) / 3);
      if (c.every((v, k) => v >= clip.min[k]! && v <= clip.max[k]!)) inside++;
    }
    await ws.selectTool('Box');
    await ws.dragBox(0.01, 0.01, 0.99, 0.99);
    await expect.poll(async () => (await ws.viewerStats()).overlaySize).toBeGreaterThan(0);
    const selected = (await ws.viewerStats()).overlaySize;
    // Faces are taken by centroid; the clip keeps only those inside the box (a few near its faces may round either way).
    expect(Math.abs(selected - inside)).toBeLessThanOrEqual(Math.max(2, inside * 0.002));
    expect(selected).toBeLessThan(faces);
    expect(await ws.pendingText()).toMatch(/faces selected/);
    await ws.page.screenshot({ path: path.join(outDir, 'mesh-clip.png') });
    await ws.press('Escape');
    await ws.setClipBoxOn(false);

    await ws.selectTool('Brush');
    await ws.setBrush(30, 0.5);
    await ws.paint([
      [0.5, 0.5],
      [0.55, 0.5],
    ]);
    await expect.poll(async () => (await ws.viewerStats()).overlaySize).toBeGreaterThan(0);
    expect(await ws.pendingText()).toMatch(/faces selected/);
    await ws.press('Escape');
  });

  it('logged no console errors', () => {
    expect(ws.consoleErrors).toEqual([]);
  });
});
