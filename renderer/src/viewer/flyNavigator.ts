import * as THREE from 'three';

const MOVE_KEYS: Record<string, [number, number, number]> = {
  // [forward, right, up]
  w: [1, 0, 0],
  s: [-1, 0, 0],
  a: [0, -1, 0],
  d: [0, 1, 0],
  e: [0, 0, 1],
  q: [0, 0, -1],
};
const LOOK_RADIANS_PER_PIXEL = 0.004;
const MAX_PITCH = THREE.MathUtils.degToRad(88);

/**
 * First-person navigation: WASD move in the view plane, Q/E down/up (z), a left drag turns the head
 * (yaw about z, pitch clamped short of straight up/down), Shift flies four times faster. A double click
 * locks the pointer (mouse look without holding a button; Esc releases it, as browsers do). The speed
 * is set by the caller from the scene size. Movement runs on animation frames only while a key is held.
 */
export class FlyNavigator {
  /** Metres per second at normal speed. */
  speed = 10;
  private enabled = false;
  private readonly held = new Set<string>();
  private fast = false;
  private yaw = 0;
  private pitch = 0;
  private last = 0;
  private raf = 0;
  private drag: { x: number; y: number; id: number } | null = null;

  constructor(
    private readonly camera: THREE.PerspectiveCamera,
    private readonly canvas: HTMLCanvasElement,
    /** Called after each move or turn with the new viewing direction (unit vector). */
    private readonly onMove: (direction: THREE.Vector3) => void,
  ) {}

  get active(): boolean {
    return this.enabled;
  }

  /** Starts flying from the camera's current pose, looking the way it looks now. */
  enable(direction: THREE.Vector3) {
    if (this.enabled) return;
    this.enabled = true;
    const d = direction.clone().normalize();
    this.yaw = Math.atan2(d.y, d.x);
    this.pitch = THREE.MathUtils.clamp(Math.asin(THREE.MathUtils.clamp(d.z, -1, 1)), -MAX_PITCH, MAX_PITCH);
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('keyup', this.onKeyUp);
    window.addEventListener('blur', this.onBlur);
    this.canvas.addEventListener('pointerdown', this.onPointerDown);
    this.canvas.addEventListener('pointermove', this.onPointerMove);
    this.canvas.addEventListener('pointerup', this.onPointerUp);
    this.canvas.addEventListener('dblclick', this.onDoubleClick);
    this.apply();
  }

  /** Whether mouse look runs without a button (the pointer is locked to the canvas). */
  get pointerLocked(): boolean {
    return typeof document !== 'undefined' && document.pointerLockElement === this.canvas;
  }

  disable() {
    if (!this.enabled) return;
    this.enabled = false;
    this.held.clear();
    this.drag = null;
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    window.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('keyup', this.onKeyUp);
    window.removeEventListener('blur', this.onBlur);
    this.canvas.removeEventListener('pointerdown', this.onPointerDown);
    this.canvas.removeEventListener('pointermove', this.onPointerMove);
    this.canvas.removeEventListener('pointerup', this.onPointerUp);
    this.canvas.removeEventListener('dblclick', this.onDoubleClick);
    if (this.pointerLocked) document.exitPointerLock();
  }

  direction(): THREE.Vector3 {
    const c = Math.cos(this.pitch);
    return new THREE.Vector3(c * Math.cos(this.yaw), c * Math.sin(this.yaw), Math.sin(this.pitch));
  }

  private apply() {
    const dir = this.direction();
    this.camera.lookAt(this.camera.position.clone().add(dir));
    this.camera.updateMatrixWorld();
    this.onMove(dir);
  }

  private step = (now: number) => {
    this.raf = 0;
    if (!this.enabled || this.held.size === 0) return;
    // Clamp the step so a stalled frame never teleports the camera.
    const dt = Math.min(0.1, Math.max(0, (now - this.last) / 1000));
    this.last = now;
    const forward = this.direction();
    const right = new THREE.Vector3(Math.sin(this.yaw), -Math.cos(this.yaw), 0);
    const move = new THREE.Vector3();
    for (const k of this.held) {
      const [f, r, u] = MOVE_KEYS[k]!;
      move.addScaledVector(forward, f).addScaledVector(right, r);
      move.z += u;
    }
    if (move.lengthSq() > 0) {
      move.normalize().multiplyScalar(this.speed * (this.fast ? 4 : 1) * dt);
      this.camera.position.add(move);
      this.apply();
    }
    this.raf = requestAnimationFrame(this.step);
  };

  private onKeyDown = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement | null;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    this.fast = e.shiftKey;
    const k = e.key.toLowerCase();
    if (!MOVE_KEYS[k]) return;
    e.preventDefault();
    this.held.add(k);
    if (!this.raf) {
      this.last = performance.now();
      this.raf = requestAnimationFrame(this.step);
    }
  };

  private onKeyUp = (e: KeyboardEvent) => {
    this.fast = e.shiftKey;
    this.held.delete(e.key.toLowerCase());
  };

  private onBlur = () => this.held.clear();

  private onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0 || this.pointerLocked) return;
    this.drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
    this.canvas.setPointerCapture?.(e.pointerId);
  };

  private onPointerMove = (e: PointerEvent) => {
    if (this.pointerLocked) return this.look(e.movementX, e.movementY);
    if (!this.drag || e.pointerId !== this.drag.id) return;
    const dx = e.clientX - this.drag.x;
    const dy = e.clientY - this.drag.y;
    this.drag.x = e.clientX;
    this.drag.y = e.clientY;
    this.look(dx, dy);
  };

  /** Mouse right: look right; mouse up: look up. */
  private look(dx: number, dy: number) {
    if (dx === 0 && dy === 0) return;
    this.yaw -= dx * LOOK_RADIANS_PER_PIXEL;
    this.pitch = THREE.MathUtils.clamp(this.pitch - dy * LOOK_RADIANS_PER_PIXEL, -MAX_PITCH, MAX_PITCH);
    this.apply();
  }

  private onDoubleClick = () => {
    if (this.pointerLocked) return;
    this.drag = null;
    // A promise in current browsers, undefined in older ones; a refusal (no user gesture) just leaves drag-look.
    const r = this.canvas.requestPointerLock() as unknown as Promise<void> | undefined;
    r?.catch?.(() => undefined);
  };

  private onPointerUp = (e: PointerEvent) => {
    if (this.drag && e.pointerId === this.drag.id) this.drag = null;
  };
}
