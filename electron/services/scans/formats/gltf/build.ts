import { basename } from 'node:path';
import { BadInputError } from '../../../errors';
import { decodeImage } from '../../images';
import type { ScanAttribute, ScanMesh, ScanTexture } from '../../model';
import { attributeInfo, toOriginOffsets } from '../obj/inMemoryScan';
import type { InMemoryScan } from '../obj/inMemoryScan';
import { AccessorReader } from './accessors';
import type { AccessorData } from './accessors';
import { BufferStore, loadUri } from './buffers';
import type { ResourceLoader } from '../obj/resources';
import { decodeDraco } from './draco';
import type { MeshInstance } from './scene';
import { meshInstances, normalMatrix } from './scene';
import type { Accessor, GltfDocument, Primitive } from './schema';
import { item } from './schema';

/** Extensions that change how geometry is stored and that this reader decodes. */
const GEOMETRY_EXTENSIONS = new Set([
  'KHR_mesh_quantization',
  'EXT_meshopt_compression',
  'KHR_meshopt_compression',
  'KHR_draco_mesh_compression',
]);
/** Extensions that only affect appearance; the geometry reads correctly without them. */
const APPEARANCE_ONLY = /^(KHR_materials_|KHR_texture_|EXT_texture_|KHR_lights_|EXT_lights_|KHR_xmp|KHR_animation_pointer)/;

const MODE = { points: 0, lines: 1, lineLoop: 2, lineStrip: 3, triangles: 4, strip: 5, fan: 6 } as const;

/** Triangle corners of a primitive's index list, converting strips and fans (glTF spec 3.7.2.1). */
export function triangulate(mode: number, order: Uint32Array): Uint32Array {
  const n = order.length;
  if (mode === MODE.triangles) return order.subarray(0, n - (n % 3));
  const count = Math.max(0, n - 2);
  const out = new Uint32Array(count * 3);
  for (let i = 0; i < count; i++) {
    if (mode === MODE.strip) {
      // Odd strip triangles swap their first two corners to keep the winding.
      out.set(i % 2 === 0 ? [order[i]!, order[i + 1]!, order[i + 2]!] : [order[i + 1]!, order[i]!, order[i + 2]!], i * 3);
    } else out.set([order[0]!, order[i + 1]!, order[i + 2]!], i * 3);
  }
  return out;
}

interface PrimitivePart {
  vertexCount: number;
  world: Float64Array;
  color: Uint8Array | null;
  normal: Float32Array | null;
  uv: Float64Array | null;
  /** Triangle corners into this part's vertices; empty for points. */
  triangles: Uint32Array;
  material: number;
  texture: number;
}

class GltfBuilder {
  readonly warnings: string[] = [];
  private readonly textures: ScanTexture[] = [];
  private readonly textureOfImage = new Map<number, number>();
  private skippedLines = 0;

  constructor(
    private readonly doc: GltfDocument,
    private readonly accessors: AccessorReader,
    private readonly buffers: BufferStore,
    private readonly baseDir: string,
    private readonly load: ResourceLoader,
    private readonly file: string,
  ) {}

  checkExtensions(): void {
    for (const ext of this.doc.extensionsRequired) {
      if (GEOMETRY_EXTENSIONS.has(ext)) continue;
      if (APPEARANCE_ONLY.test(ext)) this.warnings.push(`required extension ${ext} is not applied (appearance only)`);
      else throw new BadInputError(this.file, `requires glTF extension ${ext}, which this reader does not support`);
    }
    if (this.doc.extensionsUsed.includes('EXT_mesh_gpu_instancing'))
      this.warnings.push('EXT_mesh_gpu_instancing ignored: each mesh is placed once');
  }

  /** Index into `textures` of a material's base colour image, decoding it once; -1 without one. */
  private async baseColorTexture(materialIndex: number | undefined): Promise<{ texture: number; texCoord: number }> {
    if (materialIndex === undefined) return { texture: -1, texCoord: 0 };
    const material = item(this.doc.materials, materialIndex, 'material', this.file);
    const info = material.pbrMetallicRoughness?.baseColorTexture;
    if (!info) return { texture: -1, texCoord: 0 };
    const source = item(this.doc.textures, info.index, 'texture', this.file).source;
    if (source === undefined) {
      this.warnings.push(`texture ${info.index} has no PNG/JPEG source (only an extension image); shown untextured`);
      return { texture: -1, texCoord: info.texCoord };
    }
    let texture = this.textureOfImage.get(source);
    if (texture === undefined) {
      texture = await this.decodeImage(source);
      this.textureOfImage.set(source, texture);
    }
    return { texture, texCoord: info.texCoord };
  }

  private async decodeImage(index: number): Promise<number> {
    const image = item(this.doc.images, index, 'image', this.file);
    const name = image.name ?? (image.uri && !image.uri.startsWith('data:') ? basename(image.uri) : `image ${index}`);
    try {
      let bytes: Uint8Array | null = null;
      if (image.bufferView !== undefined) bytes = this.buffers.view(image.bufferView);
      else if (image.uri !== undefined) bytes = await loadUri(image.uri, this.baseDir, this.load, this.file, `image ${index}`);
      if (!bytes) {
        this.warnings.push(`image ${index} (${name}) not found; shown untextured`);
        return -1;
      }
      this.textures.push(decodeImage(bytes, name, `${this.file} image ${index}`));
      return this.textures.length - 1;
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      this.warnings.push(`image ${index} ignored: ${err.message}`);
      return -1;
    }
  }

  private async primitiveData(
    primitive: Primitive,
    what: string,
  ): Promise<{ vertexCount: number; get: (semantic: string) => AccessorData | null; order: Uint32Array | null }> {
    const draco = primitive.extensions?.KHR_draco_mesh_compression;
    if (draco) {
      const accessors: Record<string, Accessor> = {};
      for (const [semantic, index] of Object.entries(primitive.attributes)) accessors[semantic] = this.accessors.accessor(index);
      const decoded = await decodeDraco(this.buffers.view(draco.bufferView), draco.attributes, accessors, this.file, what);
      return { vertexCount: decoded.vertexCount, get: (s) => decoded.attributes.get(s) ?? null, order: decoded.indices };
    }
    const position = primitive.attributes.POSITION!;
    const vertexCount = this.accessors.accessor(position).count;
    const cache = new Map<string, AccessorData>();
    const get = (semantic: string) => {
      const index = primitive.attributes[semantic];
      if (index === undefined) return null;
      let data = cache.get(semantic);
      if (!data) {
        data = this.accessors.read(index);
        if (data.count !== vertexCount)
          throw new BadInputError(this.file, `${what}: ${semantic} has ${data.count} elements, POSITION has ${vertexCount}`);
        cache.set(semantic, data);
      }
      return data;
    };
    return { vertexCount, get, order: primitive.indices !== undefined ? this.accessors.readIndices(primitive.indices, vertexCount) : null };
  }

  async part(instance: MeshInstance, p: number): Promise<PrimitivePart | null> {
    const primitive = item(this.doc.meshes, instance.mesh, 'mesh', this.file).primitives[p]!;
    const what = `mesh ${instance.mesh} primitive ${p}`;
    if (primitive.mode >= MODE.lines && primitive.mode <= MODE.lineStrip) {
      this.skippedLines++;
      return null;
    }
    if (primitive.attributes.POSITION === undefined) {
      this.warnings.push(`${what} has no POSITION and was skipped`);
      return null;
    }
    const { vertexCount, get, order } = await this.primitiveData(primitive, what);
    const position = get('POSITION');
    if (!position || position.components !== 3) throw new BadInputError(this.file, `${what}: POSITION must be VEC3`);
    const m = instance.world;
    const world = new Float64Array(vertexCount * 3);
    const pv = position.values;
    for (let i = 0; i < vertexCount; i++) {
      const x = pv[i * 3]!,
        y = pv[i * 3 + 1]!,
        z = pv[i * 3 + 2]!;
      for (let k = 0; k < 3; k++) world[i * 3 + k] = m[k]! * x + m[4 + k]! * y + m[8 + k]! * z + m[12 + k]!;
    }
    for (const v of world) if (!Number.isFinite(v)) throw new BadInputError(this.file, `${what}: POSITION holds a non-finite value`);

    let color: Uint8Array | null = null;
    const colorData = get('COLOR_0');
    if (colorData) {
      if (colorData.components !== 3 && colorData.components !== 4)
        throw new BadInputError(this.file, `${what}: COLOR_0 must be VEC3 or VEC4`);
      color = new Uint8Array(vertexCount * 3);
      for (let i = 0; i < vertexCount; i++)
        for (let k = 0; k < 3; k++)
          color[i * 3 + k] = Math.max(0, Math.min(255, Math.round(colorData.values[i * colorData.components + k]! * 255)));
    }

    let normal: Float32Array | null = null;
    const normalData = get('NORMAL');
    if (normalData && normalData.components === 3) {
      const n = normalMatrix(m);
      normal = new Float32Array(vertexCount * 3);
      for (let i = 0; i < vertexCount; i++) {
        const x = normalData.values[i * 3]!,
          y = normalData.values[i * 3 + 1]!,
          z = normalData.values[i * 3 + 2]!;
        const tx = n[0]! * x + n[1]! * y + n[2]! * z,
          ty = n[3]! * x + n[4]! * y + n[5]! * z,
          tz = n[6]! * x + n[7]! * y + n[8]! * z;
        const len = Math.hypot(tx, ty, tz) || 1;
        normal.set([tx / len, ty / len, tz / len], i * 3);
      }
    }

    const isPoints = primitive.mode === MODE.points;
    const triangles = isPoints
      ? new Uint32Array(0)
      : triangulate(primitive.mode, order ?? Uint32Array.from({ length: vertexCount }, (_, i) => i));
    const { texture, texCoord } = isPoints ? { texture: -1, texCoord: 0 } : await this.baseColorTexture(primitive.material);
    const uvData = isPoints ? null : get(`TEXCOORD_${texCoord}`);
    if (uvData && uvData.components !== 2) throw new BadInputError(this.file, `${what}: TEXCOORD_${texCoord} must be VEC2`);
    return { vertexCount, world, color, normal, uv: uvData?.values ?? null, triangles, material: primitive.material ?? 0xffff, texture };
  }

  async build(): Promise<InMemoryScan & { extra: Record<string, string | number | boolean> }> {
    this.checkExtensions();
    const parts: PrimitivePart[] = [];
    for (const instance of meshInstances(this.doc, this.file)) {
      const mesh = item(this.doc.meshes, instance.mesh, 'mesh', this.file);
      for (let p = 0; p < mesh.primitives.length; p++) {
        const part = await this.part(instance, p);
        if (part) parts.push(part);
      }
    }
    const vertexCount = parts.reduce((n, p) => n + p.vertexCount, 0);
    const faceCount = parts.reduce((n, p) => n + p.triangles.length / 3, 0);
    const world = new Float64Array(vertexCount * 3);
    const anyColor = parts.some((p) => p.color);
    const anyNormal = parts.some((p) => p.normal);
    const anyUv = parts.some((p) => p.uv && p.triangles.length > 0);
    const color = anyColor ? new Uint8Array(vertexCount * 3) : null;
    const normal = anyNormal ? new Float32Array(vertexCount * 3) : null;
    const indices = new Uint32Array(faceCount * 3);
    const cornerUvs = anyUv ? new Float32Array(faceCount * 6) : null;
    const faceTexture = this.textures.length > 0 ? new Int16Array(faceCount) : null;
    const material = new Uint16Array(faceCount);
    let v = 0;
    let f = 0;
    for (const part of parts) {
      world.set(part.world, v * 3);
      if (color && part.color) color.set(part.color, v * 3);
      if (normal && part.normal) normal.set(part.normal, v * 3);
      const t = part.triangles;
      for (let c = 0; c < t.length; c++) {
        indices[f * 3 + c] = t[c]! + v;
        if (cornerUvs && part.uv) {
          cornerUvs[f * 6 + c * 2] = part.uv[t[c]! * 2]!;
          cornerUvs[f * 6 + c * 2 + 1] = part.uv[t[c]! * 2 + 1]!;
        }
      }
      const faces = t.length / 3;
      faceTexture?.fill(part.texture, f, f + faces);
      material.fill(part.material, f, f + faces);
      v += part.vertexCount;
      f += faces;
    }
    const { origin, positions, boundsMin, boundsMax } = toOriginOffsets(world);
    const attributes: ScanAttribute[] = [];
    if (color) attributes.push({ name: 'color', type: 'uint8', components: 3, values: color });
    if (normal) attributes.push({ name: 'normal', type: 'float32', components: 3, values: normal });
    const mesh: ScanMesh | null =
      faceCount > 0
        ? {
            indices,
            cornerUvs,
            faceTexture,
            textures: this.textures,
            faceAttributes: [{ name: 'material', type: 'uint16', components: 1, values: material }],
          }
        : null;
    const extra: Record<string, string | number | boolean> = {
      primitives: parts.length,
      pointPrimitives: parts.filter((p) => p.triangles.length === 0).length,
      textures: this.textures.length,
      extensions: this.doc.extensionsUsed.join(', '),
      generator: this.doc.asset.generator ?? '',
      upAxis: 'Y (glTF convention, kept as stored)',
    };
    if (this.skippedLines > 0) extra.skippedLinePrimitives = this.skippedLines;
    this.warnings.forEach((w, i) => (extra[`warning${i + 1}`] = w));
    extra.warnings = this.warnings.length;
    return {
      info: {
        format: 'gltf',
        version: this.doc.asset.version,
        pointCount: vertexCount,
        faceCount,
        boundsMin,
        boundsMax,
        origin,
        attributes: attributeInfo(attributes),
        crs: null,
        details: extra,
        source: { format: 'gltf', materials: this.doc.materials.map((m, i) => m.name ?? `material ${i}`) },
      },
      positions,
      attributes,
      mesh,
      extra,
    };
  }
}

export async function buildGltf(
  doc: GltfDocument,
  bin: Uint8Array | null,
  baseDir: string,
  load: ResourceLoader,
  file: string,
): Promise<InMemoryScan> {
  const buffers = await BufferStore.load(doc, bin, baseDir, load, file);
  const accessors = new AccessorReader(doc, buffers, file);
  return new GltfBuilder(doc, accessors, buffers, baseDir, load, file).build();
}
