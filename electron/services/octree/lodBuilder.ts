import { nodeCube, spacingAt, type NodeAttribute, type OctreeCube } from './format';
import { GridKey, KEY_BITS, KEY_MAX } from './gridKey';
import { MortonSorter, octantStart, SORTED_LEVELS } from './mortonSort';
import { IndexArena } from './indexArena';
import type { NodeBlock } from './nodeBlock';
import { encodeNode } from './nodeEncoder';
import { PoissonSampler } from './poissonSampler';
import { allocRecords, copyRecord, RECORD_BYTES, RECORD_WORDS, type Records } from './records';

/**
 * Runs up to this many records are Morton-sorted in one go; larger ones (a chunk made of one dense
 * counting-grid cell) are first split by octant, which bounds the sort's buffers. Sorting runs of
 * 64k records (in cache) measured no faster than one sort of a whole 262k-point chunk: the extra
 * split pass costs what the cache saves.
 */
export const SORT_RUN = 1 << 20;

/** One chunk being indexed: its records (reordered in place), their Morton codes, the sort's buffers. */
interface Run {
  records: Records;
  key: GridKey;
  codes: Uint32Array;
  sorter: MortonSorter;
  maxSortRun: number;
}

export interface LodParams {
  cube: OctreeCube;
  spacingDivisor: number;
  maxLeafPoints: number;
  /** Nodes at this level are leaves whatever their size (guards against piles of duplicate points). */
  maxLevel: number;
  attributes: NodeAttribute[];
  colorMax: number;
}

/** A finished node, ready to be appended to nodes.bin. */
export interface EncodedNode {
  name: string;
  level: number;
  pointCount: number;
  childMask: number;
  /** The node's bytes: its own buffer, or a slice of the chunk's NodeBlock. */
  blob: Uint8Array;
}

/** A node whose own points may still be taken by its parent (a chunk root, or an upper node under construction). */
export interface PendingNode {
  name: string;
  level: number;
  childMask: number;
  records: Records;
}

export interface ChildPoints {
  octant: number;
  /** Record numbers, in the order they are offered to the parent. */
  points: Uint32Array;
  childMask: number;
}

/**
 * The LOD rule, applied identically inside a chunk (worker) and above the chunks (main thread):
 * a node with more than maxLeafPoints points is split into octants; once its children are built,
 * it takes from their points (in octant order, each child's points in its own order) a Poisson-disk
 * subset at its level's spacing, and the children keep the rest. So each point lands in exactly one
 * node, interior nodes hold a spatially even subset, and the result depends only on the points and
 * their order, not on how the work was split into chunks.
 */
export class LodBuilder {
  readonly nodes: EncodedNode[] = [];
  private readonly sampler: PoissonSampler;

  /**
   * A sampler may be passed in to reuse its grid (several MB) across chunks, an arena to reuse the
   * point lists' memory (indexChunk then frees all lists of the previous chunk), a block to encode
   * the nodes into.
   */
  constructor(
    readonly params: LodParams,
    sampler?: PoissonSampler,
    private readonly arena?: IndexArena,
    private readonly block?: NodeBlock,
  ) {
    this.sampler = sampler && sampler.divisor === params.spacingDivisor ? sampler : new PoissonSampler(params.spacingDivisor);
  }

  /**
   * Builds the subtree of chunk `name` from its records; finished nodes go to `nodes`, the chunk
   * root stays pending. The records are reordered in place so that every node's points are a
   * contiguous run in Morton order: runs of more than `maxSortRun` records are first split by
   * octant (a stable counting sort), runs of at most that many are Morton-sorted. Both keep ties in
   * arrival order, so the result is the same as one sort of the whole chunk. A sorter may be passed
   * in to reuse its buffers across chunks.
   */
  indexChunk(records: Records, name: string, sorter = new MortonSorter(), maxSortRun = SORT_RUN): PendingNode {
    this.arena?.reset();
    const level = name.length - 1;
    const run: Run = { records, key: new GridKey(this.params.cube), codes: sorter.codesFor(records.count), sorter, maxSortRun };
    const root = this.build(run, 0, records.count, name, level, false);
    return { name, level, childMask: root.childMask, records: compact(records, root.points) };
  }

  private build(
    run: Run,
    from: number,
    to: number,
    name: string,
    level: number,
    sorted: boolean,
  ): { points: Uint32Array; childMask: number } {
    const n = to - from;
    const leaf = n <= this.params.maxLeafPoints || level >= this.params.maxLevel;
    if (!sorted && (leaf || n <= run.maxSortRun || level >= SORTED_LEVELS)) {
      run.sorter.sortRun(run.records, from, to, run.key, run.codes);
      sorted = true;
    }
    if (leaf) {
      const points = this.list(n);
      for (let i = 0; i < n; i++) points[i] = from + i;
      return { points, childMask: 0 };
    }
    const starts =
      sorted && level < SORTED_LEVELS ? this.sortedSplit(run.codes, from, to, level) : this.splitBySorting(run, from, to, level);
    const children: ChildPoints[] = [];
    for (let o = 0; o < 8; o++) {
      if (starts[o] === starts[o + 1]) continue;
      const child = this.build(run, starts[o]!, starts[o + 1]!, name + o, level + 1, sorted);
      children.push({ octant: o, points: child.points, childMask: child.childMask });
    }
    return this.subsample(run.records, name, level, children);
  }

  /** Child runs of a node above SORTED_LEVELS: the records are already in octant order. */
  private sortedSplit(codes: Uint32Array, from: number, to: number, level: number): Int32Array {
    const starts = new Int32Array(9);
    starts[0] = from;
    starts[8] = to;
    for (let o = 1; o < 8; o++) starts[o] = octantStart(codes, starts[o - 1]!, to, level, o);
    return starts;
  }

  /**
   * A stable counting sort of the node's records by octant: for runs too large to sort in cache,
   * and below SORTED_LEVELS (very dense data), where the Morton codes no longer tell octants apart.
   */
  private splitBySorting(run: Run, from: number, to: number, level: number): Int32Array {
    const { records, key } = run;
    const n = to - from;
    const f32 = records.f32;
    const octants = new Uint8Array(n);
    const counts = new Int32Array(8);
    // GridKey.x/y/z and the octant bits, inlined: this loop runs once per point per level.
    const shift = KEY_BITS - 1 - level;
    const { minX, minY, minZ, scale } = key;
    for (let i = 0; i < n; i++) {
      const w = (from + i) * RECORD_WORDS;
      let kx = Math.floor((f32[w]! - minX) * scale);
      let ky = Math.floor((f32[w + 1]! - minY) * scale);
      let kz = Math.floor((f32[w + 2]! - minZ) * scale);
      kx = kx < 0 ? 0 : kx > KEY_MAX ? KEY_MAX : kx;
      ky = ky < 0 ? 0 : ky > KEY_MAX ? KEY_MAX : ky;
      kz = kz < 0 ? 0 : kz > KEY_MAX ? KEY_MAX : kz;
      const o = (((kx >>> shift) & 1) << 2) | (((ky >>> shift) & 1) << 1) | ((kz >>> shift) & 1);
      octants[i] = o;
      counts[o]!++;
    }
    const starts = new Int32Array(9);
    starts[0] = from;
    for (let o = 0; o < 8; o++) starts[o + 1] = starts[o]! + counts[o]!;
    const cursor = starts.map((s) => s - from).slice(0, 8);
    const scratch = run.sorter.scratch(n);
    const src = records.u32;
    const dst = scratch.u32;
    for (let i = 0; i < n; i++) {
      const s = (from + i) * RECORD_WORDS;
      const d = cursor[octants[i]!]!++ * RECORD_WORDS;
      dst[d] = src[s]!;
      dst[d + 1] = src[s + 1]!;
      dst[d + 2] = src[s + 2]!;
      dst[d + 3] = src[s + 3]!;
      dst[d + 4] = src[s + 4]!;
      dst[d + 5] = src[s + 5]!;
      dst[d + 6] = src[s + 6]!;
    }
    records.bytes.set(scratch.bytes, from * RECORD_BYTES);
    return starts;
  }

  /**
   * Takes node `name`'s points from its children's candidates; the children are final afterwards
   * and are encoded. A child left with no points is dropped when it is a leaf (nothing below it),
   * kept as an empty node otherwise so the hierarchy stays connected.
   */
  subsample(records: Records, name: string, level: number, children: ChildPoints[]): { points: Uint32Array; childMask: number } {
    let total = 0;
    for (const c of children) total += c.points.length;
    const candidates = this.list(total);
    let at = 0;
    for (const c of children) {
      candidates.set(c.points, at);
      at += c.points.length;
    }
    const { cube, spacingDivisor } = this.params;
    const flags = this.sampler.sample(records.f32, candidates, nodeCube(cube, name).min, spacingAt(cube, spacingDivisor, level));
    let acceptedCount = 0;
    for (let i = 0; i < total; i++) acceptedCount += flags[i]!;
    const accepted = this.list(acceptedCount);
    let a = 0;
    let i = 0;
    let childMask = 0;
    for (const c of children) {
      const kept = this.list(c.points.length);
      let k = 0;
      for (let j = 0; j < c.points.length; j++, i++) {
        const p = c.points[j]!;
        if (flags[i]) accepted[a++] = p;
        else kept[k++] = p;
      }
      if (k === 0 && c.childMask === 0) continue;
      childMask |= 1 << c.octant;
      this.emit(records, kept.subarray(0, k), name + c.octant, level + 1, c.childMask);
    }
    return { points: accepted, childMask };
  }

  private list(n: number): Uint32Array {
    return this.arena ? this.arena.alloc(n) : new Uint32Array(n);
  }

  emit(records: Records, pick: Uint32Array | null, name: string, level: number, childMask: number): void {
    const { attributes, colorMax } = this.params;
    const pointCount = pick ? pick.length : records.count;
    const blob = encodeNode(records, pick, attributes, colorMax, this.block ? (bytes) => this.block!.alloc(bytes) : undefined);
    this.nodes.push({ name, level, pointCount, childMask, blob });
  }
}

/** A standalone copy of the picked records (so a pending chunk root does not pin the whole chunk buffer). */
export function compact(records: Records, pick: Uint32Array): Records {
  const out = allocRecords(pick.length);
  for (let i = 0; i < pick.length; i++) copyRecord(records, pick[i]!, out, i);
  return out;
}
