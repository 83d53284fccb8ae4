import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../errors';
import {
  HIERARCHY_FILE,
  nodeLayout,
  NODES_FILE,
  OCTREE_FORMAT,
  OCTREE_VERSION,
  type NodeAttribute,
  type OctreeHierarchy,
  type OctreeNodeEntry,
} from './format';

/** A node's points as typed arrays; optional attributes are absent when the scan has none. */
export interface OctreeNodeData {
  name: string;
  pointCount: number;
  /** xyz float32, offsets from the scan origin. */
  position: Float32Array;
  /** rgb uint8 (16-bit sources normalised). */
  color?: Uint8Array;
  intensity?: Uint16Array;
  classification?: Uint16Array;
  /** Original point index in the source file (what per-point labels are keyed by). */
  index: Uint32Array;
}

/** Where a node's bytes are, for a blob route answering HTTP Range requests without parsing them. */
export interface NodeByteRange {
  file: string;
  offset: number;
  length: number;
}

/**
 * Read access to a built octree: the hierarchy, and nodes by name. Nodes are read with one
 * positioned read each, so the viewer and the click engine can page nodes in and out freely.
 */
export class OctreeStore {
  private constructor(
    readonly dir: string,
    readonly hierarchy: OctreeHierarchy,
    private readonly byName: Map<string, OctreeNodeEntry>,
    private readonly file: FileHandle,
  ) {}

  static async open(dir: string): Promise<OctreeStore> {
    const hierarchyPath = join(dir, HIERARCHY_FILE);
    let hierarchy: OctreeHierarchy;
    try {
      hierarchy = JSON.parse(await readFile(hierarchyPath, 'utf8')) as OctreeHierarchy;
    } catch (e) {
      throw new BadInputError(hierarchyPath, `cannot read octree hierarchy: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (hierarchy.format !== OCTREE_FORMAT || hierarchy.version !== OCTREE_VERSION || !Array.isArray(hierarchy.nodes)) {
      throw new BadInputError(hierarchyPath, `not a ${OCTREE_FORMAT} v${OCTREE_VERSION} hierarchy`);
    }
    const nodesPath = join(dir, NODES_FILE);
    const size = (await stat(nodesPath)).size;
    const byName = new Map<string, OctreeNodeEntry>();
    for (const node of hierarchy.nodes) {
      const expected = nodeLayout(hierarchy.attributes, node.pointCount).byteSize;
      if (node.byteSize !== expected || node.byteOffset + node.byteSize > size || node.byteOffset % 8 !== 0) {
        throw new BadInputError(
          nodesPath,
          `node ${node.name}: byte range ${node.byteOffset}+${node.byteSize} does not match ${node.pointCount} points`,
        );
      }
      byName.set(node.name, node);
    }
    return new OctreeStore(dir, hierarchy, byName, await open(nodesPath, 'r'));
  }

  get nodes(): readonly OctreeNodeEntry[] {
    return this.hierarchy.nodes;
  }

  node(name: string): OctreeNodeEntry | undefined {
    return this.byName.get(name);
  }

  byteRange(name: string): NodeByteRange {
    const node = this.entry(name);
    return { file: join(this.dir, NODES_FILE), offset: node.byteOffset, length: node.byteSize };
  }

  /** The raw blob of a node (what a blob route sends); decode with decodeNode. */
  async readNodeBytes(name: string): Promise<ArrayBuffer> {
    const node = this.entry(name);
    const buffer = new ArrayBuffer(node.byteSize);
    const view = new Uint8Array(buffer);
    let at = 0;
    while (at < node.byteSize) {
      const { bytesRead } = await this.file.read(view, at, node.byteSize - at, node.byteOffset + at);
      if (bytesRead === 0) throw new BadInputError(join(this.dir, NODES_FILE), `node ${name} is truncated`);
      at += bytesRead;
    }
    return buffer;
  }

  async readNode(name: string): Promise<OctreeNodeData> {
    const node = this.entry(name);
    return decodeNode(this.hierarchy.attributes, name, node.pointCount, await this.readNodeBytes(name));
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  private entry(name: string): OctreeNodeEntry {
    const node = this.byName.get(name);
    if (!node) throw new Error(`octree ${this.dir} has no node ${name}`);
    return node;
  }
}

/** Views over a node blob (no copy: blocks are 4-byte aligned within an 8-aligned blob). */
export function decodeNode(attributes: readonly NodeAttribute[], name: string, pointCount: number, blob: ArrayBuffer): OctreeNodeData {
  const data: Partial<OctreeNodeData> = { name, pointCount };
  for (const { attribute, byteOffset } of nodeLayout(attributes, pointCount).blocks) {
    const n = pointCount * attribute.components;
    switch (attribute.name) {
      case 'position':
        data.position = new Float32Array(blob, byteOffset, n);
        break;
      case 'color':
        data.color = new Uint8Array(blob, byteOffset, n);
        break;
      case 'intensity':
        data.intensity = new Uint16Array(blob, byteOffset, n);
        break;
      case 'classification':
        data.classification = new Uint16Array(blob, byteOffset, n);
        break;
      case 'index':
        data.index = new Uint32Array(blob, byteOffset, n);
        break;
    }
  }
  if (!data.position || !data.index) throw new Error(`octree node ${name}: position or index block missing`);
  return data as OctreeNodeData;
}
