import type * as THREE from 'three';
import type { ClipBox } from './clipBox';
import { draggedBox, type ClipBoxHandles, type ClipPart } from './clipBoxHandles';

export interface ClipBoxDragHost {
  camera: THREE.PerspectiveCamera;
  handles: ClipBoxHandles;
  /** The current box (null: no box, nothing to drag). */
  box(): ClipBox | null;
  setBox(box: ClipBox): void;
  /** False while another mode owns the pointer (fly mode). */
  active(): boolean;
  /** Orbit controls on/off: off for the length of a drag, so the two never move at once. */
  setOrbitEnabled(enabled: boolean): void;
  orbitEnabled(): boolean;
  redraw(): void;
  onDragChange(part: ClipPart | null): void;
}

const CURSOR: Record<ClipPart, string> = {
  'x-': 'ew-resize',
  'x+': 'ew-resize',
  'y-': 'ns-resize',
  'y+': 'ns-resize',
  'z-': 'ns-resize',
  'z+': 'ns-resize',
  body: 'move',
};

/**
 * Pointer handling for the clip box's handles on the viewer canvas. It listens in the capture phase, so
 * a press on a handle never reaches the orbit controls or the click tool; the orbit is also switched off
 * until release. Esc during a drag puts the box back where the drag started.
 */
export class ClipBoxDrag {
  private drag: { part: ClipPart; pointerId: number; x: number; y: number; start: ClipBox; orbitWas: boolean } | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly host: ClipBoxDragHost,
  ) {
    canvas.addEventListener('pointerdown', this.onDown, { capture: true });
    canvas.addEventListener('pointermove', this.onMove, { capture: true });
    canvas.addEventListener('pointerup', this.onUp, { capture: true });
    canvas.addEventListener('pointercancel', this.onCancelPointer, { capture: true });
    canvas.addEventListener('pointerleave', this.onLeave);
  }

  get dragging(): ClipPart | null {
    return this.drag?.part ?? null;
  }

  private viewport() {
    return { width: Math.max(1, this.canvas.clientWidth), height: Math.max(1, this.canvas.clientHeight) };
  }

  private local(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private partAt(e: PointerEvent): ClipPart | null {
    if (!this.host.active() || !this.host.box()) return null;
    const [x, y] = this.local(e);
    return this.host.handles.hit(x, y, this.host.camera, this.viewport());
  }

  private readonly onDown = (e: PointerEvent) => {
    if (e.button !== 0 || this.drag) return;
    const part = this.partAt(e);
    const start = this.host.box();
    if (!part || !start) return;
    e.stopImmediatePropagation();
    e.preventDefault();
    this.canvas.setPointerCapture?.(e.pointerId);
    this.drag = { part, pointerId: e.pointerId, x: e.clientX, y: e.clientY, start, orbitWas: this.host.orbitEnabled() };
    this.host.setOrbitEnabled(false);
    window.addEventListener('keydown', this.onKey, { capture: true });
    this.host.handles.setHovered(part);
    this.host.onDragChange(part);
    this.host.redraw();
  };

  private readonly onMove = (e: PointerEvent) => {
    const d = this.drag;
    if (!d) {
      // Hover: highlight what a press here would grab (only when no button is held: not during an orbit).
      if (e.buttons !== 0) return;
      const part = this.partAt(e);
      this.canvas.style.cursor = part ? CURSOR[part] : '';
      if (this.host.handles.setHovered(part)) this.host.redraw();
      return;
    }
    if (e.pointerId !== d.pointerId) return;
    e.stopImmediatePropagation();
    const r = this.canvas.getBoundingClientRect();
    this.host.setBox(draggedBox(d.start, d.part, this.host.camera, this.viewport(), [d.x - r.left, d.y - r.top], [e.clientX - r.left, e.clientY - r.top]));
  };

  private readonly onUp = (e: PointerEvent) => {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointerId) return;
    e.stopImmediatePropagation();
    this.end();
  };

  private readonly onCancelPointer = (e: PointerEvent) => {
    if (this.drag && e.pointerId === this.drag.pointerId) this.cancel();
  };

  private readonly onLeave = () => {
    if (!this.drag && this.host.handles.setHovered(null)) {
      this.canvas.style.cursor = '';
      this.host.redraw();
    }
  };

  /** Esc: the box goes back to where the drag started; the key does nothing else (no selection is cancelled). */
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !this.drag) return;
    e.stopImmediatePropagation();
    e.preventDefault();
    this.cancel();
  };

  /** Abandons a drag in progress and restores its start box. */
  cancel() {
    const d = this.drag;
    if (!d) return;
    this.host.setBox(d.start);
    this.end();
  }

  private end() {
    const d = this.drag;
    if (!d) return;
    this.drag = null;
    if (this.canvas.hasPointerCapture?.(d.pointerId)) this.canvas.releasePointerCapture(d.pointerId);
    window.removeEventListener('keydown', this.onKey, { capture: true });
    this.host.setOrbitEnabled(d.orbitWas);
    this.host.onDragChange(null);
    this.host.redraw();
  }

  dispose() {
    this.cancel();
    this.canvas.removeEventListener('pointerdown', this.onDown, { capture: true });
    this.canvas.removeEventListener('pointermove', this.onMove, { capture: true });
    this.canvas.removeEventListener('pointerup', this.onUp, { capture: true });
    this.canvas.removeEventListener('pointercancel', this.onCancelPointer, { capture: true });
    this.canvas.removeEventListener('pointerleave', this.onLeave);
  }
}
