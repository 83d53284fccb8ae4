import type { Page } from 'playwright-core';
import type { ViewerStats } from '../../../renderer/src/viewer/ViewerEngine';

/** Page object for the labeling workspace: tests speak in user terms, selectors live here. */
export class WorkspacePage {
  readonly consoleErrors: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => this.consoleErrors.push(e.message));
  }

  async open(url: string) {
    await this.page.goto(url);
  }

  viewerStats(): Promise<ViewerStats> {
    return this.page.evaluate(() => (window as unknown as { __scanlabelTest: { viewer(): ViewerStats } }).__scanlabelTest.viewer());
  }

  async waitForScanDrawn(timeout = 60_000) {
    await this.page.waitForFunction(
      () => {
        const hook = (window as unknown as { __scanlabelTest?: { viewer(): ViewerStats } }).__scanlabelTest;
        const s = hook?.viewer();
        return !!s && s.chunksTotal > 0 && s.chunksLoaded === s.chunksTotal && s.pointsDrawn > 0;
      },
      null,
      { timeout },
    );
    await this.nextFrames();
  }

  /** The camera once it has stopped moving (stats are taken per drawn frame, so read until two agree). */
  async settledCamera(): Promise<{ position: number[]; target: number[] }> {
    let last = JSON.stringify((await this.viewerStats()).camera);
    for (;;) {
      await this.page.waitForTimeout(150);
      const now = JSON.stringify((await this.viewerStats()).camera);
      if (now === last) return JSON.parse(now) as { position: number[]; target: number[] };
      last = now;
    }
  }

  /**
   * Lets the viewer draw what it has: it renders on demand from requestAnimationFrame, so the frame
   * asked for by the last loaded chunk runs before these (a poll can land between load and draw).
   */
  async nextFrames() {
    await this.page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  }

  async setColorMode(label: 'RGB' | 'Intensity' | 'Elevation' | 'Labels' | 'Predicted' | 'Confidence' | 'Unlabeled' | 'File classes') {
    await this.page.getByRole('radio', { name: label }).click();
  }

  async webgl2Available(): Promise<boolean> {
    return this.page.evaluate(() => !!document.createElement('canvas').getContext('webgl2'));
  }

  scanListText() {
    return this.page.locator('.scans').innerText();
  }

  async importFile(file: string) {
    await this.page.getByLabel('Scan file path').fill(file);
    await this.page.getByRole('button', { name: 'Import' }).click();
  }

  async waitForScan(scanId: string, timeout = 60_000) {
    await this.page.waitForFunction(
      (id) => {
        const s = (window as unknown as { __scanlabelTest?: { viewer(): ViewerStats } }).__scanlabelTest?.viewer();
        return !!s && s.scanId === id && s.chunksTotal > 0 && s.chunksLoaded === s.chunksTotal;
      },
      scanId,
      { timeout },
    );
  }

  /** Shows a scan by clicking its entry in the scan list. */
  async openScan(name: string) {
    await this.page.locator('.scans button', { hasText: name }).click();
  }

  /** Waits until a mesh scan's triangles are drawn. */
  async waitForMesh(scanId: string, timeout = 60_000) {
    await this.page.waitForFunction(
      (id) => {
        const s = (window as unknown as { __scanlabelTest?: { viewer(): ViewerStats } }).__scanlabelTest?.viewer();
        return !!s && s.scanId === id && s.meshFaces > 0 && s.trianglesDrawn > 0;
      },
      scanId,
      { timeout },
    );
  }

  async setMeshOpacity(value: number) {
    await this.page.getByLabel('Label overlay opacity').fill(String(value));
  }

  async viewFrom(view: 'Top' | 'Front' | 'Side' | 'Reset') {
    await this.page.getByRole('button', { name: view, exact: true }).click();
  }

  async selectTool(name: 'Click' | 'Box prompt' | 'Box' | 'Lasso' | 'Brush' | 'Eraser' | 'Superpoint') {
    await this.page.getByRole('radio', { name, exact: true }).click();
  }

  /** Drags a box given as fractions of the viewer canvas. */
  async dragBox(x0: number, y0: number, x1: number, y1: number) {
    const box = (await this.page.getByTestId('viewer-canvas').boundingBox())!;
    await this.page.mouse.move(box.x + box.width * x0, box.y + box.height * y0);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + box.width * x1, box.y + box.height * y1, { steps: 6 });
    await this.page.mouse.up();
  }

  /** A left click at a position given as fractions of the viewer canvas. */
  async clickAt(fx: number, fy: number, shift = false) {
    const box = (await this.page.getByTestId('viewer-canvas').boundingBox())!;
    if (shift) await this.page.keyboard.down('Shift');
    await this.page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    if (shift) await this.page.keyboard.up('Shift');
  }

  async press(key: string) {
    await this.page.getByTestId('viewer-canvas').focus();
    await this.page.keyboard.press(key);
  }

  /** Waits until the viewer's label histogram satisfies the predicate, and returns it. */
  async waitForLabels(predicate: (h: Record<string, number>) => boolean, timeout = 20_000): Promise<Record<string, number>> {
    const end = Date.now() + timeout;
    for (;;) {
      const h = (await this.viewerStats()).labelHistogram;
      if (predicate(h)) return h;
      if (Date.now() > end) throw new Error(`labels never matched: ${JSON.stringify(h)}`);
      await this.page.waitForTimeout(100);
    }
  }

  classColorInput(name: string) {
    return this.page.getByLabel(`Colour of ${name}`);
  }

  async toggleClassHidden(name: string) {
    await this.page.getByRole('button', { name: new RegExp(`^(Hide|Show) ${name}$`) }).click();
  }

  async dragOrbit(dx: number, dy: number) {
    const box = (await this.page.getByTestId('viewer-canvas').boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx, y + dy, { steps: 8 });
    await this.page.mouse.up();
  }

  /** Mouse-wheel zoom at a position given as fractions of the canvas (negative deltaY zooms in). */
  async wheelAt(fx: number, fy: number, deltaY: number, steps = 1) {
    const box = (await this.page.getByTestId('viewer-canvas').boundingBox())!;
    await this.page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
    for (let i = 0; i < steps; i++) await this.page.mouse.wheel(0, deltaY);
  }

  /** Waits until an LOD view has loaded every node its traversal wants, and returns the stats. */
  async waitForLodSettled(scanId: string, timeout = 60_000): Promise<ViewerStats> {
    await this.page.waitForFunction(
      (id) => {
        const s = (window as unknown as { __scanlabelTest?: { viewer(): ViewerStats } }).__scanlabelTest?.viewer();
        return !!s && s.scanId === id && s.nodesWanted > 0 && s.visibleNodes === s.nodesWanted && s.pointsDrawn > 0;
      },
      scanId,
      { timeout },
    );
    return this.viewerStats();
  }

  async toggleEdl() {
    await this.page.getByRole('button', { name: 'EDL', exact: true }).click();
  }

  // ---- fly mode ----

  async toggleFly() {
    await this.page.getByRole('button', { name: 'Fly', exact: true }).click();
  }

  /** Holds a key down for `ms` milliseconds (fly movement runs while a key is held). */
  async holdKey(key: string, ms: number) {
    await this.page.getByTestId('viewer-canvas').focus();
    await this.page.keyboard.down(key);
    await this.page.waitForTimeout(ms);
    await this.page.keyboard.up(key);
  }

  /** Waits until the viewer reports the navigation mode. */
  async waitForNavigation(mode: 'orbit' | 'fly') {
    await this.page.waitForFunction(
      (m) => (window as never as { __scanlabelTest: { viewer(): ViewerStats } }).__scanlabelTest.viewer().navigation === m,
      mode,
    );
  }

  // ---- clipping box ----

  async setClipBoxOn(on: boolean) {
    await this.page.getByLabel('Clip box', { exact: true }).setChecked(on);
  }

  /** A clip box corner field, in file coordinates (origin + scan frame). */
  clipField(corner: 'min' | 'max', axis: 'x' | 'y' | 'z') {
    return this.page.getByLabel(`Clip ${corner} ${axis}`);
  }

  async setClipField(corner: 'min' | 'max', axis: 'x' | 'y' | 'z', value: number) {
    const field = this.clipField(corner, axis);
    await field.fill(String(value));
    await field.press('Enter');
  }

  async fitClipTo(what: 'selection' | 'view') {
    await this.page.getByRole('button', { name: what === 'selection' ? 'Fit to selection' : 'Fit to view' }).click();
  }

  async resetClipBox() {
    await this.page.getByRole('button', { name: 'Reset box' }).click();
  }

  // ---- brush ----

  async setBrush(radius: number, depth: number) {
    await this.page.getByLabel('Brush radius (px)').fill(String(radius));
    await this.page.getByLabel('Brush depth (m)').fill(String(depth));
  }

  /** One brush stroke through positions given as fractions of the viewer canvas. */
  async paint(path: [number, number][]) {
    const box = (await this.page.getByTestId('viewer-canvas').boundingBox())!;
    const at = ([fx, fy]: [number, number]) => [box.x + box.width * fx, box.y + box.height * fy] as const;
    await this.page.mouse.move(...at(path[0]!));
    await this.page.mouse.down();
    for (const p of path.slice(1)) await this.page.mouse.move(...at(p), { steps: 4 });
    await this.page.mouse.up();
  }

  // ---- click previews ----

  /** Waits for a click (or box prompt) preview and returns its size. */
  async waitForPreview(timeout = 60_000): Promise<number> {
    await this.page.waitForFunction(
      () => (window as never as { __scanlabelTest: { viewer(): ViewerStats } }).__scanlabelTest.viewer().overlayKind === 'preview',
      null,
      { timeout },
    );
    return (await this.viewerStats()).overlaySize;
  }

  /** The 2D mask inset of the current preview. */
  maskInset() {
    return this.page.getByTestId('mask-inset');
  }

  pendingText() {
    return this.page.getByTestId('pending-bar').innerText();
  }

  hintText() {
    return this.page.locator('.hint').innerText();
  }
}
