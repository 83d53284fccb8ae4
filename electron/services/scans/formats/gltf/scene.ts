import { BadInputError } from '../../../errors';
import type { GltfDocument, Node } from './schema';
import { item } from './schema';

/** 4x4 column-major matrices in float64, as glTF stores them. */
export type Mat4 = Float64Array;

export function identity(): Mat4 {
  return Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
}

export function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Float64Array(16);
  for (let c = 0; c < 4; c++)
    for (let r = 0; r < 4; r++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[k * 4 + r]! * b[c * 4 + k]!;
      out[c * 4 + r] = sum;
    }
  return out;
}

/** T * R * S from a node's translation, rotation (unit quaternion x, y, z, w) and scale. */
export function fromTrs(t: number[] = [0, 0, 0], q: number[] = [0, 0, 0, 1], s: number[] = [1, 1, 1]): Mat4 {
  const [x, y, z, w] = q as [number, number, number, number];
  const [sx, sy, sz] = s as [number, number, number];
  return Float64Array.of(
    (1 - 2 * (y * y + z * z)) * sx,
    2 * (x * y + z * w) * sx,
    2 * (x * z - y * w) * sx,
    0,
    2 * (x * y - z * w) * sy,
    (1 - 2 * (x * x + z * z)) * sy,
    2 * (y * z + x * w) * sy,
    0,
    2 * (x * z + y * w) * sz,
    2 * (y * z - x * w) * sz,
    (1 - 2 * (x * x + y * y)) * sz,
    0,
    t[0]!,
    t[1]!,
    t[2]!,
    1,
  );
}

export function localMatrix(node: Node): Mat4 {
  return node.matrix ? Float64Array.from(node.matrix) : fromTrs(node.translation, node.rotation, node.scale);
}

/** Inverse-transpose of the upper 3x3 (row-major 3x3), for transforming normals. */
export function normalMatrix(m: Mat4): number[] {
  const [a, b, c, d, e, f, g, h, i] = [m[0]!, m[4]!, m[8]!, m[1]!, m[5]!, m[9]!, m[2]!, m[6]!, m[10]!];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const k = det === 0 ? 0 : 1 / det;
  // (M^-1)^T = cofactor matrix / det
  return [
    (e * i - f * h) * k,
    -(d * i - f * g) * k,
    (d * h - e * g) * k,
    -(b * i - c * h) * k,
    (a * i - c * g) * k,
    -(a * h - b * g) * k,
    (b * f - c * e) * k,
    -(a * f - c * d) * k,
    (a * e - b * d) * k,
  ];
}

export interface MeshInstance {
  node: number;
  mesh: number;
  world: Mat4;
}

/**
 * Every mesh placed by the default scene (or the first scene, or all root nodes when the file has
 * no scenes), with its world matrix. Rejects cycles: glTF node graphs must be trees.
 */
export function meshInstances(doc: GltfDocument, file: string): MeshInstance[] {
  let roots: number[];
  if (doc.scenes.length > 0) roots = item(doc.scenes, doc.scene ?? 0, 'scene', file).nodes;
  else {
    const children = new Set(doc.nodes.flatMap((n) => n.children ?? []));
    roots = doc.nodes.map((_, i) => i).filter((i) => !children.has(i));
    if (doc.nodes.length === 0) return doc.meshes.map((_, mesh) => ({ node: -1, mesh, world: identity() }));
  }
  const out: MeshInstance[] = [];
  const onPath = new Set<number>();
  let visits = 0;
  const visit = (index: number, parent: Mat4, depth: number) => {
    if (depth > 1000) throw new BadInputError(file, 'glTF JSON: the node hierarchy is more than 1000 levels deep');
    if (onPath.has(index)) throw new BadInputError(file, `glTF JSON: node ${index} is its own ancestor (the node graph must be a tree)`);
    // A DAG that reuses subtrees can blow up exponentially; no real scene needs this many placements.
    if (++visits > 1_000_000) throw new BadInputError(file, 'glTF JSON: the scene graph expands to more than a million nodes');
    const node = item(doc.nodes, index, 'node', file);
    const world = multiply(parent, localMatrix(node));
    if (!world.every(Number.isFinite)) throw new BadInputError(file, `glTF JSON: node ${index} has a non-finite transform`);
    if (node.mesh !== undefined) {
      item(doc.meshes, node.mesh, 'mesh', file);
      out.push({ node: index, mesh: node.mesh, world });
    }
    onPath.add(index);
    for (const child of node.children ?? []) visit(child, world, depth + 1);
    onPath.delete(index);
  };
  for (const root of roots) visit(root, identity(), 0);
  return out;
}
