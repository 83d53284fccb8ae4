import type { Scan, ScanAttribute } from '../scans/model';
import { prepareScan, type PrepareOptions, type PreparedScan } from './prepare';

/**
 * Superfacets for meshes: the same pipeline on face centroids (one "point" per face, coloured by
 * its texture at the centroid uv), so propagation, suggestions and acceptance work per face with
 * no second code path. Labels for a mesh are per face, so face index = point index throughout.
 */
export function faceCentroidCloud(scan: Scan): Pick<Scan, 'positions' | 'pointCount' | 'attributes'> {
  const mesh = scan.mesh;
  if (!mesh) throw new Error(`${scan.name} has no faces`);
  const faces = mesh.indices.length / 3;
  const positions = new Float32Array(faces * 3);
  const P = scan.positions;
  for (let f = 0; f < faces; f++)
    for (let k = 0; k < 3; k++)
      positions[f * 3 + k] =
        (P[mesh.indices[f * 3]! * 3 + k]! + P[mesh.indices[f * 3 + 1]! * 3 + k]! + P[mesh.indices[f * 3 + 2]! * 3 + k]!) / 3;
  const attributes: ScanAttribute[] = [];
  const uv = mesh.cornerUvs;
  if (uv && mesh.textures.length) {
    const color = new Uint8Array(faces * 3);
    for (let f = 0; f < faces; f++) {
      const tex = mesh.textures[Math.max(0, mesh.faceTexture?.[f] ?? 0)];
      if (!tex) continue;
      const u = (uv[f * 6]! + uv[f * 6 + 2]! + uv[f * 6 + 4]!) / 3;
      const v = (uv[f * 6 + 1]! + uv[f * 6 + 3]! + uv[f * 6 + 5]!) / 3;
      // Corner uvs run v DOWN from the image's top row (ScanMesh), as rgba rows do.
      const x = Math.min(tex.width - 1, Math.max(0, Math.floor((u - Math.floor(u)) * tex.width)));
      const y = Math.min(tex.height - 1, Math.max(0, Math.floor((v - Math.floor(v)) * tex.height)));
      const o = (y * tex.width + x) * 4;
      color[f * 3] = tex.rgba[o]!;
      color[f * 3 + 1] = tex.rgba[o + 1]!;
      color[f * 3 + 2] = tex.rgba[o + 2]!;
    }
    attributes.push({ name: 'color', type: 'uint8', components: 3, values: color });
  }
  return { positions, pointCount: faces, attributes };
}

export function prepareMesh(scan: Scan, options: PrepareOptions = {}): PreparedScan {
  return prepareScan(faceCentroidCloud(scan), options);
}
