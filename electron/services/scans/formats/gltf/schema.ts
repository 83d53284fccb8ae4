import { z } from 'zod';
import { BadInputError } from '../../../errors';

/**
 * The subset of the glTF 2.0 JSON schema this reader uses, validated with zod so a malformed
 * document fails with the JSON path of the bad value instead of deep inside the decoder.
 */

const index = z.number().int().min(0);
const vec = (n: number) => z.array(z.number()).length(n);

export const COMPONENT_TYPES = { 5120: 'int8', 5121: 'uint8', 5122: 'int16', 5123: 'uint16', 5125: 'uint32', 5126: 'float32' } as const;
export type ComponentType = keyof typeof COMPONENT_TYPES;
export const TYPE_COMPONENTS = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 } as const;

const componentType = z.union([z.literal(5120), z.literal(5121), z.literal(5122), z.literal(5123), z.literal(5125), z.literal(5126)]);

const Accessor = z.object({
  bufferView: index.optional(),
  byteOffset: index.default(0),
  componentType,
  normalized: z.boolean().default(false),
  count: z.number().int().min(1),
  type: z.enum(['SCALAR', 'VEC2', 'VEC3', 'VEC4', 'MAT2', 'MAT3', 'MAT4']),
  min: z.array(z.number()).optional(),
  max: z.array(z.number()).optional(),
  sparse: z
    .object({
      count: z.number().int().min(1),
      indices: z.object({
        bufferView: index,
        byteOffset: index.default(0),
        componentType: z.union([z.literal(5121), z.literal(5123), z.literal(5125)]),
      }),
      values: z.object({ bufferView: index, byteOffset: index.default(0) }),
    })
    .optional(),
});
export type Accessor = z.infer<typeof Accessor>;

const MeshoptView = z.object({
  buffer: index,
  byteOffset: index.default(0),
  byteLength: index,
  byteStride: z.number().int().min(1).max(256),
  count: index,
  mode: z.enum(['ATTRIBUTES', 'TRIANGLES', 'INDICES']),
  filter: z.enum(['NONE', 'OCTAHEDRAL', 'QUATERNION', 'EXPONENTIAL', 'COLOR']).default('NONE'),
});
export type MeshoptView = z.infer<typeof MeshoptView>;

const BufferView = z.object({
  buffer: index,
  byteOffset: index.default(0),
  byteLength: z.number().int().min(1),
  byteStride: z.number().int().min(4).max(252).optional(),
  extensions: z.object({ EXT_meshopt_compression: MeshoptView.optional(), KHR_meshopt_compression: MeshoptView.optional() }).optional(),
});
export type BufferView = z.infer<typeof BufferView>;

const Buffer = z.object({ uri: z.string().optional(), byteLength: z.number().int().min(1) });

const Draco = z.object({ bufferView: index, attributes: z.record(z.string(), index) });

const Primitive = z.object({
  attributes: z.record(z.string(), index),
  indices: index.optional(),
  mode: z.number().int().min(0).max(6).default(4),
  material: index.optional(),
  extensions: z.object({ KHR_draco_mesh_compression: Draco.optional() }).optional(),
});
export type Primitive = z.infer<typeof Primitive>;

const Node = z.object({
  name: z.string().optional(),
  children: z.array(index).optional(),
  mesh: index.optional(),
  matrix: vec(16).optional(),
  translation: vec(3).optional(),
  rotation: vec(4).optional(),
  scale: vec(3).optional(),
});
export type Node = z.infer<typeof Node>;

const TextureInfo = z.object({ index, texCoord: index.default(0) });

const Material = z.object({
  name: z.string().optional(),
  pbrMetallicRoughness: z.object({ baseColorTexture: TextureInfo.optional(), baseColorFactor: vec(4).optional() }).optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
});

export const GltfDocument = z.object({
  asset: z.object({ version: z.string(), generator: z.string().optional() }),
  extensionsUsed: z.array(z.string()).default([]),
  extensionsRequired: z.array(z.string()).default([]),
  scene: index.optional(),
  scenes: z.array(z.object({ nodes: z.array(index).default([]) })).default([]),
  nodes: z.array(Node).default([]),
  meshes: z.array(z.object({ name: z.string().optional(), primitives: z.array(Primitive).min(1) })).default([]),
  accessors: z.array(Accessor).default([]),
  bufferViews: z.array(BufferView).default([]),
  buffers: z.array(Buffer).default([]),
  materials: z.array(Material).default([]),
  textures: z.array(z.object({ source: index.optional(), extensions: z.record(z.string(), z.unknown()).optional() })).default([]),
  images: z
    .array(
      z.object({ uri: z.string().optional(), bufferView: index.optional(), mimeType: z.string().optional(), name: z.string().optional() }),
    )
    .default([]),
});
export type GltfDocument = z.infer<typeof GltfDocument>;

export function validateDocument(json: unknown, file: string, jsonOffset: number | null): GltfDocument {
  const result = GltfDocument.safeParse(json);
  if (result.success) {
    if (!result.data.asset.version.startsWith('2.'))
      throw new BadInputError(file, `glTF asset.version is "${result.data.asset.version}", expected 2.x`);
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const where = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  throw new BadInputError(file, `glTF JSON ${where || '(root)'}: ${issue.message}`, jsonOffset === null ? undefined : { byte: jsonOffset });
}

/** A checked lookup into one of the document's arrays. */
export function item<T>(list: T[], i: number, what: string, file: string): T {
  const value = list[i];
  if (value === undefined) throw new BadInputError(file, `glTF JSON: ${what} ${i} does not exist (${list.length} defined)`);
  return value;
}
