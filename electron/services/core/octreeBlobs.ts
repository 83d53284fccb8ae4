import { closeSync, existsSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import type { OctreeView } from '../../../common/contracts/scans';
import {
  HIERARCHY_FILE,
  nodeLayout,
  type CompactHierarchy,
  NODES_FILE,
  OCTREE_FORMAT,
  OCTREE_VERSION,
  type OctreeHierarchy,
  type OctreeNodeEntry,
} from '../octree/format';
import { OCTREE_DIR, SCAN_RECORD_FILE, SCANS_DIR } from '../octree/importScan';
import type { LayerLabels } from '../labels/labelStore';
import { unlabeledCode } from '../labels/flags';

/** Default point budget the viewer is told to use (issue 7: 2 M). */
export const DEFAULT_POINT_BUDGET = 2_000_000;

/** What the blob routes need from the open project. */
export interface OctreeLabelSource {
  dir: string;
  hasLayer(scanId: string, layer: string): boolean;
  readLabels(scanId: string, layer: string): LayerLabels;
}

interface OpenOctree {
  scanId: string;
  hierarchy: OctreeHierarchy;
  byName: Map<string, OctreeNodeEntry>;
  fd: number;
  /** The hierarchy as the viewer reads it (compact JSON, encoded once). */
  hierarchyBytes: Uint8Array;
  /** Byte offset of the index block inside a node blob, per point count (a function of the attributes). */
  indexBlock: (pointCount: number) => number;
  /** Original indices per node, read once (the label routes gather through them). */
  indices: Map<string, Uint32Array>;
}

/** A whole label layer decoded for the viewer: uint16 classes (0xffff unlabeled) and uint8 confidence. */
interface ViewerLayer {
  classes: Uint16Array;
  confidence: Uint8Array;
}

const NODE_ROUTE = /^scans\/([^/]+)\/octree\/(hierarchy|nodes\/(r[0-7]*)(?:\/(labels|predicted|confidence))?)$/;

/**
 * The blob routes of project scans' LOD octrees:
 * - `scans/<id>/octree/hierarchy`: compact JSON (cube, spacing, attributes, nodes with point counts and sizes);
 * - `scans/<id>/octree/nodes/<name>`: the node's bytes exactly as stored in nodes.bin (one positioned read);
 * - `scans/<id>/octree/nodes/<name>/labels|predicted|confidence`: the project's label layers at the
 *   node's points, gathered through the node's original point indices (uint16 classes with 0xffff for
 *   unlabeled, uint8 confidence), from a per-layer cache dropped on `labels.changed`.
 */
export class OctreeBlobs {
  private readonly open = new Map<string, OpenOctree | null>();
  private readonly layers = new Map<string, ViewerLayer>();

  constructor(private readonly project: () => OctreeLabelSource | null) {}

  /** The octree part of `scans.view`, or undefined when the scan has no octree in the open project. */
  view(scanId: string): OctreeView | undefined {
    const o = this.octree(scanId);
    if (!o) return undefined;
    const base = `blob/scans/${encodeURIComponent(scanId)}/octree`;
    const levels = o.hierarchy.nodes.reduce((m, n) => Math.max(m, n.level), 0) + 1;
    return {
      hierarchyBlob: `${base}/hierarchy`,
      nodePrefix: `${base}/nodes/`,
      nodeCount: o.hierarchy.nodes.length,
      pointCount: o.hierarchy.pointCount,
      levels,
      rootSpacing: o.hierarchy.spacing[0] ?? o.hierarchy.cube.size / o.hierarchy.spacingDivisor,
      budgetHint: DEFAULT_POINT_BUDGET,
    };
  }

  /** Bytes behind an octree blob path (without the `blob/` prefix), or null when it is not one of ours. */
  read(blobPath: string): Uint8Array | null {
    const m = NODE_ROUTE.exec(blobPath);
    if (!m) return null;
    const o = this.octree(decodeURIComponent(m[1]!));
    if (!o) return null;
    if (m[2] === 'hierarchy') return o.hierarchyBytes;
    const node = o.byName.get(m[3]!);
    if (!node) return null;
    const kind = m[4];
    if (!kind) return readRange(o.fd, node.byteOffset, node.byteSize);
    const layer = this.layer(o.scanId, kind === 'labels' ? 'user' : 'predicted');
    const ids = this.nodeIndices(o, node);
    if (kind === 'confidence') {
      const out = new Uint8Array(ids.length);
      if (layer) for (let i = 0; i < ids.length; i++) out[i] = layer.confidence[ids[i]!] ?? 0;
      return out;
    }
    const out = new Uint16Array(ids.length).fill(0xffff);
    if (layer) for (let i = 0; i < ids.length; i++) out[i] = layer.classes[ids[i]!] ?? 0xffff;
    return new Uint8Array(out.buffer);
  }

  /** Drops cached label layers of a scan ('*' or undefined: every layer, every scan when scanId is undefined). */
  invalidate(scanId?: string, layer?: string) {
    for (const key of [...this.layers.keys()]) {
      const [s, l] = key.split('\u0000');
      if (scanId !== undefined && s !== scanId) continue;
      if (layer && layer !== '*' && l !== (layer === 'predicted' ? 'predicted' : 'user')) continue;
      this.layers.delete(key);
    }
  }

  /** Closes the files (project closed or switched). */
  close() {
    for (const o of this.open.values()) if (o) closeSync(o.fd);
    this.open.clear();
    this.layers.clear();
  }

  private octree(scanId: string): OpenOctree | null {
    const project = this.project();
    if (!project) return null;
    const key = `${project.dir}\u0000${scanId}`;
    const known = this.open.get(key);
    if (known !== undefined) return known;
    const o = openOctree(join(project.dir, SCANS_DIR, scanId), scanId);
    if (o) this.open.set(key, o); // a scan without an octree may get one later (an import finishing): not cached
    return o;
  }

  private layer(scanId: string, name: 'user' | 'predicted'): ViewerLayer | null {
    const key = `${scanId}\u0000${name}`;
    const cached = this.layers.get(key);
    if (cached) return cached;
    const project = this.project();
    if (!project || !project.hasLayer(scanId, name)) return null;
    const l = project.readLabels(scanId, name);
    const none = unlabeledCode(l.classes instanceof Uint8Array ? 1 : 2);
    const classes = new Uint16Array(l.classes.length);
    for (let i = 0; i < classes.length; i++) {
      const v = l.classes[i]!;
      classes[i] = v === none ? 0xffff : v;
    }
    const layer = { classes, confidence: l.confidence ?? new Uint8Array(classes.length) };
    this.layers.set(key, layer);
    return layer;
  }

  private nodeIndices(o: OpenOctree, node: OctreeNodeEntry): Uint32Array {
    let ids = o.indices.get(node.name);
    if (!ids) {
      const bytes = readRange(o.fd, node.byteOffset + o.indexBlock(node.pointCount), node.pointCount * 4);
      ids = new Uint32Array(bytes.buffer, bytes.byteOffset, node.pointCount);
      o.indices.set(node.name, ids);
    }
    return ids;
  }
}

function openOctree(scanDir: string, scanId: string): OpenOctree | null {
  const dir = join(scanDir, OCTREE_DIR);
  if (!existsSync(join(scanDir, SCAN_RECORD_FILE)) || !existsSync(join(dir, HIERARCHY_FILE))) return null;
  let hierarchy: OctreeHierarchy;
  try {
    hierarchy = JSON.parse(readFileSync(join(dir, HIERARCHY_FILE), 'utf8')) as OctreeHierarchy;
  } catch {
    return null;
  }
  if (hierarchy.format !== OCTREE_FORMAT || hierarchy.version !== OCTREE_VERSION) return null;
  const fd = openSync(join(dir, NODES_FILE), 'r');
  const size = fstatSync(fd).size;
  const byName = new Map<string, OctreeNodeEntry>();
  for (const n of hierarchy.nodes) {
    if (n.byteOffset + n.byteSize > size) {
      closeSync(fd);
      return null;
    }
    byName.set(n.name, n);
  }
  const attributes = hierarchy.attributes;
  const indexAt = attributes.findIndex((a) => a.name === 'index');
  const indexBlock = (pointCount: number) => nodeLayout(attributes, pointCount).blocks[indexAt]!.byteOffset;
  const compact: CompactHierarchy = {
    pointCount: hierarchy.pointCount,
    origin: hierarchy.origin,
    cube: hierarchy.cube,
    bounds: hierarchy.bounds,
    spacing: hierarchy.spacing,
    spacingDivisor: hierarchy.spacingDivisor,
    attributes,
    // [name, pointCount, byteSize, childMask]: levels and cubes follow from the names.
    nodes: hierarchy.nodes.map((n): [string, number, number, number] => [n.name, n.pointCount, n.byteSize, n.childMask]),
  };
  return {
    scanId,
    hierarchy,
    byName,
    fd,
    hierarchyBytes: new TextEncoder().encode(JSON.stringify(compact)),
    indexBlock,
    indices: new Map(),
  };
}

function readRange(fd: number, offset: number, length: number): Uint8Array {
  const out = Buffer.allocUnsafeSlow(length); // never pooled: offset 0, so typed-array views are aligned
  let at = 0;
  while (at < length) {
    const n = readSync(fd, out, at, length - at, offset + at);
    if (n === 0) break;
    at += n;
  }
  return new Uint8Array(out.buffer, out.byteOffset, at);
}
