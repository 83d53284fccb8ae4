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
  }

  async setColorMode(label: 'RGB' | 'Elevation' | 'Class') {
    await this.page.getByRole('radio', { name: label }).click();
  }

  async webgl2Available(): Promise<boolean> {
    return this.page.evaluate(() => !!document.createElement('canvas').getContext('webgl2'));
  }

  scanListText() {
    return this.page.locator('.scans').innerText();
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
}
