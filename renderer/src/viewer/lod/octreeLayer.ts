import * as THREE from 'three';
import type { OctreeView } from '../../../../common/contracts/scans';
import type { CompactHierarchy, NodeAttribute } from '../../../../common/geometry/octreeLayout';
import type { PointMaterial } from '../pointMaterial';
import { decodeNodeBlob, histogram, type DecodedNode, type Histogram } from './decodeNode';
import type { BlobSource, NodeHistograms } from './decoderProtocol';
import { DecoderPool } from './decoderPool';
import { buildLodTree, type LodNode } from './hierarchy';
import { traverse } from './traversal';
import type { ClipBox } from '../clipBox';

export type BlobFetcher = (path: string) => Promise<ArrayBuffer>;
/** An absolute URL and headers for a relative blob path, so a worker can fetch it; null: the page fetches. */
export type BlobResolver = (path: string) => { url: string; headers: Record<string, string> } | null;

interface LoadedNode {
  node: LodNode;
  data: DecodedNode;
  labels: Uint16Array;
  predicted: Uint16Array;
  labelHist: Histogram;
  predictedHist: Histogram;
  /** Label generation the node's label arrays belong to (reloads bump it). */
  labelGen: number;
  points: THREE.Points;
  lastVisible: number;
}

/** What picking and selection see of a loaded node. */
export interface NodePoints {
  start: number;
  positions: Float32Array;
  ids: Uint32Array;
  labels: Uint16Array;
  predicted: Uint16Array;
  /** The node's cube (widened by a hair): every point of the node is inside. */
  bounds: { min: [number, number, number]; max: [number, number, number] };
}

export interface LodFrameStats {
  /** Nodes the traversal wants (visible under the budget). */
  nodesWanted: number;
  /** Of those, nodes loaded and drawn. */
  visibleNodes: number;
  pointsVisible: number;
  /** Nodes held on the GPU (visible or cached). */
  nodesCached: number;
  gpuPoints: number;
  loading: number;
  /** Traversal + cache bookkeeping + buffer creation of the last update, ms. */
  updateMs: number;
  budgetReached: boolean;
  /** Every point in the view is loaded and drawn (no node cut by the budget or by size): picking and selection can run here. */
  complete: boolean;
}

const MAX_IN_FLIGHT = 8;
/**
 * Bytes of new GPU buffers per frame at most (24 B per point: position, colour, intensity, class, labels,
 * prediction, confidence), so a burst of arrivals, the first one included, never makes one long frame:
 * the uploads happen in the render call and cost main-thread time in proportion to their size.
 */
const UPLOAD_BYTES_PER_FRAME = 4 * 1024 * 1024;
const BYTES_PER_POINT = 24;
/** New nodes per frame at most: each costs a geometry, seven buffers and a vertex array however small it is. */
const UPLOAD_NODES_PER_FRAME = 32;
/** Label refetches in flight after an edit, and how many nodes between redraws while they arrive. */
const RELOAD_IN_FLIGHT = 16;
const RELOAD_REDRAW_EVERY = 64;

/**
 * Potree-style LOD point layer over a scan's octree: each frame a best-first traversal by projected
 * node size under the point budget decides the visible nodes; missing ones are fetched and decoded in
 * Web Workers; loaded nodes are kept in an LRU cache of GPU buffers and the least recently visible are
 * evicted beyond the GPU point budget. Point ids are the nodes' original indices.
 */
export class OctreeLayer {
  private readonly loaded = new Map<string, LoadedNode>(); // insertion order = least recently visible first
  private readonly loading = new Set<string>();
  private readonly arrived: { node: LodNode; data: DecodedNode; hists: NodeHistograms; labelGen: number }[] = [];
  private readonly group = new THREE.Group();
  private readonly pool: DecoderPool | null;
  private visible: LodNode[] = [];
  private visibleSet = new Set<string>();
  private frame = 0;
  private labelGen = 0;
  private gpuPoints = 0;
  private disposed = false;
  /** The overlay's id bitset and each loaded node's selected positions (WeakMap: evicted nodes drop out). */
  private overlayCache: { ids: Uint32Array; bits: Uint8Array; perNode: WeakMap<LoadedNode, Float32Array> } | null = null;
  pointBudget: number;
  /** The viewer's clipping box: nodes outside it are not traversed. */
  clip: ClipBox | null = null;
  /** GPU point budget: loaded points kept for quick revisits before the LRU evicts. */
  gpuBudget: number;
  lastError: string | null = null;
  stats: LodFrameStats = {
    nodesWanted: 0,
    visibleNodes: 0,
    pointsVisible: 0,
    nodesCached: 0,
    gpuPoints: 0,
    loading: 0,
    updateMs: 0,
    budgetReached: false,
    complete: false,
  };

  private constructor(
    readonly info: OctreeView,
    readonly hierarchy: CompactHierarchy,
    private readonly root: LodNode,
    private readonly material: PointMaterial,
    private readonly scene: THREE.Scene,
    private readonly fetchBlob: BlobFetcher,
    private readonly resolveBlob: BlobResolver | null,
    private readonly withLabels: boolean,
    private readonly onChange: () => void,
  ) {
    this.pointBudget = info.budgetHint;
    this.gpuBudget = info.budgetHint * 2;
    this.group.matrixAutoUpdate = false; // identity: node points are in the scan frame
    this.scene.add(this.group);
    this.pool = typeof Worker === 'undefined' ? null : new DecoderPool();
  }

  static async open(options: {
    info: OctreeView;
    material: PointMaterial;
    scene: THREE.Scene;
    fetchBlob: BlobFetcher;
    resolveBlob: BlobResolver | null;
    withLabels: boolean;
    onChange: () => void;
  }): Promise<OctreeLayer> {
    const bytes = await options.fetchBlob(options.info.hierarchyBlob);
    const hierarchy = JSON.parse(new TextDecoder().decode(bytes)) as CompactHierarchy;
    const { root } = buildLodTree(hierarchy);
    return new OctreeLayer(
      options.info,
      hierarchy,
      root,
      options.material,
      options.scene,
      options.fetchBlob,
      options.resolveBlob,
      options.withLabels,
      options.onChange,
    );
  }

  get hasColor(): boolean {
    return this.hierarchy.attributes.some((a: NodeAttribute) => a.name === 'color');
  }

  get decodeStats() {
    return this.pool?.stats ?? null;
  }

  setPointBudget(points: number) {
    this.pointBudget = Math.max(1, Math.floor(points));
    this.gpuBudget = Math.max(this.gpuBudget, this.pointBudget * 2);
  }

  /**
   * One frame's LOD work: traversal, visibility, load requests, buffer creation for arrived nodes
   * (bounded per frame), LRU eviction. Returns true when more work is pending (another frame is needed).
   */
  update(camera: THREE.PerspectiveCamera, viewportHeight: number): boolean {
    const t0 = performance.now();
    this.frame++;
    camera.updateMatrixWorld();
    const viewProj = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
    const projFactor = viewportHeight / (2 * Math.tan(THREE.MathUtils.degToRad(camera.fov / 2)));
    const result = traverse(
      this.root,
      { viewProj: viewProj.elements, position: camera.position.toArray() as [number, number, number], projFactor },
      { pointBudget: this.pointBudget, minNodePixels: 40, clip: this.clip },
    );
    this.visible = result.nodes;
    this.visibleSet = new Set(result.nodes.map((n) => n.name));

    // Buffers for nodes that arrived since the last frame (bounded), then visibility and LRU order.
    let uploaded = 0;
    let added = 0;
    while (this.arrived.length > 0 && uploaded < UPLOAD_BYTES_PER_FRAME && added < UPLOAD_NODES_PER_FRAME) {
      const a = this.arrived.shift()!;
      if (this.loaded.has(a.node.name)) continue;
      this.add(a.node, a.data, a.hists, a.labelGen);
      uploaded += a.node.pointCount * BYTES_PER_POINT;
      added++;
    }
    let visibleNodes = 0;
    let pointsVisible = 0;
    for (const node of this.visible) {
      const l = this.loaded.get(node.name);
      if (!l) continue;
      visibleNodes++;
      pointsVisible += node.pointCount;
      l.lastVisible = this.frame;
      this.loaded.delete(node.name); // move to the most-recent end
      this.loaded.set(node.name, l);
    }
    for (const l of this.loaded.values()) {
      l.points.visible = l.lastVisible === this.frame;
      if (l.points.visible) {
        // Adaptive point size: a node refined by visible children shows at its children's spacing.
        const refined = l.node.children.some((c) => this.visibleSet.has(c.name) && this.loaded.has(c.name));
        l.points.userData.spacing = this.spacingAt(l.node.level + (refined ? 1 : 0));
      }
    }
    this.evict();

    // Requests in priority order.
    for (const node of this.visible) {
      if (this.loading.size >= MAX_IN_FLIGHT) break;
      if (this.loaded.has(node.name) || this.loading.has(node.name)) continue;
      this.load(node);
    }
    this.stats = {
      nodesWanted: this.visible.length,
      visibleNodes,
      pointsVisible,
      nodesCached: this.loaded.size,
      gpuPoints: this.gpuPoints,
      loading: this.loading.size,
      updateMs: performance.now() - t0,
      budgetReached: result.budgetReached,
      complete: result.complete && visibleNodes === this.visible.length,
    };
    return this.arrived.length > 0;
  }

  /** Loaded, visible nodes (what the shader draws), for picking, selection and histograms. */
  visibleNodes(): NodePoints[] {
    const out: NodePoints[] = [];
    for (const node of this.visible) {
      const l = this.loaded.get(node.name);
      if (l && l.points.visible) {
        const pad = node.size * 1e-6;
        const [x, y, z] = node.min;
        const bounds = {
          min: [x - pad, y - pad, z - pad] as [number, number, number],
          max: [x + node.size + pad, y + node.size + pad, z + node.size + pad] as [number, number, number],
        };
        out.push({ start: 0, positions: l.data.position, ids: l.data.index, labels: l.labels, predicted: l.predicted, bounds });
      }
    }
    return out;
  }

  histograms(): { labels: Record<string, number>; predicted: Record<string, number> } {
    const labels: Record<string, number> = {};
    const predicted: Record<string, number> = {};
    for (const node of this.visible) {
      const l = this.loaded.get(node.name);
      if (!l) continue;
      for (const [k, v] of Object.entries(l.labelHist)) labels[k] = (labels[k] ?? 0) + v;
      for (const [k, v] of Object.entries(l.predictedHist)) predicted[k] = (predicted[k] ?? 0) + v;
    }
    return { labels, predicted };
  }

  /**
   * Positions of those of `ids` that are drawn now. The id bitset is built once per id set and each
   * node's share is kept, so refreshing the overlay while nodes stream in costs only the new nodes.
   */
  positionsOf(ids: Uint32Array): Float32Array {
    let cache = this.overlayCache;
    if (!cache || cache.ids !== ids) {
      const bits = new Uint8Array(Math.ceil(Math.max(1, this.hierarchy.pointCount) / 8));
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        bits[id >>> 3]! |= 1 << (id & 7);
      }
      cache = this.overlayCache = { ids, bits, perNode: new WeakMap() };
    }
    const parts: Float32Array[] = [];
    let total = 0;
    for (const node of this.visible) {
      const l = this.loaded.get(node.name);
      if (!l || !l.points.visible) continue;
      let part = cache.perNode.get(l);
      if (!part) {
        part = selectedPositions(l.data.index, l.data.position, cache.bits);
        cache.perNode.set(l, part);
      }
      parts.push(part);
      total += part.length;
    }
    const out = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /**
   * Refetches a label layer of every loaded node (after an edit, undo, redo or propagation), a few
   * nodes at a time: thousands of requests issued in one task would block the page for a long task.
   */
  async reloadLabels(layer: 'user' | 'predicted'): Promise<void> {
    if (!this.withLabels) return;
    const gen = ++this.labelGen;
    const nodes = [...this.loaded.values()];
    let next = 0;
    const lane = async () => {
      while (next < nodes.length) {
        if (this.disposed) return;
        const l = nodes[next++]!;
        if (this.loaded.get(l.node.name) !== l) continue;
        const base = this.info.nodePrefix + l.node.name;
        const res = await this.labelsOf(base, layer === 'user' ? ['labels'] : ['predicted', 'confidence']);
        if (this.disposed || this.loaded.get(l.node.name) !== l) continue;
        applyLabels(l, res);
        l.labelGen = Math.max(l.labelGen, gen);
        if (next % RELOAD_REDRAW_EVERY === 0) this.onChange();
      }
    };
    await Promise.all(Array.from({ length: RELOAD_IN_FLIGHT }, lane));
    this.onChange();
  }

  dispose() {
    this.disposed = true;
    for (const l of this.loaded.values()) l.points.geometry.dispose();
    this.loaded.clear();
    this.scene.remove(this.group);
    this.pool?.dispose();
  }

  private spacingAt(level: number): number {
    const s = this.hierarchy.spacing;
    return s[Math.min(level, s.length - 1)] ?? this.info.rootSpacing / 2 ** level;
  }

  private source(path: string): Promise<BlobSource> | BlobSource {
    const r = this.resolveBlob?.(path) ?? null;
    if (r) return r;
    return this.fetchBlob(path).then((bytes) => ({ bytes }));
  }

  private async labelsOf(base: string, kinds: ('labels' | 'predicted' | 'confidence')[]) {
    const srcs: Partial<Record<'labels' | 'predicted' | 'confidence', BlobSource>> = {};
    for (const k of kinds) srcs[k] = await this.source(`${base}/${k}`);
    if (this.pool) {
      const r = await this.pool.request({ kind: 'labels', ...srcs });
      if (r.kind !== 'labels') throw new Error('unexpected decoder answer');
      return r;
    }
    const get = async (k: 'labels' | 'predicted' | 'confidence') => (srcs[k] ? await this.fetchBlob(`${base}/${k}`) : null);
    const [l, p, c] = await Promise.all([get('labels'), get('predicted'), get('confidence')]);
    const labels = l ? new Uint16Array(l) : null;
    const predicted = p ? new Uint16Array(p) : null;
    return {
      labels,
      predicted,
      confidence: c ? new Uint8Array(c) : null,
      labelHist: labels ? histogram(labels, false) : null,
      predictedHist: predicted ? histogram(predicted, true) : null,
    };
  }

  private load(node: LodNode) {
    this.loading.add(node.name);
    const gen = this.labelGen;
    const base = this.info.nodePrefix + node.name;
    const run = async (): Promise<{ data: DecodedNode; hists: NodeHistograms }> => {
      if (this.pool) {
        const [nodeSrc, labels, predicted, confidence] = await Promise.all(
          [base, `${base}/labels`, `${base}/predicted`, `${base}/confidence`].map((p, i) =>
            i === 0 || this.withLabels ? this.source(p) : undefined,
          ),
        );
        const r = await this.pool.request({
          kind: 'node',
          attributes: this.hierarchy.attributes,
          pointCount: node.pointCount,
          node: nodeSrc!,
          ...(labels ? { labels, predicted: predicted!, confidence: confidence! } : {}),
        });
        if (r.kind !== 'node') throw new Error('unexpected decoder answer');
        return { data: r.node, hists: r };
      }
      const blob = await this.fetchBlob(base);
      const lab = this.withLabels ? await this.labelsOf(base, ['labels', 'predicted', 'confidence']) : null;
      return {
        data: {
          ...decodeNodeBlob(this.hierarchy.attributes, node.pointCount, blob),
          labels: lab?.labels ?? null,
          predicted: lab?.predicted ?? null,
          confidence: lab?.confidence ?? null,
        },
        hists: { labelHist: lab?.labelHist ?? null, predictedHist: lab?.predictedHist ?? null },
      };
    };
    run().then(
      ({ data, hists }) => {
        this.loading.delete(node.name);
        if (this.disposed) return;
        this.arrived.push({ node, data, hists, labelGen: gen });
        this.onChange();
      },
      (e: unknown) => {
        this.loading.delete(node.name);
        this.lastError = e instanceof Error ? e.message : String(e);
      },
    );
  }

  private add(node: LodNode, data: DecodedNode, hists: NodeHistograms, labelGen: number) {
    const n = node.pointCount;
    const labels = data.labels ?? new Uint16Array(n).fill(0xffff);
    const predicted = data.predicted ?? new Uint16Array(n).fill(0xffff);
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(data.position, 3));
    geometry.setAttribute('color', new THREE.BufferAttribute(data.color, 3, true));
    geometry.setAttribute('classification', new THREE.BufferAttribute(data.classification, 1));
    geometry.setAttribute('intensity', new THREE.BufferAttribute(data.intensity, 1));
    geometry.setAttribute('labels', new THREE.BufferAttribute(labels, 1));
    geometry.setAttribute('predicted', new THREE.BufferAttribute(predicted, 1));
    geometry.setAttribute('confidence', new THREE.BufferAttribute(data.confidence ?? new Uint8Array(n), 1, true));
    const h = node.size / 2;
    geometry.boundingSphere = new THREE.Sphere(new THREE.Vector3(node.min[0] + h, node.min[1] + h, node.min[2] + h), h * Math.sqrt(3));
    const points = new THREE.Points(geometry, this.material);
    points.frustumCulled = false; // the traversal culls nodes
    points.matrixAutoUpdate = false;
    points.userData.spacing = this.spacingAt(node.level);
    points.onBeforeRender = () => {
      this.material.uniforms.spacing!.value = points.userData.spacing as number;
      this.material.uniformsNeedUpdate = true;
    };
    this.group.add(points);
    const entry: LoadedNode = {
      node,
      data,
      labels,
      predicted,
      // Counted by the decoder worker; a node without label layers is all unlabeled.
      labelHist: hists.labelHist ?? (n > 0 ? { unlabeled: n } : {}),
      predictedHist: hists.predictedHist ?? {},
      labelGen,
      points,
      lastVisible: 0,
    };
    this.loaded.set(node.name, entry);
    this.gpuPoints += n;
    // Labels changed while this node was in flight: fetch them again.
    if (this.withLabels && labelGen < this.labelGen) void this.reloadNode(entry);
  }

  private async reloadNode(l: LoadedNode) {
    const gen = this.labelGen;
    const res = await this.labelsOf(this.info.nodePrefix + l.node.name, ['labels', 'predicted', 'confidence']);
    if (this.disposed || this.loaded.get(l.node.name) !== l) return;
    applyLabels(l, res);
    l.labelGen = gen;
    this.onChange();
  }

  /** Drops the least recently visible nodes that are not visible now until the GPU budget holds. */
  private evict() {
    if (this.gpuPoints <= this.gpuBudget) return;
    for (const [name, l] of this.loaded) {
      if (this.gpuPoints <= this.gpuBudget) break;
      if (l.lastVisible === this.frame) continue;
      this.group.remove(l.points);
      l.points.geometry.dispose();
      this.loaded.delete(name);
      this.gpuPoints -= l.node.pointCount;
    }
  }
}

/** Positions of a node's points whose id is set in `bits`. */
function selectedPositions(index: Uint32Array, position: Float32Array, bits: Uint8Array): Float32Array {
  let n = 0;
  for (let i = 0; i < index.length; i++) if (bits[index[i]! >>> 3]! & (1 << (index[i]! & 7))) n++;
  const out = new Float32Array(n * 3);
  let k = 0;
  for (let i = 0; i < index.length; i++) {
    const id = index[i]!;
    if (bits[id >>> 3]! & (1 << (id & 7))) {
      out[k++] = position[i * 3]!;
      out[k++] = position[i * 3 + 1]!;
      out[k++] = position[i * 3 + 2]!;
    }
  }
  return out;
}

/** Writes refetched label arrays into a node's existing GPU attributes (same length: updated in place, no new buffers). */
function applyLabels(
  l: LoadedNode,
  res: { labels: Uint16Array | null; predicted: Uint16Array | null; confidence: Uint8Array | null } & NodeHistograms,
) {
  const write = (name: string, values: Uint16Array | Uint8Array) => {
    const attr = l.points.geometry.getAttribute(name) as THREE.BufferAttribute;
    (attr.array as Uint16Array | Uint8Array).set(values);
    attr.needsUpdate = true;
  };
  if (res.labels) {
    write('labels', res.labels);
    l.labelHist = res.labelHist ?? histogram(l.labels, false);
  }
  if (res.predicted) {
    write('predicted', res.predicted);
    l.predictedHist = res.predictedHist ?? histogram(l.predicted, true);
  }
  if (res.confidence) write('confidence', res.confidence);
}
