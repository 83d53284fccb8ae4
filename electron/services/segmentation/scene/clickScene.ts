import { groundCandidates } from '../../geometry/groundCandidates';
import { scanShowsGround } from '../../geometry/groundPresence';
import { attribute, type Scan, type ScanTexture } from '../../scans/model';
import { faceNormal } from '../render/rasterize';
import { SceneGeometry, type SceneGeometryOptions } from './sceneGeometry';

/** Triangles to rasterize, in the scan's local frame. */
export interface MeshData {
  positions: Float32Array;
  indices: Uint32Array;
  cornerUvs: Float32Array | null;
  faceTexture: Int16Array | null;
  textures: ScanTexture[];
  /** Fallback colour per face (rgb) when a face has no texture. */
  faceColors: Uint8Array;
}

/**
 * What the click engine needs from a scan. Labels are keyed by `ids`: point indices for point
 * clouds, face indices for meshes. For meshes the geometry is built over face centroids so fusion
 * and refinement run the same code on both.
 */
export type ClickScene =
  | { kind: 'points'; scanId: string; geometry: SceneGeometry; elementCount: number }
  | { kind: 'mesh'; scanId: string; geometry: SceneGeometry; mesh: MeshData; elementCount: number };

export function buildClickScene(scan: Scan, options: SceneGeometryOptions = {}): ClickScene {
  if (scan.mesh && scan.mesh.indices.length > 0) {
    const m = scan.mesh;
    const faces = m.indices.length / 3;
    const centroids = new Float32Array(faces * 3);
    for (let f = 0; f < faces; f++)
      for (let k = 0; k < 3; k++)
        centroids[f * 3 + k] = (scan.positions[m.indices[f * 3]! * 3 + k]! + scan.positions[m.indices[f * 3 + 1]! * 3 + k]! + scan.positions[m.indices[f * 3 + 2]! * 3 + k]!) / 3;
    const faceColors = meshFaceColors(scan);
    const mesh: MeshData = { positions: scan.positions, indices: m.indices, cornerUvs: m.cornerUvs, faceTexture: m.faceTexture, textures: m.textures, faceColors };
    const normals = new Float32Array(faces * 3);
    for (let f = 0; f < faces; f++) normals.set(faceNormal(scan.positions, m.indices, f), f * 3);
    // Face centroids are sparse (one per triangle): small cells keep neighbourhoods local.
    return { kind: 'mesh', scanId: scan.id, geometry: new SceneGeometry(centroids, faceColors, { normals, ...options }), mesh, elementCount: faces };
  }
  // No terrain for a scan whose classification says it holds no ground; else one fitted to the last
  // returns where the scan records returns (see GroundOptions.candidates).
  const ground =
    options.ground === false || (options.ground === undefined && !scanShowsGround(scan)) ? false : { ...options.ground, candidates: options.ground?.candidates ?? groundCandidates(scan) };
  return { kind: 'points', scanId: scan.id, geometry: new SceneGeometry(scan.positions, pointColors(scan), { ...options, ground }), elementCount: scan.pointCount };
}

/**
 * RGB per point as the viewer shows it: the colour attribute (8 or 16 bit), else intensity as grey
 * (stretched to the 2nd..98th percentile), else null (rendered flat grey).
 */
export function pointColors(scan: Scan): Uint8Array | null {
  const n = scan.pointCount;
  const color = attribute(scan, 'color') ?? attribute(scan, 'rgb');
  if (color && color.components >= 3) {
    const v = color.values;
    let max = 0;
    for (let i = 0; i < v.length; i++) if (v[i]! > max) max = v[i]!;
    if (max > 0) {
      const out = new Uint8Array(n * 3);
      // LAS stores 16-bit colour, some writers only fill the low byte: scale by what is there.
      const s = max > 255 ? 255 / max : 1;
      for (let p = 0; p < n; p++) for (let k = 0; k < 3; k++) out[p * 3 + k] = Math.round(v[p * color.components + k]! * s);
      return out;
    }
  }
  const intensity = attribute(scan, 'intensity');
  if (intensity) {
    const v = intensity.values;
    const sorted = Float32Array.from(v).sort();
    const lo = sorted[Math.floor(sorted.length * 0.02)] ?? 0;
    const hi = sorted[Math.floor(sorted.length * 0.98)] ?? 1;
    const out = new Uint8Array(n * 3);
    for (let p = 0; p < n; p++) {
      const g = Math.round(255 * Math.min(1, Math.max(0, (v[p]! - lo) / Math.max(1e-9, hi - lo))));
      out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = g;
    }
    return out;
  }
  return null;
}

/** Per-face colour: mean texture colour at the face's uv centroid, else a face colour attribute, else grey. */
function meshFaceColors(scan: Scan): Uint8Array {
  const m = scan.mesh!;
  const faces = m.indices.length / 3;
  const out = new Uint8Array(faces * 3).fill(170);
  const fc = m.faceAttributes.find((a) => a.name === 'color' && a.components >= 3);
  for (let f = 0; f < faces; f++) {
    const t = m.faceTexture ? m.faceTexture[f]! : m.textures.length > 0 ? 0 : -1;
    const tex = t >= 0 ? m.textures[t] : undefined;
    if (tex && m.cornerUvs) {
      const u = (m.cornerUvs[f * 6]! + m.cornerUvs[f * 6 + 2]! + m.cornerUvs[f * 6 + 4]!) / 3;
      const v = (m.cornerUvs[f * 6 + 1]! + m.cornerUvs[f * 6 + 3]! + m.cornerUvs[f * 6 + 5]!) / 3;
      sampleTexture(tex, u, v, out, f * 3);
    } else if (fc) {
      for (let k = 0; k < 3; k++) out[f * 3 + k] = Number(fc.values[f * fc.components + k]!) & 255;
    }
  }
  return out;
}

/**
 * Nearest texel. uv (0, 0) is the top-left texel, as in glTF and the demo atlas (ScanTexture rows
 * are stored top first); readers of v-up formats (OBJ, PLY) flip v on import. Clamped, not wrapped:
 * atlases put tiles edge to edge and wrapping u = 1 would sample the opposite edge.
 */
export function sampleTexture(tex: ScanTexture, u: number, v: number, out: Uint8Array, o: number): void {
  const x = Math.min(tex.width - 1, Math.max(0, Math.floor(u * tex.width)));
  const y = Math.min(tex.height - 1, Math.max(0, Math.floor(v * tex.height)));
  const t = (y * tex.width + x) * 4;
  out[o] = tex.rgba[t]!;
  out[o + 1] = tex.rgba[t + 1]!;
  out[o + 2] = tex.rgba[t + 2]!;
}
