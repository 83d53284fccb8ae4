import type { ScanAttribute, ScanMesh, ScanTexture } from '../../model';
import { attributeInfo, toOriginOffsets } from './inMemoryScan';
import type { InMemoryScan } from './inMemoryScan';
import type { MtlMaterial } from './mtl';
import type { ObjGeometry } from './parse';

/** What the OBJ's side files provided: materials by name and decoded textures by material name. */
export interface ObjResources {
  materials: Map<string, MtlMaterial>;
  textures: Map<string, ScanTexture>;
  warnings: string[];
}

/** OBJ's default diffuse colour (Kd 0.8) for faces whose material has none. */
const DEFAULT_DIFFUSE: [number, number, number] = [0.8, 0.8, 0.8];

const toByte = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));

function indexAttribute(name: string, values: Uint32Array, distinct: number): ScanAttribute {
  return distinct > 0xffff
    ? { name, type: 'uint32', components: 1, values }
    : { name, type: 'uint16', components: 1, values: Uint16Array.from(values) };
}

/** Builds the canonical scan from parsed OBJ geometry and its loaded materials (pure). */
export function assembleObj(geometry: ObjGeometry, resources: ObjResources): InMemoryScan {
  const vertexCount = geometry.positions.length / 3;
  const faceCount = geometry.cornerVertex.length / 3;
  const { origin, positions, boundsMin, boundsMax } = toOriginOffsets(geometry.positions);

  const attributes: ScanAttribute[] = [];
  if (geometry.vertexColors) {
    // MeshLab and most scanners write 0..1; some tools write 0..255.
    const max = geometry.vertexColors.reduce((m, v) => Math.max(m, v), 0);
    const scale = max > 1 ? 1 : 255;
    const color = new Uint8Array(vertexCount * 3);
    for (let i = 0; i < color.length; i++) color[i] = Math.max(0, Math.min(255, Math.round(geometry.vertexColors[i]! * scale)));
    attributes.push({ name: 'color', type: 'uint8', components: 3, values: color });
  }
  if (geometry.cornerNormal) {
    // OBJ normals are per corner; a vertex takes the normal of the first corner that names one.
    const normal = new Float32Array(vertexCount * 3);
    const seen = new Uint8Array(vertexCount);
    for (let c = 0; c < geometry.cornerVertex.length; c++) {
      const v = geometry.cornerVertex[c]!;
      const n = geometry.cornerNormal[c]!;
      if (n < 0 || seen[v]) continue;
      seen[v] = 1;
      for (let k = 0; k < 3; k++) normal[v * 3 + k] = geometry.normals[n * 3 + k]!;
    }
    attributes.push({ name: 'normal', type: 'float32', components: 3, values: normal });
  }

  let cornerUvs: Float32Array | null = null;
  if (geometry.cornerUv) {
    cornerUvs = new Float32Array(faceCount * 6);
    for (let c = 0; c < geometry.cornerUv.length; c++) {
      const t = geometry.cornerUv[c]!;
      if (t < 0) continue;
      cornerUvs[c * 2] = geometry.uvs[t * 2]!;
      // OBJ's v runs up from the bottom row; the scan model's v runs down from row 0 (as glTF's).
      cornerUvs[c * 2 + 1] = 1 - geometry.uvs[t * 2 + 1]!;
    }
  }

  const materials = geometry.materials.map((name) => resources.materials.get(name));
  const textures: ScanTexture[] = [];
  const textureOfMaterial = geometry.materials.map((name) => {
    const texture = resources.textures.get(name);
    if (!texture) return -1;
    const existing = textures.indexOf(texture);
    if (existing >= 0) return existing;
    textures.push(texture);
    return textures.length - 1;
  });
  const faceTexture = textures.length > 0 && textures.length <= 0x7fff ? new Int16Array(faceCount) : null;
  if (faceTexture) for (let f = 0; f < faceCount; f++) faceTexture[f] = textureOfMaterial[geometry.faceMaterial[f]!]!;

  const faceAttributes: ScanAttribute[] = [indexAttribute('material', geometry.faceMaterial, geometry.materials.length)];
  if (geometry.groups.length > 1) faceAttributes.push(indexAttribute('group', geometry.faceGroup, geometry.groups.length));
  if (materials.some((m) => m?.diffuse)) {
    const palette = materials.map((m) => (m?.diffuse ?? DEFAULT_DIFFUSE).map(toByte));
    const color = new Uint8Array(faceCount * 3);
    for (let f = 0; f < faceCount; f++) color.set(palette[geometry.faceMaterial[f]!]!, f * 3);
    faceAttributes.push({ name: 'color', type: 'uint8', components: 3, values: color });
  }

  const mesh: ScanMesh = { indices: geometry.cornerVertex, cornerUvs, faceTexture, textures, faceAttributes };
  const details: Record<string, string | number | boolean> = {
    vertices: vertexCount,
    polygons: geometry.polygonCount,
    triangles: faceCount,
    materials: geometry.materials.filter((m) => m !== '').length,
    groups: geometry.groups.filter((g) => g !== '').length,
    textures: textures.length,
    faceAttributes: faceAttributes.map((a) => a.name).join(', '),
  };
  if (geometry.skipped.lines + geometry.skipped.points > 0)
    details.skippedLinesAndPoints = geometry.skipped.lines + geometry.skipped.points;
  resources.warnings.forEach((w, i) => (details[`warning${i + 1}`] = w));
  details.warnings = resources.warnings.length;

  return {
    info: {
      format: 'obj',
      version: 'wavefront',
      pointCount: vertexCount,
      faceCount,
      boundsMin,
      boundsMax,
      origin,
      attributes: attributeInfo(attributes),
      crs: null,
      details,
      source: { format: 'obj', materials: geometry.materials, groups: geometry.groups, mtllibs: geometry.mtllibs },
    },
    positions,
    attributes,
    mesh,
  };
}
