/**
 * The on-disk LOD octree format (docs/octree-format.md): `hierarchy.json` describes the cube, the
 * spacing per level, the attributes and every node with its byte range in `nodes.bin`.
 *
 * Pure code with no Node imports, shared by the core (builder, store) and the renderer (node decoder).
 */

export const OCTREE_FORMAT = 'scanlabel-octree';
export const OCTREE_VERSION = 1;
export const HIERARCHY_FILE = 'hierarchy.json';
export const NODES_FILE = 'nodes.bin';

/** Attribute blocks in a node blob, always in this order; optional ones are present only if the scan has them. */
export type NodeAttributeName = 'position' | 'color' | 'intensity' | 'classification' | 'index';
export type NodeAttributeType = 'float32' | 'uint8' | 'uint16' | 'uint32';

export interface NodeAttribute {
  name: NodeAttributeName;
  type: NodeAttributeType;
  components: number;
  /** The source attribute's type before conversion (color: uint16 normalised to uint8), when it differs. */
  sourceType?: string;
}

export interface OctreeCube {
  /** Min corner, float64, relative to the scan origin (same frame as the float32 positions). */
  min: [number, number, number];
  /** Edge length of the cube. */
  size: number;
}

export interface OctreeNodeEntry {
  /** Potree-style path: 'r' then one octant digit (0..7, x<<2|y<<1|z) per level. */
  name: string;
  level: number;
  pointCount: number;
  /** Byte range of the node blob in nodes.bin (offset is 8-aligned, so typed-array views need no copy). */
  byteOffset: number;
  byteSize: number;
  /** Bit o set when child `name + o` exists. 0 for leaves. */
  childMask: number;
}

export interface OctreeHierarchy {
  format: typeof OCTREE_FORMAT;
  version: number;
  pointCount: number;
  /** Scan origin in file coordinates (float64); positions in nodes are float32 offsets from it. */
  origin: [number, number, number];
  cube: OctreeCube;
  /** Tight bounds of all positions (offsets from origin). */
  bounds: { min: [number, number, number]; max: [number, number, number] };
  /** Minimum distance between two points of an interior node, per level (spacing[l] = cube.size / spacingDivisor / 2^l). */
  spacing: number[];
  spacingDivisor: number;
  maxLeafPoints: number;
  attributes: NodeAttribute[];
  /** Sorted by level, then name. */
  nodes: OctreeNodeEntry[];
}

/** The hierarchy as the viewer fetches it (blob `scans/<id>/octree/hierarchy`): nodes as [name, pointCount, byteSize, childMask]. */
export interface CompactHierarchy {
  pointCount: number;
  origin: [number, number, number];
  cube: OctreeCube;
  bounds: { min: [number, number, number]; max: [number, number, number] };
  spacing: number[];
  spacingDivisor: number;
  attributes: NodeAttribute[];
  nodes: [string, number, number, number][];
}

const BYTES: Record<NodeAttributeType, number> = { float32: 4, uint8: 1, uint16: 2, uint32: 4 };

export interface BlockLayout {
  attribute: NodeAttribute;
  byteOffset: number;
  byteLength: number;
}

/** Every block starts on a 4-byte boundary so the reader can view it without copying. */
export function nodeLayout(attributes: readonly NodeAttribute[], pointCount: number): { blocks: BlockLayout[]; byteSize: number } {
  const blocks: BlockLayout[] = [];
  let offset = 0;
  for (const attribute of attributes) {
    const byteLength = pointCount * attribute.components * BYTES[attribute.type];
    blocks.push({ attribute, byteOffset: offset, byteLength });
    offset = align(offset + byteLength, 4);
  }
  return { blocks, byteSize: offset };
}

export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** The cube of a node, from its name (integer arithmetic on the path, then one scale, so it is exact per level). */
export function nodeCube(cube: OctreeCube, name: string): OctreeCube {
  const level = name.length - 1;
  let x = 0;
  let y = 0;
  let z = 0;
  for (let i = 1; i < name.length; i++) {
    const o = name.charCodeAt(i) - 48;
    x = x * 2 + ((o >> 2) & 1);
    y = y * 2 + ((o >> 1) & 1);
    z = z * 2 + (o & 1);
  }
  const size = cube.size / 2 ** level;
  return { min: [cube.min[0] + x * size, cube.min[1] + y * size, cube.min[2] + z * size], size };
}

export function spacingAt(cube: OctreeCube, spacingDivisor: number, level: number): number {
  return cube.size / spacingDivisor / 2 ** level;
}

/** Breadth-first order: level, then name. */
export function compareNodeNames(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
