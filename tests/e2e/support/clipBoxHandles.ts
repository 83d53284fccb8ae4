import type { ViewerStats } from '../../../renderer/src/viewer/ViewerEngine';
import type { ClipPart } from '../../../renderer/src/viewer/clipBoxHandles';
import type { WorkspacePage } from './workspacePage';

type Hook = { __scanlabelTest: { viewer(): ViewerStats } };

/** Drives the clip box's 3D handles with the mouse, reading their screen positions from the read-only test hook. */
export class ClipBoxHandlesPage {
  constructor(private readonly ws: WorkspacePage) {}

  /** A handle's position in page pixels (canvas offset + the hook's canvas CSS pixels). */
  async handleAt(part: ClipPart): Promise<{ x: number; y: number }> {
    const box = (await this.ws.page.getByTestId('viewer-canvas').boundingBox())!;
    const handles = (await this.ws.viewerStats()).clipHandles;
    if (!handles) throw new Error('no clip box handles drawn');
    const [x, y] = handles[part];
    return { x: box.x + x, y: box.y + y };
  }

  async hover(part: ClipPart) {
    const p = await this.handleAt(part);
    await this.ws.page.mouse.move(p.x, p.y, { steps: 2 });
    await this.ws.page.waitForFunction((want) => (window as never as Hook).__scanlabelTest.viewer().clipHover === want, part);
  }

  /** Presses on a handle and moves by (dx, dy) pixels in steps; the button stays down (call release()). */
  async press(part: ClipPart, dx: number, dy: number) {
    const p = await this.handleAt(part);
    const mouse = this.ws.page.mouse;
    await mouse.move(p.x, p.y);
    await mouse.down();
    await this.ws.page.waitForFunction((want) => (window as never as Hook).__scanlabelTest.viewer().clipDrag === want, part);
    await mouse.move(p.x + dx, p.y + dy, { steps: 8 });
  }

  async release() {
    await this.ws.page.mouse.up();
    await this.ws.page.waitForFunction(() => (window as never as Hook).__scanlabelTest.viewer().clipDrag === null);
  }

  async drag(part: ClipPart, dx: number, dy: number) {
    await this.press(part, dx, dy);
    await this.release();
  }
}
