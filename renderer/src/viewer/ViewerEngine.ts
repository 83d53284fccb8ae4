import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { fromGlCamera, type Camera } from '../../../common/geometry/camera';
import type { ClassInfo, ScanView } from '../../../common/contracts/scans';
import { colorModeIndex, LUT_ROW, UNLABELED, type ColorMode } from './colorModes';
import { pickPoint, selectInPolygon, type PickChunk, type PickHit } from './picking';
import { OverlayMaterial, PointMaterial } from './pointMaterial';
import { EdlPass } from './edl';
import { OctreeLayer, type BlobResolver } from './lod/octreeLayer';
import type { SelectPolygonParams } from '../../../common/contracts/scans';
import { fetchMesh, MeshLayer, type FaceFilter } from './meshLayer';
import type { MeshView } from '../../../common/contracts/scans';
import { boundsOf, ClipBoxOutline, insideClip, NO_CLIP, orderedClip, type ClipBox } from './clipBox';
import { FlyNavigator } from './flyNavigator';
import { ClipBoxHandles, type ClipPart } from './clipBoxHandles';
import { ClipBoxDrag } from './clipBoxDrag';
import { BrushIndex } from './brush';

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
  /** Points in the highlighted overlay (a click preview or a selection). */
  overlaySize: number;
  overlayKind: 'none' | 'preview' | 'selection';
  /** Loaded points per user-label class code ('unlabeled' for none). */
  labelHistogram: Record<string, number>;
  /** Loaded points per predicted class code (points without a prediction are not counted). */
  predictedHistogram: Record<string, number>;
  hiddenClasses: number[];
  isolatedClass: number | null;
  heightSlice: [number, number] | null;
  flashing: boolean;
  /** Faces of the shown mesh scan (0 for point scans); a mesh's histograms count faces. */
  meshFaces: number;
  /** Triangles submitted in the last rendered frame. */
  trianglesDrawn: number;
  /** Opacity of the per-face label overlay over the mesh texture. */
  meshOpacity: number;
  camera: { position: [number, number, number]; target: [number, number, number] };
  /** LOD octree scans: loaded nodes drawn in the last frame (0 for chunked scans). */
  visibleNodes: number;
  /** LOD: nodes the traversal selected under the budget (drawn once loaded). */
  nodesWanted: number;
  /** LOD: nodes held in the GPU cache (visible or not). */
  nodesCached: number;
  /** LOD: the point budget (0 for chunked scans, which draw everything). */
  pointBudget: number;
  /** Eye-dome lighting on. */
  edl: boolean;
  /** Clipping box (scan frame), or null when everything is shown. */
  clipBox: ClipBox | null;
  /** Loaded points (mesh: faces by centroid) inside the clipping box; null without a box. */
  pointsInClip: number | null;
  /** Canvas positions (CSS pixels) of the clip box's drag handles in the last frame: faces and the body's centre knob. */
  clipHandles: Record<ClipPart, [number, number]> | null;
  /** The clip box part under the pointer, and the one being dragged. */
  clipHover: ClipPart | null;
  clipDrag: ClipPart | null;
  /** Orbit (around `camera.target`) or first-person fly mode. */
  navigation: 'orbit' | 'fly';
  /** Fly speed in metres per second (scaled to the scene size). */
  flySpeed: number;
  /** CPU time of the last frame: LOD traversal and bookkeeping plus the render call (buffer uploads included), ms. */
  frameCpuMs: number;
  /** CPU time of the last LOD update alone (traversal, cache, requests), ms. */
  lodUpdateMs: number;
  /** LOD: what the node-decoder workers did so far (bytes and points, summed worker ms of fetch + decode). */
  decoded: { nodes: number; points: number; bytes: number; workerMs: number; decodeMs: number } | null;
}

export type BlobFetcher = (path: string) => Promise<ArrayBuffer>;

interface LoadedChunk {
  start: number;
  count: number;
  positions: Float32Array;
  labels: Uint16Array | null;
  predicted: Uint16Array;
  /** Blob paths of the project layers ('labels', 'predicted', 'confidence'), when the scan is in a project. */
  blobs: Record<string, string>;
  points: THREE.Points;
}

const OVERLAY_COLORS = { preview: 0x00e5ff, selection: 0xffd43b } as const;

/** Longest wait for the shader warm-up's compiles before frames go ahead anyway. */
const COMPILE_WAIT_MAX_MS = 5_000;

/** The materials of an object and its descendants (hidden ones too). */
function materialsOf(root: THREE.Object3D, into = new Set<THREE.Material>()): Set<THREE.Material> {
  root.traverse((o) => {
    const m = (o as THREE.Mesh).material;
    for (const x of Array.isArray(m) ? m : m ? [m] : []) into.add(x);
  });
  return into;
}

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
  private readonly chunks: LoadedChunk[] = [];
  private readonly resizeObserver: ResizeObserver;
  private overlay: THREE.Points | null = null;
  private readonly overlayMaterial = new OverlayMaterial(this.material);
  private view: ScanView | null = null;
  private lod: OctreeLayer | null = null;
  private readonly edl = new EdlPass();
  /** null: automatic (on for scans without colour). */
  private edlMode: boolean | null = null;
  private pointBudgetOverride: number | null = null;
  private overlayIds: { ids: Uint32Array; kind: 'preview' | 'selection'; visibleKey: string } | null = null;
  private meshLayer: MeshLayer | null = null;
  /** Face ids highlighted on a mesh (the mesh overlay lives in its shader), for fitting the clip box. */
  private meshOverlayIds: Uint32Array | null = null;
  private clip: ClipBox | null = null;
  private readonly clipOutline = new ClipBoxOutline();
  private readonly clipHandles = new ClipBoxHandles();
  private readonly clipDrag: ClipBoxDrag;
  /** What pointsInClip was counted for (clip box and drawn set), so it is recounted only on a change. */
  private clipCountKey = '';
  private readonly fly: FlyNavigator;
  private brushIndex: BrushIndex | null = null;
  private hidden = new Set<number>();
  private loadToken = 0;
  private frameRequested = false;
  private firstFrameMarked = false;
  /** False until the shader programs are compiled (warmUpShaders); frames wait for it instead of blocking on the compiler. */
  private shadersReady = false;
  private disposed = false;
  private statsListeners = new Set<(s: ViewerStats) => void>();
  private stats: ViewerStats;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const tContext = performance.now();
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true, powerPreference: 'high-performance' });
    performance.measure('scanlabel:webgl-context', { start: tContext, end: performance.now() });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setClearColor(0x1b1e24, 1);
    // three.js asks for each new program's link status and logs: a synchronous wait for the GPU process to
    // compile (hundreds of ms under SwiftShader, e.g. when the selection overlay first shows). Off unless
    // `?shaderChecks=1` (shader development); a failed program then simply draws nothing.
    this.renderer.debug.checkShaderErrors = new URLSearchParams(location.search).get('shaderChecks') === '1';
    this.camera.up.set(0, 0, 1); // scans are z-up
    // The scene never moves: without this its matrix update would force a world-matrix product on
    // every loaded LOD node each frame (thousands of nodes).
    this.scene.matrixAutoUpdate = false;
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.zoomToCursor = true;
    this.controls.screenSpacePanning = true;
    this.controls.addEventListener('change', () => this.requestFrame());
    this.fly = new FlyNavigator(this.camera, canvas, (dir) => {
      // Keep the orbit target ahead of the camera, so picking and the click camera follow the flight.
      const dist = Math.max(1e-3, this.camera.position.distanceTo(this.controls.target));
      this.controls.target.copy(this.camera.position).addScaledVector(dir, dist);
      this.requestFrame();
    });
    this.scene.add(this.clipOutline.object);
    this.scene.add(this.clipHandles.object);
    // Registered in the capture phase: a press on a handle is taken before the orbit controls see it.
    this.clipDrag = new ClipBoxDrag(canvas, {
      camera: this.camera,
      handles: this.clipHandles,
      box: () => this.clip,
      setBox: (b) => this.setClipBox(b),
      active: () => !this.fly.active,
      setOrbitEnabled: (on) => (this.controls.enabled = on),
      orbitEnabled: () => this.controls.enabled,
      redraw: () => this.requestFrame(),
      onDragChange: (part) => {
        this.stats.clipDrag = part;
        this.notifyStats();
      },
    });
    // Double-click: orbit around the point under the cursor (in fly mode it locks the pointer instead, see FlyNavigator).
    canvas.addEventListener('dblclick', (e) => {
      if (this.fly.active) return;
      const r = canvas.getBoundingClientRect();
      const hit = this.pick(e.clientX - r.left, e.clientY - r.top);
      if (hit) this.focus(hit.position);
    });
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
      overlaySize: 0,
      overlayKind: 'none',
      labelHistogram: {},
      predictedHistogram: {},
      hiddenClasses: [],
      isolatedClass: null,
      heightSlice: null,
      flashing: false,
      meshFaces: 0,
      trianglesDrawn: 0,
      meshOpacity: 0.5,
      camera: { position: [0, 0, 0], target: [0, 0, 0] },
      visibleNodes: 0,
      nodesWanted: 0,
      nodesCached: 0,
      pointBudget: 0,
      edl: false,
      clipBox: null,
      pointsInClip: null,
      clipHandles: null,
      clipHover: null,
      clipDrag: null,
      navigation: 'orbit',
      flySpeed: 0,
      frameCpuMs: 0,
      lodUpdateMs: 0,
      decoded: null,
    };
    this.resize();
    void this.warmUpShaders();
  }

  /**
   * Compiles the shader programs ahead of the frames that need them, so no frame waits for the GPU
   * process's compiler (hundreds of ms per program under SwiftShader). First the points, to the screen
   * and to the eye-dome target, and the EDL pass: frames wait for these. Then, in the background, the
   * overlay, the clip box's outline and handles. three.js `compileAsync` polls KHR_parallel_shader_compile
   * where the browser has it; without it (Chromium on SwiftShader) reading a program's tables is a
   * synchronous wait for its compile, so each program's tables are read in a task of its own.
   */
  private async warmUpShaders(): Promise<void> {
    const t0 = performance.now();
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(3), 3));
    geometry.setAttribute('color', new THREE.BufferAttribute(new Uint8Array(3), 3, true));
    for (const name of ['classification', 'labels', 'intensity', 'predicted']) geometry.setAttribute(name, new THREE.BufferAttribute(new Uint16Array(1), 1));
    geometry.setAttribute('confidence', new THREE.BufferAttribute(new Uint8Array(1), 1, true));
    try {
      await this.compileStage([new THREE.Points(geometry, this.material)], true);
      this.shadersReady = true;
      performance.measure('scanlabel:shader-warm-up', { start: t0, end: performance.now() });
      if (this.frameWaiting) {
        this.frameWaiting = false;
        this.requestFrame();
      }
      const t1 = performance.now();
      await this.compileStage([new THREE.Points(geometry, this.overlayMaterial), this.clipOutline.object, this.clipHandles.object], false);
      performance.measure('scanlabel:shader-warm-up-rest', { start: t1, end: performance.now() });
    } finally {
      geometry.dispose();
      // A failed warm-up only costs the stalls it was meant to avoid: frames go on either way.
      if (!this.shadersReady) {
        this.shadersReady = true;
        this.requestFrame();
      }
    }
  }
  private frameWaiting = false;

  /** Compiles the objects' materials for the screen and the EDL target (and the EDL pass), then reads each program's tables. */
  private async compileStage(objects: THREE.Object3D[], withEdl: boolean) {
    const waits: Promise<unknown>[] = [];
    for (const target of [null, this.edl.sceneTarget]) {
      this.renderer.setRenderTarget(target);
      for (const o of objects) waits.push(this.renderer.compileAsync(o, this.camera, this.scene));
    }
    this.renderer.setRenderTarget(null);
    if (withEdl) waits.push(this.edl.compile(this.renderer));
    // Bounded: a lost context never reports its programs ready, and frames must not wait for ever.
    await Promise.race([Promise.all(waits).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, COMPILE_WAIT_MAX_MS))]);
    const materials = new Set<THREE.Material>(withEdl ? this.edl.materials() : []);
    for (const o of objects) materialsOf(o, materials);
    await this.fetchProgramInfo(materials);
  }

  /**
   * Reads the compiled programs' uniform and attribute tables, one program per task. three.js reads them
   * on a program's first draw: a synchronous round trip that would otherwise queue behind whatever the GPU
   * process is still drawing (with SwiftShader and a 2 M point budget, hundreds of ms).
   */
  private async fetchProgramInfo(materials: Iterable<THREE.Material>) {
    for (const m of materials) {
      const programs = (this.renderer.properties.get(m) as { programs?: Map<string, { getUniforms(): unknown; getAttributes(): unknown }> }).programs;
      for (const program of programs?.values() ?? []) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (this.disposed) return;
        program.getUniforms();
        program.getAttributes();
      }
    }
  }

  /** Replaces the shown scan; chunks stream in and appear as they arrive. */
  async showScan(view: ScanView, fetchBlob: BlobFetcher, resolveBlob: BlobResolver | null = null): Promise<void> {
    const token = ++this.loadToken;
    const sameScan = this.view?.scan.id === view.scan.id;
    this.clear();
    this.view = view;
    this.material.resetRow(LUT_ROW.source);
    for (const c of view.classes) this.material.setClassColor(LUT_ROW.source, c.code, c.color);
    const [zMin, zMax] = [view.scan.boundsMin[2], view.scan.boundsMax[2]];
    this.material.uniforms.zRange!.value.set(zMin, zMax);
    this.material.uniforms.intensityRange!.value.set(...view.intensityRange);
    // Mean spacing of an aerial-like scan: points spread over the footprint of the bounds.
    const footprint = Math.max(1e-6, (view.scan.boundsMax[0] - view.scan.boundsMin[0]) * (view.scan.boundsMax[1] - view.scan.boundsMin[1]));
    this.material.uniforms.spacing!.value = Math.sqrt(footprint / Math.max(1, view.scan.pointCount));
    this.stats = { ...this.stats, scanId: view.scan.id, chunksTotal: view.chunks.length, chunksLoaded: 0, pointsLoaded: 0 };
    if (!sameScan) this.frameAll();
    if (view.mesh) return this.showMesh(view.mesh, fetchBlob, token);
    if (view.octree) return this.showOctree(view, fetchBlob, resolveBlob, token);
    let start = 0;
    for (const chunk of view.chunks) {
      const chunkStart = start;
      start += chunk.pointCount;
      const optional = (name: string) => (chunk.blobs[name] ? fetchBlob(chunk.blobs[name]) : Promise.resolve(null));
      const [pos, col, cls, inten, lab, pred, conf] = await Promise.all([
        fetchBlob(chunk.blobs.position!),
        fetchBlob(chunk.blobs.color!),
        fetchBlob(chunk.blobs.classification!),
        fetchBlob(chunk.blobs.intensity!),
        optional('labels'),
        optional('predicted'),
        optional('confidence'),
      ]);
      if (token !== this.loadToken || this.disposed) return;
      const positions = new Float32Array(pos);
      const labels = lab ? new Uint16Array(lab) : new Uint16Array(chunk.pointCount).fill(UNLABELED);
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
      geometry.setAttribute('color', new THREE.BufferAttribute(new Uint8Array(col), 3, true));
      geometry.setAttribute('classification', new THREE.BufferAttribute(new Uint16Array(cls), 1));
      geometry.setAttribute('labels', new THREE.BufferAttribute(labels, 1));
      geometry.setAttribute('intensity', new THREE.BufferAttribute(new Uint16Array(inten), 1));
      const predicted = pred ? new Uint16Array(pred) : new Uint16Array(chunk.pointCount).fill(UNLABELED);
      geometry.setAttribute('predicted', new THREE.BufferAttribute(predicted, 1));
      geometry.setAttribute(
        'confidence',
        new THREE.BufferAttribute(conf ? new Uint8Array(conf) : new Uint8Array(chunk.pointCount), 1, true),
      );
      geometry.boundingSphere = new THREE.Sphere(...this.boundsSphere());
      const points = new THREE.Points(geometry, this.material);
      this.scene.add(points);
      this.chunks.push({ start: chunkStart, count: chunk.pointCount, positions, labels, predicted, blobs: chunk.blobs, points });
      this.stats.chunksLoaded++;
      this.stats.pointsLoaded += chunk.pointCount;
      this.updateHistogram();
      this.requestFrame();
    }
  }

  /** Refetches a label layer's blobs (user labels after an edit, undo or redo; predictions after propagation) without reloading geometry. */
  async reloadLabels(fetchBlob: BlobFetcher, layer: 'user' | 'predicted' = 'user'): Promise<void> {
    if (this.meshLayer) return this.reloadMeshLabels(fetchBlob, layer);
    if (this.lod) {
      await this.lod.reloadLabels(layer);
      this.updateHistogram();
      return this.requestFrame();
    }
    const token = this.loadToken;
    const attrs =
      layer === 'user'
        ? [['labels', Uint16Array] as const]
        : ([
            ['predicted', Uint16Array],
            ['confidence', Uint8Array],
          ] as const);
    for (const [name, Kind] of attrs) {
      const fresh = await Promise.all(this.chunks.map((c) => (c.blobs[name] ? fetchBlob(c.blobs[name]) : Promise.resolve(null))));
      if (token !== this.loadToken) return;
      fresh.forEach((buf, i) => {
        if (!buf) return;
        const attr = this.chunks[i]!.points.geometry.getAttribute(name) as THREE.BufferAttribute;
        (attr.array as Uint16Array | Uint8Array).set(new Kind(buf));
        attr.needsUpdate = true;
      });
    }
    this.updateHistogram();
    this.requestFrame();
  }

  /** Points whose prediction is `code` (for accepting a class's predictions). */
  predictedIndices(code: number): Uint32Array {
    const out: number[] = [];
    for (const n of this.lod?.visibleNodes() ?? []) for (let i = 0; i < n.ids.length; i++) if (n.predicted[i] === code) out.push(n.ids[i]!);
    if (this.meshLayer) this.meshLayer.predicted.forEach((v, f) => v === code && out.push(f));
    for (const c of this.chunks) for (let i = 0; i < c.count; i++) if (c.predicted[i] === code) out.push(c.start + i);
    return Uint32Array.from(out);
  }

  /** Colours of the project's classes (labels mode). */
  setProjectClasses(classes: readonly ClassInfo[]) {
    this.material.resetRow(LUT_ROW.labels);
    for (const c of classes) this.material.setClassColor(LUT_ROW.labels, c.code, c.color, !this.hidden.has(c.code));
    this.projectClasses = [...classes];
    this.requestFrame();
  }
  private projectClasses: ClassInfo[] = [];

  setClassHidden(code: number, hidden: boolean) {
    if (hidden) this.hidden.add(code);
    else this.hidden.delete(code);
    this.stats.hiddenClasses = [...this.hidden].sort((a, b) => a - b);
    this.setProjectClasses(this.projectClasses);
  }

  /** Shows only points with z (scan frame) within [min, max]; null shows all. */
  setHeightSlice(slice: [number, number] | null) {
    this.material.uniforms.zClip!.value.set(slice ? slice[0] : -1e9, slice ? slice[1] : 1e9);
    this.stats.heightSlice = slice;
    this.requestFrame();
  }

  /** In the label modes, shows one class alone (user label, else prediction); null shows all. */
  setIsolatedClass(code: number | null) {
    this.material.uniforms.isolate!.value = code ?? -1;
    this.stats.isolatedClass = code;
    this.requestFrame();
  }

  /** Review mode: unlabeled and low-confidence points pulse in magenta until turned off. */
  setFlash(on: boolean) {
    this.stats.flashing = on;
    if (!on) {
      this.material.uniforms.flash!.value = 0;
      this.requestFrame();
      return;
    }
    const tick = (t: number) => {
      if (!this.stats.flashing || this.disposed) return;
      this.material.uniforms.flash!.value = 0.5 + 0.5 * Math.sin(t / 180);
      this.requestFrame();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  setColorMode(mode: ColorMode) {
    this.material.uniforms.mode!.value = colorModeIndex(mode);
    this.stats.colorMode = mode;
    this.requestFrame();
  }

  setPointSize(size: number) {
    this.material.uniforms.pointSize!.value = size;
    this.requestFrame();
  }

  /** Highlights a point set (click preview or selection) on top of the scan. */
  setOverlay(indices: Uint32Array | null, kind: 'preview' | 'selection' = 'preview') {
    if (this.overlay) {
      this.scene.remove(this.overlay);
      this.overlay.geometry.dispose();
      this.overlay = null;
    }
    this.stats.overlaySize = indices?.length ?? 0;
    this.stats.overlayKind = indices && indices.length ? kind : 'none';
    if (this.meshLayer) {
      // Meshes highlight faces (the indices are face ids) in the mesh's own shader.
      this.meshLayer.setHighlight(indices && indices.length ? indices : null, OVERLAY_COLORS[kind]);
      this.meshOverlayIds = indices && indices.length ? indices : null;
      this.requestFrame();
      return;
    }
    this.overlayIds = this.lod && indices && indices.length ? { ids: indices, kind, visibleKey: '' } : null;
    if (this.overlayIds) return this.refreshLodOverlay();
    if (indices && indices.length) {
      const pos = new Float32Array(indices.length * 3);
      let k = 0;
      let c = 0;
      for (const idx of indices) {
        while (c < this.chunks.length && idx >= this.chunks[c]!.start + this.chunks[c]!.count) c++;
        const chunk = this.chunks[c];
        if (!chunk || idx < chunk.start) continue;
        const local = idx - chunk.start;
        pos.set(chunk.positions.subarray(local * 3, local * 3 + 3), k * 3);
        k++;
      }
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(pos.subarray(0, k * 3), 3));
      this.overlayMaterial.setTint(OVERLAY_COLORS[kind]);
      this.overlay = new THREE.Points(geometry, this.overlayMaterial);
      this.overlay.renderOrder = 1;
      this.scene.add(this.overlay);
    }
    this.requestFrame();
  }

  /** The visible point under a canvas position (CSS pixels from the canvas' top-left). */
  pick(x: number, y: number, radius?: number): PickHit | null {
    if (this.meshLayer) return this.pickFace(this.meshLayer, x, y);
    return pickPoint(this.pickChunks(), this.userCamera(), x, y, radius);
  }

  /** Visible points inside a polygon in canvas CSS pixels. */
  selectPolygon(poly: [number, number][]): Uint32Array {
    if (this.meshLayer) return this.selectFaces(this.meshLayer, poly);
    return selectInPolygon(this.pickChunks(), this.userCamera(), poly);
  }

  /** What the user sees, in the shared camera model (canvas CSS pixels), for picking and click prompts. */
  userCamera(): Camera {
    return fromGlCamera(
      {
        position: this.camera.position.toArray() as [number, number, number],
        target: this.controls.target.toArray() as [number, number, number],
        up: [0, 0, 1],
        fovDeg: this.camera.fov,
        near: this.camera.near,
      },
      Math.max(1, this.canvas.clientWidth),
      Math.max(1, this.canvas.clientHeight),
    );
  }

  /** Frames the whole scan from a south-west oblique viewpoint. */
  frameAll() {
    if (!this.view) return;
    const [c, r] = this.boundsSphere();
    this.lookFrom(c, r, [-0.55, -0.65, 0.55]);
  }

  /** Standard views: top, front (looking north), side (looking west). */
  viewFrom(direction: 'top' | 'front' | 'side') {
    if (!this.view) return;
    const [c, r] = this.boundsSphere();
    const dirs: Record<typeof direction, [number, number, number]> = { top: [0, -0.001, 1], front: [0, -1, 0.05], side: [1, 0, 0.05] };
    this.lookFrom(c, r, dirs[direction]);
  }

  /** Centres the orbit on a point (double-click focus). */
  focus(point: [number, number, number]) {
    this.setFlyMode(false);
    const offset = this.camera.position.clone().sub(this.controls.target);
    this.controls.target.set(...point);
    this.camera.position.copy(this.controls.target).add(offset.multiplyScalar(0.6));
    this.controls.update();
    this.requestFrame();
  }

  setControlsEnabled(enabled: boolean) {
    this.controls.enabled = enabled;
  }

  onStats(listener: (s: ViewerStats) => void): () => void {
    this.statsListeners.add(listener);
    return () => this.statsListeners.delete(listener);
  }

  getStats(): ViewerStats {
    return structuredClone(this.stats);
  }

  /** The current frame as a PNG data URL (the drawing buffer is preserved for this). */
  screenshot(): string {
    this.renderFrame();
    return this.canvas.toDataURL('image/png');
  }

  dispose() {
    this.disposed = true;
    this.clear();
    this.resizeObserver.disconnect();
    this.fly.disable();
    this.clipDrag.dispose();
    this.controls.dispose();
    this.clipOutline.dispose();
    this.clipHandles.dispose();
    this.material.lut.dispose();
    this.material.dispose();
    this.overlayMaterial.dispose();
    this.edl.dispose();
    this.renderer.dispose();
  }

  /** What picking and selection may hit: the same points the shader shows. */
  private pickChunks(): PickChunk[] {
    const mode = this.stats.colorMode;
    const hidden = this.hidden;
    const slice = this.stats.heightSlice;
    const isolate = this.stats.isolatedClass;
    const labelModes = mode === 'labels' || mode === 'predicted';
    const sources: {
      start: number;
      positions: Float32Array;
      labels: Uint16Array | null;
      predicted: Uint16Array;
      ids?: Uint32Array;
      bounds?: PickChunk['bounds'];
    }[] = this.lod ? this.lod.visibleNodes() : this.chunks;
    return sources.map((c) => {
      const tests: ((i: number) => boolean)[] = [];
      const labels = c.labels;
      if (mode === 'unlabeled' && labels) tests.push((i) => labels[i] === UNLABELED);
      if (labelModes && hidden.size > 0 && labels) tests.push((i) => !hidden.has(labels[i]!));
      if (labelModes && isolate !== null && labels) tests.push((i) => (labels[i] !== UNLABELED ? labels[i] : c.predicted[i]) === isolate);
      if (slice) tests.push((i) => c.positions[i * 3 + 2]! >= slice[0] && c.positions[i * 3 + 2]! <= slice[1]);
      const clip = this.clip;
      if (clip) tests.push((i) => insideClip(clip, c.positions[i * 3]!, c.positions[i * 3 + 1]!, c.positions[i * 3 + 2]!));
      return {
        start: c.start,
        positions: c.positions,
        ...(c.ids ? { ids: c.ids } : {}),
        ...(c.bounds ? { bounds: c.bounds } : {}),
        visible: tests.length ? (i: number) => tests.every((t) => t(i)) : null,
      };
    });
  }

  // ---- clipping box (clipBox.ts): a shader uniform for points and faces, a filter for picking and selection ----

  /** Shows only points and faces inside an axis-aligned box (scan frame); null shows all. */
  setClipBox(box: ClipBox | null) {
    this.clip = box ? orderedClip(box) : null;
    const b = this.clip ?? NO_CLIP;
    (this.material.uniforms.clipMin!.value as THREE.Vector3).set(...b.min);
    (this.material.uniforms.clipMax!.value as THREE.Vector3).set(...b.max);
    this.clipOutline.show(this.clip);
    this.clipHandles.show(this.clip);
    if (this.lod) this.lod.clip = this.clip;
    this.stats.clipBox = this.clip ? structuredClone(this.clip) : null;
    this.notifyStats();
    this.requestFrame();
  }

  /** Recounts the loaded points (or face centroids) inside the clip box when the box or the drawn set changed. */
  private countPointsInClip() {
    const clip = this.clip;
    const drawn = this.lod ? `${this.lod.visibleNodes().length}:${this.lod.stats.pointsVisible}` : `${this.stats.pointsLoaded}:${this.stats.meshFaces}`;
    const key = clip ? `${clip.min.join(',')}|${clip.max.join(',')}|${drawn}` : '';
    if (key === this.clipCountKey) return;
    this.clipCountKey = key;
    if (!clip) {
      this.stats.pointsInClip = null;
      return;
    }
    const countIn = (p: Float32Array) => {
      let n = 0;
      for (let i = 0; i < p.length; i += 3) if (insideClip(clip, p[i]!, p[i + 1]!, p[i + 2]!)) n++;
      return n;
    };
    let total = 0;
    if (this.meshLayer) total = countIn(this.meshLayer.centroids);
    else if (this.lod)
      for (const n of this.lod.visibleNodes()) {
        // Nodes wholly inside or outside the box need no per-point test.
        const inside = [0, 1, 2].every((k) => n.bounds.min[k]! >= clip.min[k]! && n.bounds.max[k]! <= clip.max[k]!);
        const outside = [0, 1, 2].some((k) => n.bounds.min[k]! > clip.max[k]! || n.bounds.max[k]! < clip.min[k]!);
        total += inside ? n.positions.length / 3 : outside ? 0 : countIn(n.positions);
      }
    else for (const c of this.chunks) total += countIn(c.positions);
    this.stats.pointsInClip = total;
  }

  /** The scan's bounds (scan frame), the clip box's reset value. */
  scanBounds(): ClipBox | null {
    return this.view ? { min: [...this.view.scan.boundsMin], max: [...this.view.scan.boundsMax] } : null;
  }

  /** Bounds of the highlighted selection or preview (loaded points or faces), grown by a small margin; null when none. */
  overlayBounds(): ClipBox | null {
    const margin = this.material.uniforms.spacing!.value as number;
    if (this.meshLayer) {
      const ids = this.meshOverlayIds;
      if (!ids) return null;
      const c = this.meshLayer.centroids;
      const pts = new Float32Array(ids.length * 3);
      ids.forEach((f, i) => pts.set(c.subarray(f * 3, f * 3 + 3), i * 3));
      return boundsOf([pts], null, margin);
    }
    const pos = this.overlay?.geometry.getAttribute('position')?.array as Float32Array | undefined;
    return pos && pos.length ? boundsOf([pos], null, margin) : null;
  }

  /** Bounds of the shown points (or face centroids) that project into the view: "fit the clip box to the view". */
  viewBounds(): ClipBox | null {
    const cam = this.userCamera();
    const inView = (x: number, y: number, z: number) => {
      const r = cam.rotation;
      const dx = x - cam.eye[0];
      const dy = y - cam.eye[1];
      const dz = z - cam.eye[2];
      const d = r[6] * dx + r[7] * dy + r[8] * dz;
      if (d < cam.near) return false;
      const u = (cam.fx * (r[0] * dx + r[1] * dy + r[2] * dz)) / d + cam.cx;
      const v = (cam.fy * (r[3] * dx + r[4] * dy + r[5] * dz)) / d + cam.cy;
      return u >= 0 && v >= 0 && u < cam.width && v < cam.height;
    };
    const sources = this.meshLayer ? [this.meshLayer.centroids] : (this.lod ? this.lod.visibleNodes() : this.chunks).map((c) => c.positions);
    const total = sources.reduce((a, p) => a + p.length / 3, 0);
    // Sample at most ~250k elements: a bounds fit needs no more, and it keeps the click a short task.
    return boundsOf(sources, inView, 0, Math.max(1, Math.floor(total / 250_000)));
  }

  // ---- fly mode (flyNavigator.ts) ----

  /** First-person navigation on/off. Leaving it, the orbit resumes around the surface point in front (or a point ahead). */
  setFlyMode(on: boolean) {
    if (on === this.fly.active) return;
    if (on) {
      const r = this.view ? this.boundsSphere()[1] : 10;
      this.fly.speed = Math.max(0.5, r * 0.25);
      this.stats.flySpeed = this.fly.speed;
      this.controls.enabled = false;
      this.fly.enable(this.controls.target.clone().sub(this.camera.position));
    } else {
      this.fly.disable();
      const hit = this.pick(this.canvas.clientWidth / 2, this.canvas.clientHeight / 2);
      if (hit) this.controls.target.set(...hit.position);
      this.controls.enabled = true;
      this.controls.update();
    }
    this.stats.navigation = on ? 'fly' : 'orbit';
    this.notifyStats();
    this.requestFrame();
  }

  isFlying(): boolean {
    return this.fly.active;
  }

  // ---- depth-limited brush (brush.ts) ----

  /** Starts a brush stroke: indexes the shown points (or face centroids) on screen for the current camera. */
  beginBrush() {
    if (this.meshLayer) {
      const mesh = this.meshLayer;
      const filter = this.faceFilter();
      const c = mesh.centroids;
      const visible = (f: number) =>
        (!filter.slice || (c[f * 3 + 2]! >= filter.slice[0] && c[f * 3 + 2]! <= filter.slice[1])) &&
        (!filter.clip || insideClip(filter.clip, c[f * 3]!, c[f * 3 + 1]!, c[f * 3 + 2]!)) &&
        mesh.faceVisible(f, filter);
      this.brushIndex = new BrushIndex([{ start: 0, positions: c, visible }], this.userCamera());
    } else {
      this.brushIndex = new BrushIndex(this.pickChunks(), this.userCamera());
    }
  }

  /** One stamp of the current stroke at canvas (x, y): see BrushIndex.stamp. */
  brushStamp(x: number, y: number, radius: number, depthLimit: number, out: (id: number) => void): number {
    if (!this.brushIndex) this.beginBrush();
    return this.brushIndex!.stamp(x, y, radius, depthLimit, out);
  }

  endBrush() {
    this.brushIndex = null;
  }

  /** The current frame scaled into a width x height 2D canvas (the 2D mask inset's backdrop). */
  snapshot(width: number, height: number): HTMLCanvasElement {
    this.renderFrame();
    const out = document.createElement('canvas');
    out.width = width;
    out.height = height;
    out.getContext('2d')?.drawImage(this.canvas, 0, 0, width, height);
    return out;
  }

  // ---- mesh scans (meshLayer.ts): faces are the labeled elements, ids are face indices ----

  /** Opacity of the per-face label overlay over the mesh texture (0..1). */
  setMeshOpacity(opacity: number) {
    this.meshLayer?.setOpacity(opacity);
    this.stats.meshOpacity = Math.min(1, Math.max(0, opacity));
    this.requestFrame();
  }

  private async showMesh(mesh: MeshView, fetchBlob: BlobFetcher, token: number): Promise<void> {
    this.stats = { ...this.stats, chunksTotal: 0, chunksLoaded: 0, pointsLoaded: 0 };
    const data = await fetchMesh(mesh, fetchBlob);
    if (token !== this.loadToken || this.disposed) return;
    const layer = new MeshLayer(data, this.material);
    // Its texture materials compile off the main thread before the first frame that draws them (see warmUpShaders).
    await Promise.race([
      this.renderer.compileAsync(layer.object, this.camera, this.scene).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, COMPILE_WAIT_MAX_MS)),
    ]);
    if (token !== this.loadToken || this.disposed) return layer.dispose();
    await this.fetchProgramInfo(materialsOf(layer.object));
    if (token !== this.loadToken || this.disposed) return layer.dispose();
    this.meshLayer = layer;
    this.meshLayer.setOpacity(this.stats.meshOpacity);
    this.scene.add(this.meshLayer.object);
    this.stats.meshFaces = this.meshLayer.faceCount;
    this.updateHistogram();
    this.requestFrame();
  }

  private async reloadMeshLabels(fetchBlob: BlobFetcher, layer: 'user' | 'predicted'): Promise<void> {
    const mesh = this.view?.mesh;
    const target = this.meshLayer;
    if (!mesh || !target) return;
    const parts =
      layer === 'user'
        ? ([['labels', mesh.blobs.faceLabels]] as const)
        : ([
            ['predicted', mesh.blobs.facePredicted],
            ['confidence', mesh.blobs.faceConfidence],
          ] as const);
    for (const [name, blob] of parts) {
      if (!blob) continue;
      const buf = await fetchBlob(blob);
      if (target !== this.meshLayer) return;
      target.setLayer(name, name === 'confidence' ? new Uint8Array(buf) : new Uint16Array(buf));
    }
    this.updateHistogram();
    this.requestFrame();
  }

  private faceFilter(): FaceFilter {
    return {
      mode: colorModeIndex(this.stats.colorMode),
      hidden: this.hidden,
      isolate: this.stats.isolatedClass,
      slice: this.stats.heightSlice,
      clip: this.clip,
    };
  }

  /** Ray-triangle pick against the mesh: the element id is the face index. */
  private pickFace(mesh: MeshLayer, x: number, y: number): PickHit | null {
    const w = Math.max(1, this.canvas.clientWidth);
    const h = Math.max(1, this.canvas.clientHeight);
    const raycaster = new THREE.Raycaster();
    raycaster.setFromCamera(new THREE.Vector2((x / w) * 2 - 1, -(y / h) * 2 + 1), this.camera);
    const hit = mesh.pick(raycaster, this.faceFilter());
    return hit ? { index: hit.face, position: hit.point, depth: hit.distance } : null;
  }

  /** Box/lasso on a mesh: the visible faces whose centroid projects inside the polygon. */
  private selectFaces(mesh: MeshLayer, poly: [number, number][]): Uint32Array {
    const filter = this.faceFilter();
    const c = mesh.centroids;
    const slice = filter.slice;
    const clip = filter.clip;
    const visible = (f: number) =>
      (!slice || (c[f * 3 + 2]! >= slice[0] && c[f * 3 + 2]! <= slice[1])) &&
      (!clip || insideClip(clip, c[f * 3]!, c[f * 3 + 1]!, c[f * 3 + 2]!)) &&
      mesh.faceVisible(f, filter);
    return selectInPolygon([{ start: 0, positions: c, visible }], this.userCamera(), poly);
  }

  private updateMeshHistogram(mesh: MeshLayer) {
    const h: Record<string, number> = {};
    for (const v of mesh.labels) {
      const key = v === UNLABELED ? 'unlabeled' : String(v);
      h[key] = (h[key] ?? 0) + 1;
    }
    const p: Record<string, number> = {};
    for (const v of mesh.predicted) if (v !== UNLABELED) p[String(v)] = (p[String(v)] ?? 0) + 1;
    this.stats.labelHistogram = h;
    this.stats.predictedHistogram = p;
  }

  // ---- LOD octree scans (lod/octreeLayer.ts): ids are the nodes' original point indices ----

  /** Points drawn at most for octree scans (issue 7: 2 M by default); applies to the current and later scans. */
  setPointBudget(points: number) {
    this.pointBudgetOverride = Math.max(1_000, Math.floor(points));
    this.lod?.setPointBudget(this.pointBudgetOverride);
    this.stats.pointBudget = this.lod ? this.lod.pointBudget : 0;
    this.requestFrame();
  }

  /** Eye-dome lighting: true/false, or null for automatic (on for scans without colour). */
  setEdl(mode: boolean | null) {
    this.edlMode = mode;
    this.requestFrame();
  }

  /** True when the scan is drawn from its LOD octree. */
  isLod(): boolean {
    return this.lod !== null;
  }

  /** True when a polygon selection must run in the core (scans.selectPolygon): an LOD view that does not hold every point in view. */
  needsCoreSelection(): boolean {
    return this.lod !== null && !this.lod.stats.complete;
  }

  /** What the viewer hides, for a selection done in the core (scans.selectPolygon). */
  selectionFilter(): NonNullable<SelectPolygonParams['filter']> {
    const mode = this.stats.colorMode;
    const labelModes = mode === 'labels' || mode === 'predicted';
    return {
      ...(this.stats.heightSlice ? { heightSlice: this.stats.heightSlice } : {}),
      ...(labelModes && this.hidden.size > 0 ? { hiddenClasses: [...this.hidden] } : {}),
      ...(labelModes && this.stats.isolatedClass !== null ? { isolate: this.stats.isolatedClass } : {}),
      ...(mode === 'unlabeled' ? { unlabeledOnly: true } : {}),
      ...(this.clip ? { clipBox: this.clip } : {}),
    };
  }

  /** Decode throughput of the node workers so far (benchmarks). */
  decodeStats() {
    return this.lod?.decodeStats ?? null;
  }

  private async showOctree(view: ScanView, fetchBlob: BlobFetcher, resolveBlob: BlobResolver | null, token: number): Promise<void> {
    this.stats = { ...this.stats, chunksTotal: 1, chunksLoaded: 0, pointsLoaded: 0 };
    const layer = await OctreeLayer.open({
      info: view.octree!,
      material: this.material,
      scene: this.scene,
      fetchBlob,
      resolveBlob,
      withLabels: view.inProject,
      onChange: () => this.requestFrame(),
    });
    if (token !== this.loadToken || this.disposed) return layer.dispose();
    if (this.pointBudgetOverride !== null) layer.setPointBudget(this.pointBudgetOverride);
    layer.clip = this.clip;
    this.lod = layer;
    this.requestFrame();
  }

  private edlOn(): boolean {
    if (this.meshLayer || !this.view) return false;
    if (this.edlMode !== null) return this.edlMode;
    return this.lod ? !this.lod.hasColor : !this.view.scan.attributes.some((a) => a.name === 'color');
  }

  /** One frame: the LOD update (traversal, cache, requests, new buffers), then the scene, through eye-dome lighting when on. */
  private renderFrame(): { points: number; calls: number; triangles: number } {
    const t0 = performance.now();
    if (this.lod) {
      const more = this.lod.update(this.camera, Math.max(1, this.canvas.clientHeight));
      const s = this.lod.stats;
      this.stats.visibleNodes = s.visibleNodes;
      this.stats.nodesWanted = s.nodesWanted;
      this.stats.nodesCached = s.nodesCached;
      this.stats.pointBudget = this.lod.pointBudget;
      this.stats.lodUpdateMs = s.updateMs;
      this.stats.decoded = this.lod.decodeStats ? { ...this.lod.decodeStats } : null;
      this.stats.chunksTotal = s.nodesWanted;
      this.stats.chunksLoaded = s.visibleNodes;
      this.stats.pointsLoaded = s.pointsVisible;
      this.updateHistogram();
      if (this.overlayIds) this.refreshLodOverlay(false);
      if (more) this.requestFrame();
    }
    if (this.clip) {
      this.clipHandles.update(this.camera, Math.max(1, this.canvas.clientHeight));
      this.clipOutline.setHighlight(this.clipHandles.hovered === 'body');
    }
    const edl = this.edlOn();
    this.stats.edl = edl;
    let info: { points: number; calls: number; triangles: number };
    if (edl) {
      const r = this.edl.render(this.renderer, this.scene, this.camera);
      info = { ...r, triangles: 0 };
    } else {
      this.renderer.render(this.scene, this.camera);
      const i = this.renderer.info.render;
      info = { points: i.points, calls: i.calls, triangles: i.triangles };
    }
    const t1 = performance.now();
    this.stats.frameCpuMs = t1 - t0;
    // Visible in the page's performance timeline (benchmarks and traces line long tasks up with frames).
    if (t1 - t0 > 50) performance.measure('scanlabel:slow-frame', { start: t0, end: t1 });
    if (info.points + info.triangles > 0 && !this.firstFrameMarked) {
      this.firstFrameMarked = true;
      performance.mark('scanlabel:first-frame');
    }
    return info;
  }

  /** Rebuilds the LOD overlay from its ids when the drawn node set changed (ids not loaded are not shown). */
  private refreshLodOverlay(request = true) {
    const o = this.overlayIds;
    if (!o || !this.lod) return;
    const key = this.lod.visibleNodes().length + ':' + this.lod.stats.pointsVisible;
    if (!request && key === o.visibleKey) return;
    o.visibleKey = key;
    if (this.overlay) {
      this.scene.remove(this.overlay);
      this.overlay.geometry.dispose();
      this.overlay = null;
    }
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(this.lod.positionsOf(o.ids), 3));
    this.overlayMaterial.setTint(OVERLAY_COLORS[o.kind]);
    this.overlay = new THREE.Points(geometry, this.overlayMaterial);
    this.overlay.frustumCulled = false;
    this.overlay.renderOrder = 1;
    this.scene.add(this.overlay);
    if (request) this.requestFrame();
  }

  /** Height range of the loaded scan (scan frame), for the slice control. */
  heightRange(): [number, number] | null {
    return this.view ? [this.view.scan.boundsMin[2], this.view.scan.boundsMax[2]] : null;
  }

  private lookFrom(c: THREE.Vector3, r: number, dir: [number, number, number]) {
    this.setFlyMode(false);
    this.controls.target.copy(c);
    const dist = (r / Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2))) * 0.75;
    const d = new THREE.Vector3(...dir).normalize().multiplyScalar(dist);
    this.camera.position.copy(c).add(d);
    this.camera.near = Math.max(0.01, r / 1000);
    this.camera.far = r * 20;
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.requestFrame();
  }

  private updateHistogram() {
    if (this.lod) {
      const h = this.lod.histograms();
      this.stats.labelHistogram = h.labels;
      this.stats.predictedHistogram = h.predicted;
      return;
    }
    if (this.meshLayer) return this.updateMeshHistogram(this.meshLayer);
    const h: Record<string, number> = {};
    for (const c of this.chunks) {
      const labels = (c.points.geometry.getAttribute('labels') as THREE.BufferAttribute).array as Uint16Array;
      for (const v of labels) {
        const key = v === UNLABELED ? 'unlabeled' : String(v);
        h[key] = (h[key] ?? 0) + 1;
      }
    }
    this.stats.labelHistogram = h;
    const p: Record<string, number> = {};
    for (const c of this.chunks) for (const v of c.predicted) if (v !== UNLABELED) p[String(v)] = (p[String(v)] ?? 0) + 1;
    this.stats.predictedHistogram = p;
  }

  private boundsSphere(): [THREE.Vector3, number] {
    const s = this.view!.scan;
    const min = new THREE.Vector3(...s.boundsMin);
    const max = new THREE.Vector3(...s.boundsMax);
    return [min.clone().add(max).multiplyScalar(0.5), Math.max(1e-3, min.distanceTo(max) / 2)];
  }

  private clear() {
    for (const c of this.chunks) {
      this.scene.remove(c.points);
      c.points.geometry.dispose();
    }
    this.chunks.length = 0;
    if (this.lod) {
      this.lod.dispose();
      this.lod = null;
      this.stats = { ...this.stats, visibleNodes: 0, nodesWanted: 0, nodesCached: 0, pointBudget: 0 };
    }
    if (this.meshLayer) {
      this.scene.remove(this.meshLayer.object);
      this.meshLayer.dispose();
      this.meshLayer = null;
      this.stats.meshFaces = 0;
    }
    this.setOverlay(null);
    this.setClipBox(null);
    this.requestFrame();
  }

  private resize() {
    const w = Math.max(1, this.canvas.clientWidth);
    const h = Math.max(1, this.canvas.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    // Pixels per world unit at depth 1, for the adaptive point size.
    this.material.uniforms.projScale!.value =
      (h * this.renderer.getPixelRatio()) / (2 * Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2)));
    this.requestFrame();
  }

  /** Settings the UI shows as controls (clip box, navigation) reach it at once, not a frame later. */
  private notifyStats() {
    for (const l of this.statsListeners) l(this.getStats());
  }

  private requestFrame() {
    if (this.frameRequested || this.disposed) return;
    if (!this.shadersReady) {
      this.frameWaiting = true;
      return;
    }
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.disposed) return;
      const info = this.renderFrame();
      this.stats.pointsDrawn = info.points;
      this.stats.drawCalls = info.calls;
      this.stats.trianglesDrawn = info.triangles;
      this.stats.frames++;
      this.stats.camera = {
        position: this.camera.position.toArray() as [number, number, number],
        target: this.controls.target.toArray() as [number, number, number],
      };
      this.stats.clipHandles = this.clipHandles.screenPositions(this.camera, {
        width: Math.max(1, this.canvas.clientWidth),
        height: Math.max(1, this.canvas.clientHeight),
      });
      this.stats.clipHover = this.clipHandles.hovered;
      this.countPointsInClip();
      for (const l of this.statsListeners) l(this.getStats());
    });
  }
}
