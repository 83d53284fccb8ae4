import type { Vec3 } from '../../../../common/geometry/camera';
import { nodeCube } from '../../octree/format';
import type { OctreeNodeData, OctreeStore } from '../../octree/octreeStore';
import { groundFilter, terrainAt } from '../../geometry/ground';
import { scanShowsGround } from '../../geometry/groundPresence';
import type { PointChunk, PointSource } from './pointSource';

export interface OctreePointSourceOptions {
  /** Decoded nodes kept in memory (bytes of their arrays); least recently visited are dropped first. Default 256 MiB. */
  cacheBytes?: number;
  /**
   * Points of the coarse levels the terrain model is fitted on (whole levels, at least the root).
   * Default 400k: the ground filter's raster needs a few points per cell, not the full density.
   * 0 = no terrain model (height above ground unknown).
   */
  groundSamplePoints?: number;
}

const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
const DEFAULT_GROUND_SAMPLE = 400_000;

/** The terrain raster of the ground filter run on a coarse level, sampled like ground.ts does. */
interface TerrainModel {
  terrain: Float32Array;
  nx: number;
  ny: number;
  x0: number;
  y0: number;
  cell: number;
}

interface CachedNode {
  chunk: PointChunk;
  bytes: number;
}

/**
 * A PointSource over a project's LOD octree (electron/services/octree, docs/octree-format.md), so a
 * click works on scans that are not in memory. Node reads are asynchronous and `visitNear` is not:
 * call `load` with the same sphere and spacing first, then `visitNear` walks the decoded nodes
 * (nodes not loaded are skipped). Every point is in exactly one node, so visiting a node and its
 * ancestors never repeats a point; stopping at a level gives a subsample at that level's spacing.
 *
 * Per point: ids are the scan's point indices (the node's `index` block); spacing is the node's
 * level spacing (leaves: estimated from their count and cube); normals are null (the click scene
 * fits them on the loaded points); height above ground comes from one terrain model fitted on the
 * coarse levels (null when the scan has no usable ground sample).
 */
export class OctreePointSource implements PointSource {
  readonly pointCount: number;
  private readonly cache = new Map<string, CachedNode>();
  private cachedBytes = 0;
  private readonly cacheLimit: number;

  private constructor(
    readonly store: OctreeStore,
    private readonly terrainModel: TerrainModel | null,
    options: OctreePointSourceOptions,
  ) {
    this.pointCount = store.hierarchy.pointCount;
    this.cacheLimit = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
  }

  static async open(store: OctreeStore, options: OctreePointSourceOptions = {}): Promise<OctreePointSource> {
    const sample = options.groundSamplePoints ?? DEFAULT_GROUND_SAMPLE;
    const terrain = sample > 0 ? await fitTerrain(store, sample) : null;
    return new OctreePointSource(store, terrain, options);
  }

  /** The shallowest level whose spacing is at most `maxSpacing` (the deepest level when none is). */
  levelFor(maxSpacing: number | undefined): number {
    const s = this.store.hierarchy.spacing;
    if (maxSpacing === undefined) return Infinity;
    for (let l = 0; l < s.length; l++) if (s[l]! <= maxSpacing) return l;
    return Infinity;
  }

  /** The deepest level whose nodes, with all above it, hold at most `points` points (the root at least). */
  coarseLevel(points: number): number {
    return levelWithin(this.store, points).level;
  }

  /**
   * Positions of scan point indices, found through the nodes' index blocks (one pass over the
   * octree, nodes read one at a time and not cached): for clicks whose position the caller lacks.
   */
  async findPoints(ids: readonly number[]): Promise<Map<number, Vec3>> {
    const out = new Map<number, Vec3>();
    const wanted = new Set(ids);
    const look = (index: Uint32Array, P: Float32Array) => {
      for (let p = 0; p < index.length && wanted.size > 0; p++)
        if (wanted.has(index[p]!)) {
          out.set(index[p]!, [P[p * 3]!, P[p * 3 + 1]!, P[p * 3 + 2]!]);
          wanted.delete(index[p]!);
        }
    };
    for (const hit of this.cache.values()) look(hit.chunk.ids, hit.chunk.positions);
    for (const n of this.store.nodes) {
      if (wanted.size === 0) break;
      if (n.pointCount === 0 || this.cache.has(n.name)) continue;
      const node = await this.store.readNode(n.name);
      look(node.index, node.position);
    }
    return out;
  }

  /** Spacing of a level (beyond the last listed level, halving on). */
  spacingOf(level: number): number {
    const h = this.store.hierarchy;
    return h.spacing[level] ?? h.cube.size / h.spacingDivisor / 2 ** level;
  }

  /** Names of the nodes whose cube meets the sphere, down to the level that fits `maxSpacing`. */
  nodesNear(center: Vec3, radius: number, maxSpacing?: number): string[] {
    const stop = this.levelFor(maxSpacing);
    const cube = this.store.hierarchy.cube;
    const out: string[] = [];
    const stack = ['r'];
    while (stack.length > 0) {
      const name = stack.pop()!;
      const entry = this.store.node(name);
      if (!entry) continue;
      const c = nodeCube(cube, name);
      if (!cubeMeetsSphere(c.min, c.size, center, radius)) continue;
      if (entry.pointCount > 0) out.push(name);
      if (entry.level >= stop) continue;
      for (let o = 7; o >= 0; o--) if (entry.childMask & (1 << o)) stack.push(name + o);
    }
    return out;
  }

  /** Points `visitNear` would visit for this sphere and spacing (from the hierarchy, nothing read). */
  countNear(center: Vec3, radius: number, maxSpacing?: number): number {
    let n = 0;
    for (const name of this.nodesNear(center, radius, maxSpacing)) n += this.store.node(name)!.pointCount;
    return n;
  }

  /** Reads and decodes the nodes `visitNear(center, radius, _, maxSpacing)` will visit. */
  async load(center: Vec3, radius: number, maxSpacing?: number): Promise<void> {
    const names = this.nodesNear(center, radius, maxSpacing);
    for (const name of names) {
      if (this.cache.has(name)) continue;
      const node = await this.store.readNode(name);
      this.remember(name, this.toChunk(node));
    }
  }

  visitNear(center: Vec3, radius: number, visit: (chunk: PointChunk, start: number, end: number) => void, maxSpacing?: number): void {
    for (const name of this.nodesNear(center, radius, maxSpacing)) {
      const hit = this.cache.get(name);
      if (!hit) continue;
      // Map order is the LRU order: re-inserting marks the node as just used.
      this.cache.delete(name);
      this.cache.set(name, hit);
      visit(hit.chunk, 0, hit.chunk.ids.length);
    }
  }

  /** Decoded bytes held now (for tests and diagnostics). */
  get cacheSize(): { nodes: number; bytes: number } {
    return { nodes: this.cache.size, bytes: this.cachedBytes };
  }

  /** Height above the terrain model at a position, NaN without a model. */
  heightAt(x: number, y: number, z: number): number {
    const t = this.terrainModel;
    if (!t) return NaN;
    return z - terrainAt(t, x, y);
  }

  get hasTerrain(): boolean {
    return this.terrainModel !== null;
  }

  private toChunk(node: OctreeNodeData): PointChunk {
    const entry = this.store.node(node.name)!;
    const n = node.pointCount;
    let sp = this.spacingOf(entry.level);
    if (entry.childMask === 0) {
      // Leaves have no spacing constraint: a surface through the cube holds ~size^2 / spacing^2 points.
      const size = nodeCube(this.store.hierarchy.cube, node.name).size;
      sp = Math.min(sp, size / Math.sqrt(Math.max(1, n)));
    }
    const spacing = new Float32Array(n).fill(sp);
    let hag: Float32Array | null = null;
    if (this.terrainModel) {
      hag = new Float32Array(n);
      const P = node.position;
      for (let p = 0; p < n; p++) hag[p] = this.heightAt(P[p * 3]!, P[p * 3 + 1]!, P[p * 3 + 2]!);
    }
    return { ids: node.index, positions: node.position, colors: node.color ?? null, normals: null, spacing, heightAboveGround: hag, geometryOrder: false };
  }

  private remember(name: string, chunk: PointChunk) {
    const bytes = chunk.ids.byteLength + chunk.positions.byteLength + (chunk.colors?.byteLength ?? 0) + chunk.spacing.byteLength + (chunk.heightAboveGround?.byteLength ?? 0);
    this.cache.set(name, { chunk, bytes });
    this.cachedBytes += bytes;
    for (const [old, entry] of this.cache) {
      if (this.cachedBytes <= this.cacheLimit || old === name) break;
      this.cache.delete(old);
      this.cachedBytes -= entry.bytes;
    }
  }
}

/** Ground filter on the whole levels that fit `sample` points (the root at least): the terrain raster only. */
async function fitTerrain(store: OctreeStore, sample: number): Promise<TerrainModel | null> {
  const nodes = store.nodes;
  const { level, total } = levelWithin(store, sample);
  if (total < 16) return null;
  const positions = new Float32Array(total * 3);
  const classes = new Uint16Array(total);
  let withClasses = true;
  let at = 0;
  for (const n of nodes) {
    if (n.level > level || n.pointCount === 0) continue;
    const data = await store.readNode(n.name);
    positions.set(data.position, at);
    if (data.classification) classes.set(data.classification, at / 3);
    else withClasses = false;
    at += data.position.length;
  }
  // As for scans in memory (clickScene.ts): no terrain when the classification says there is no
  // ground. Octree nodes hold no return numbers, so every point may be ground here.
  const attributes = withClasses ? [{ name: 'classification', type: 'uint16' as const, components: 1, values: classes }] : [];
  if (!scanShowsGround({ pointCount: total, attributes })) return null;
  const g = groundFilter(positions);
  return { terrain: g.terrain, nx: g.nx, ny: g.ny, x0: g.x0, y0: g.y0, cell: g.cell };
}

/** The deepest level whose nodes and their ancestors hold at most `points` (level 0 whatever its size), with that total. */
function levelWithin(store: OctreeStore, points: number): { level: number; total: number } {
  const perLevel = new Map<number, number>();
  for (const n of store.nodes) perLevel.set(n.level, (perLevel.get(n.level) ?? 0) + n.pointCount);
  let level = 0;
  let total = 0;
  for (let l = 0; perLevel.has(l); l++) {
    if (l > 0 && total + perLevel.get(l)! > points) break;
    total += perLevel.get(l)!;
    level = l;
  }
  return { level, total };
}

function cubeMeetsSphere(min: readonly number[], size: number, c: Vec3, r: number): boolean {
  if (r === Infinity) return true;
  let d2 = 0;
  for (let k = 0; k < 3; k++) {
    const v = c[k]!;
    const lo = min[k]!;
    const hi = lo + size;
    const d = v < lo ? lo - v : v > hi ? v - hi : 0;
    d2 += d * d;
  }
  return d2 <= r * r;
}

