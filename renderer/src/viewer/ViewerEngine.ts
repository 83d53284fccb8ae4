import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { ScanView } from '../../../common/contracts/scans';
import { colorModeIndex, type ColorMode } from './colorModes';
import { PointMaterial } from './pointMaterial';

/** Read-only facts about what the viewer draws, for the status bar and the e2e test hook. */
export interface ViewerStats {
  webgl2: boolean;
  scanId: string | null;
  chunksLoaded: number;
  chunksTotal: number;
  pointsLoaded: number;
  /** Points submitted to the GPU in the last rendered frame. */
  pointsDrawn: number;
  drawCalls: number;
  frames: number;
  colorMode: ColorMode;
  camera: { position: [number, number, number]; target: [number, number, number] };
}

export type BlobFetcher = (path: string) => Promise<ArrayBuffer>;

/**
 * The 3D view: a plain TypeScript engine around three.js (React only hosts its canvas). Scans render
 * in their local float32 frame (offsets from the scan's float64 origin), so UTM-sized coordinates
 * never reach the GPU and nothing jitters. Renders on demand: a frame is drawn only after a change.
 */
export class ViewerEngine {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(55, 1, 0.1, 5000);
  private readonly controls: OrbitControls;
  private readonly material = new PointMaterial();
  private readonly chunks: THREE.Points[] = [];
  private readonly resizeObserver: ResizeObserver;
  private view: ScanView | null = null;
  private loadToken = 0;
  private frameRequested = false;
  private disposed = false;
  private statsListeners = new Set<(s: ViewerStats) => void>();
  private stats: ViewerStats;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setClearColor(0x1b1e24, 1);
    this.camera.up.set(0, 0, 1); // scans are z-up
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.zoomToCursor = true;
    this.controls.screenSpacePanning = true;
    this.controls.addEventListener('change', () => this.requestFrame());
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.stats = {
      webgl2: this.renderer.getContext() instanceof WebGL2RenderingContext,
      scanId: null,
      chunksLoaded: 0,
      chunksTotal: 0,
      pointsLoaded: 0,
      pointsDrawn: 0,
      drawCalls: 0,
      frames: 0,
      colorMode: 'rgb',
      camera: { position: [0, 0, 0], target: [0, 0, 0] },
    };
    this.resize();
  }

  /** Replaces the shown scan; chunks stream in and appear as they arrive. */
  async showScan(view: ScanView, fetchBlob: BlobFetcher): Promise<void> {
    const token = ++this.loadToken;
    this.clear();
    this.view = view;
    for (const c of view.classes) this.material.setClassColor(c.code, c.color);
    const [zMin, zMax] = [view.scan.boundsMin[2], view.scan.boundsMax[2]];
    this.material.uniforms.zRange!.value.set(zMin, zMax);
    // Mean spacing of an aerial-like scan: points spread over the footprint of the bounds.
    const footprint = Math.max(1e-6, (view.scan.boundsMax[0] - view.scan.boundsMin[0]) * (view.scan.boundsMax[1] - view.scan.boundsMin[1]));
    this.material.uniforms.spacing!.value = Math.sqrt(footprint / Math.max(1, view.scan.pointCount));
    this.stats = { ...this.stats, scanId: view.scan.id, chunksTotal: view.chunks.length, chunksLoaded: 0, pointsLoaded: 0 };
    this.frameAll();
    for (const chunk of view.chunks) {
      const [pos, col, cls] = await Promise.all([
        fetchBlob(chunk.blobs.position!),
        fetchBlob(chunk.blobs.color!),
        fetchBlob(chunk.blobs.classification!),
      ]);
      if (token !== this.loadToken || this.disposed) return;
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(pos), 3));
      geometry.setAttribute('color', new THREE.BufferAttribute(new Uint8Array(col), 3, true));
      geometry.setAttribute('classification', new THREE.BufferAttribute(new Uint16Array(cls), 1));
      geometry.boundingSphere = new THREE.Sphere(...this.boundsSphere());
      const points = new THREE.Points(geometry, this.material);
      points.frustumCulled = true;
      this.scene.add(points);
      this.chunks.push(points);
      this.stats.chunksLoaded++;
      this.stats.pointsLoaded += chunk.pointCount;
      this.requestFrame();
    }
  }

  setColorMode(mode: ColorMode) {
    this.material.uniforms.mode!.value = colorModeIndex(mode);
    this.stats.colorMode = mode;
    this.requestFrame();
  }

  setClassColor(code: number, hex: string, visible = true) {
    this.material.setClassColor(code, hex, visible);
    this.requestFrame();
  }

  setPointSize(size: number) {
    this.material.uniforms.pointSize!.value = size;
    this.requestFrame();
  }

  /** Frames the whole scan from a south-west oblique viewpoint. */
  frameAll() {
    if (!this.view) return;
    const [c, r] = this.boundsSphere();
    this.controls.target.copy(c);
    const dist = r / Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2)) * 0.75;
    this.camera.position.set(c.x - dist * 0.55, c.y - dist * 0.65, c.z + dist * 0.55);
    this.camera.near = Math.max(0.01, r / 1000);
    this.camera.far = r * 20;
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.requestFrame();
  }

  onStats(listener: (s: ViewerStats) => void): () => void {
    this.statsListeners.add(listener);
    return () => this.statsListeners.delete(listener);
  }

  getStats(): ViewerStats {
    return structuredClone(this.stats);
  }

  dispose() {
    this.disposed = true;
    this.clear();
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.material.lut.dispose();
    this.material.dispose();
    this.renderer.dispose();
  }

  private boundsSphere(): [THREE.Vector3, number] {
    const s = this.view!.scan;
    const min = new THREE.Vector3(...s.boundsMin);
    const max = new THREE.Vector3(...s.boundsMax);
    return [min.clone().add(max).multiplyScalar(0.5), Math.max(1e-3, min.distanceTo(max) / 2)];
  }

  private clear() {
    for (const p of this.chunks) {
      this.scene.remove(p);
      p.geometry.dispose();
    }
    this.chunks.length = 0;
    this.requestFrame();
  }

  private resize() {
    const w = Math.max(1, this.canvas.clientWidth);
    const h = Math.max(1, this.canvas.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    // Pixels per world unit at depth 1, for the adaptive point size.
    this.material.uniforms.projScale!.value = (h * this.renderer.getPixelRatio()) / (2 * Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2)));
    this.requestFrame();
  }

  private requestFrame() {
    if (this.frameRequested || this.disposed) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.disposed) return;
      this.renderer.render(this.scene, this.camera);
      const info = this.renderer.info.render;
      this.stats.pointsDrawn = info.points;
      this.stats.drawCalls = info.calls;
      this.stats.frames++;
      this.stats.camera = {
        position: this.camera.position.toArray() as [number, number, number],
        target: this.controls.target.toArray() as [number, number, number],
      };
      for (const l of this.statsListeners) l(this.getStats());
    });
  }
}
