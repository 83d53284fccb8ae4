import { createDecoderModule } from 'draco3d';
import type { DecoderModule } from 'draco3d';
import { BadInputError } from '../../../errors';
import type { AccessorData } from './accessors';
import { normalize } from './accessors';
import type { Accessor, ComponentType } from './schema';
import { TYPE_COMPONENTS } from './schema';

/** KHR_draco_mesh_compression: decodes one compressed primitive with Google's draco3d WASM decoder. */

let decoderModule: Promise<DecoderModule> | null = null;
const getDecoder = () => (decoderModule ??= createDecoderModule({}));

export interface DracoGeometry {
  vertexCount: number;
  /** Triangle corners, or null for a point cloud. */
  indices: Uint32Array | null;
  attributes: Map<string, AccessorData>;
}

const BYTES: Record<ComponentType, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };

function heapCopy(m: DecoderModule, type: ComponentType, ptr: number, length: number): Float64Array {
  const offset = ptr / BYTES[type];
  const heap =
    type === 5126
      ? m.HEAPF32
      : type === 5121
        ? m.HEAPU8
        : type === 5120
          ? m.HEAP8
          : type === 5123
            ? m.HEAPU16
            : type === 5122
              ? m.HEAP16
              : m.HEAPU32;
  return Float64Array.from(heap.subarray(offset, offset + length));
}

export async function decodeDraco(
  bytes: Uint8Array,
  attributeIds: Record<string, number>,
  accessors: Record<string, Accessor>,
  file: string,
  what: string,
): Promise<DracoGeometry> {
  const m = await getDecoder();
  const buffer = new m.DecoderBuffer();
  const decoder = new m.Decoder();
  let geometry: InstanceType<DecoderModule['PointCloud']> | null = null;
  try {
    buffer.Init(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.byteLength);
    const type = decoder.GetEncodedGeometryType(buffer);
    let status;
    if (type === m.TRIANGULAR_MESH) {
      const mesh = new m.Mesh();
      geometry = mesh;
      status = decoder.DecodeBufferToMesh(buffer, mesh);
    } else if (type === m.POINT_CLOUD) {
      geometry = new m.PointCloud();
      status = decoder.DecodeBufferToPointCloud(buffer, geometry);
    } else throw new BadInputError(file, `${what}: not a Draco mesh or point cloud`);
    if (!status.ok() || geometry.ptr === 0) throw new BadInputError(file, `${what}: Draco decoding failed: ${status.error_msg()}`);
    const vertexCount = geometry.num_points();
    const attributes = new Map<string, AccessorData>();
    for (const [semantic, id] of Object.entries(attributeIds)) {
      const accessor = accessors[semantic];
      if (!accessor) continue;
      const attribute = decoder.GetAttributeByUniqueId(geometry, id);
      if ((attribute as unknown as { ptr: number }).ptr === 0)
        throw new BadInputError(file, `${what}: Draco data has no attribute with id ${id} (${semantic})`);
      const components = attribute.num_components();
      if (components !== TYPE_COMPONENTS[accessor.type])
        throw new BadInputError(
          file,
          `${what}: ${semantic} has ${components} components in the Draco data, the accessor says ${accessor.type}`,
        );
      const dataType = { 5120: m.DT_INT8, 5121: m.DT_UINT8, 5122: m.DT_INT16, 5123: m.DT_UINT16, 5125: m.DT_UINT32, 5126: m.DT_FLOAT32 }[
        accessor.componentType
      ];
      const length = vertexCount * components;
      const byteLength = length * BYTES[accessor.componentType];
      const ptr = m._malloc(byteLength);
      try {
        decoder.GetAttributeDataArrayForAllPoints(geometry, attribute, dataType, byteLength, ptr);
        const values = heapCopy(m, accessor.componentType, ptr, length);
        if (accessor.normalized) for (let i = 0; i < values.length; i++) values[i] = normalize(values[i]!, accessor.componentType);
        attributes.set(semantic, { count: vertexCount, components, values });
      } finally {
        m._free(ptr);
      }
    }
    let indices: Uint32Array | null = null;
    if (type === m.TRIANGULAR_MESH) {
      const faces = (geometry as InstanceType<DecoderModule['Mesh']>).num_faces();
      const byteLength = faces * 3 * 4;
      const ptr = m._malloc(byteLength);
      try {
        decoder.GetTrianglesUInt32Array(geometry as InstanceType<DecoderModule['Mesh']>, byteLength, ptr);
        indices = m.HEAPU32.slice(ptr / 4, ptr / 4 + faces * 3);
      } finally {
        m._free(ptr);
      }
      for (const i of indices)
        if (i >= vertexCount) throw new BadInputError(file, `${what}: Draco index ${i} out of range (${vertexCount} points)`);
    }
    return { vertexCount, indices, attributes };
  } catch (err) {
    if (err instanceof BadInputError) throw err;
    // A WASM abort can leave the module unusable; start a fresh one next time.
    decoderModule = null;
    throw new BadInputError(file, `${what}: Draco data is corrupt (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    if (geometry) m.destroy(geometry);
    m.destroy(decoder);
    m.destroy(buffer);
  }
}
