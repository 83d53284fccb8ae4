import { nodeCube, type CompactHierarchy } from '../../../../common/geometry/octreeLayout';

/** One octree node as the viewer's traversal sees it (no GPU state). */
export interface LodNode {
  name: string;
  level: number;
  pointCount: number;
  byteSize: number;
  /** Cube min corner and edge, scan frame. */
  min: [number, number, number];
  size: number;
  children: LodNode[];
  parent: LodNode | null;
}

/** Builds the node tree from the compact hierarchy blob; nodes whose parent is missing are dropped (the tree is connected by construction). */
export function buildLodTree(h: CompactHierarchy): { root: LodNode; byName: Map<string, LodNode> } {
  const byName = new Map<string, LodNode>();
  const sorted = [...h.nodes].sort((a, b) => a[0].length - b[0].length);
  for (const [name, pointCount, byteSize] of sorted) {
    const cube = nodeCube(h.cube, name);
    const parent = name.length > 1 ? (byName.get(name.slice(0, -1)) ?? null) : null;
    if (name.length > 1 && !parent) continue;
    const node: LodNode = { name, level: name.length - 1, pointCount, byteSize, min: cube.min, size: cube.size, children: [], parent };
    parent?.children.push(node);
    byName.set(name, node);
  }
  const root = byName.get('r');
  if (!root) throw new Error('octree hierarchy has no root node');
  return { root, byName };
}
