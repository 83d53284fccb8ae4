import type { Camera, Vec3 } from '../../../../common/geometry/camera';
import type { MeshData } from '../scene/clickScene';
import { sampleTexture } from '../scene/clickScene';
import { allocateView, type RenderedView } from './view';

export interface RasterOptions {
  /** Faces to draw (face indices); null = all. */
  faces: Uint32Array | null;
  /** Height above ground per face (for the support channel), or null. */
  faceHag: Float32Array | null;
}

const tmp = new Uint8Array(3);

/**
 * Z-buffered triangle rasterizer with perspective-correct depth and texture coordinates (both
 * interpolated as x/z in screen space), sampling at pixel centres, top-left fill convention by
 * way of the half-open edge test. Faces crossing the near plane are skipped: views are placed
 * outside the culled neighbourhood, so only far-away geometry could cross it.
 */
export function rasterizeMesh(mesh: MeshData, camera: Camera, options: RasterOptions): RenderedView {
  const view = allocateView('faces', camera);
  const { width: W, height: H, fx, fy, cx, cy, near } = camera;
  const r = camera.rotation;
  const [ex, ey, ez] = camera.eye;
  const P = mesh.positions;
  const I = mesh.indices;
  const faceCount = options.faces ? options.faces.length : I.length / 3;
  const sx = new Float64Array(3);
  const sy = new Float64Array(3);
  const sz = new Float64Array(3);
  const { depth, id, rgb, normal, hag } = view;

  for (let k = 0; k < faceCount; k++) {
    const f = options.faces ? options.faces[k]! : k;
    let behind = false;
    for (let c = 0; c < 3; c++) {
      const vi = I[f * 3 + c]! * 3;
      const wx = P[vi]! - ex;
      const wy = P[vi + 1]! - ey;
      const wz = P[vi + 2]! - ez;
      const z = r[6] * wx + r[7] * wy + r[8] * wz;
      if (z < near) {
        behind = true;
        break;
      }
      sx[c] = (fx * (r[0] * wx + r[1] * wy + r[2] * wz)) / z + cx;
      sy[c] = (fy * (r[3] * wx + r[4] * wy + r[5] * wz)) / z + cy;
      sz[c] = z;
    }
    if (behind) continue;
    const area = (sx[1]! - sx[0]!) * (sy[2]! - sy[0]!) - (sx[2]! - sx[0]!) * (sy[1]! - sy[0]!);
    if (Math.abs(area) < 1e-12) continue;
    const x0 = Math.max(0, Math.floor(Math.min(sx[0]!, sx[1]!, sx[2]!)));
    const x1 = Math.min(W - 1, Math.ceil(Math.max(sx[0]!, sx[1]!, sx[2]!)));
    const y0 = Math.max(0, Math.floor(Math.min(sy[0]!, sy[1]!, sy[2]!)));
    const y1 = Math.min(H - 1, Math.ceil(Math.max(sy[0]!, sy[1]!, sy[2]!)));
    if (x0 > x1 || y0 > y1) continue;

    const n = faceNormal(P, I, f);
    // Both sides are drawn (scans are not closed); the normal faces the viewer.
    const ax = P[I[f * 3]! * 3]! - ex;
    const ay = P[I[f * 3]! * 3 + 1]! - ey;
    const az = P[I[f * 3]! * 3 + 2]! - ez;
    if (n[0] * ax + n[1] * ay + n[2] * az > 0) {
      n[0] = -n[0];
      n[1] = -n[1];
      n[2] = -n[2];
    }
    const tex = textureOf(mesh, f);
    const uv = mesh.cornerUvs;
    const iz0 = 1 / sz[0]!;
    const iz1 = 1 / sz[1]!;
    const iz2 = 1 / sz[2]!;
    const inv = 1 / area;
    const fh = options.faceHag ? options.faceHag[f]! : NaN;
    for (let y = y0; y <= y1; y++) {
      const py = y + 0.5;
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        // Barycentric weights from signed sub-areas; the sign of `area` is folded in by `inv`.
        const w0 = ((sx[1]! - px) * (sy[2]! - py) - (sx[2]! - px) * (sy[1]! - py)) * inv;
        const w1 = ((sx[2]! - px) * (sy[0]! - py) - (sx[0]! - px) * (sy[2]! - py)) * inv;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const izp = w0 * iz0 + w1 * iz1 + w2 * iz2;
        const z = 1 / izp;
        const p = y * W + x;
        if (z >= depth[p]!) continue;
        depth[p] = z;
        id[p] = f;
        normal[p * 3] = n[0];
        normal[p * 3 + 1] = n[1];
        normal[p * 3 + 2] = n[2];
        hag[p] = fh;
        if (tex && uv) {
          const b0 = (w0 * iz0) / izp;
          const b1 = (w1 * iz1) / izp;
          const b2 = 1 - b0 - b1;
          const u = b0 * uv[f * 6]! + b1 * uv[f * 6 + 2]! + b2 * uv[f * 6 + 4]!;
          const v = b0 * uv[f * 6 + 1]! + b1 * uv[f * 6 + 3]! + b2 * uv[f * 6 + 5]!;
          sampleTexture(tex, u, v, tmp, 0);
          rgb[p * 3] = tmp[0]!;
          rgb[p * 3 + 1] = tmp[1]!;
          rgb[p * 3 + 2] = tmp[2]!;
        } else {
          rgb[p * 3] = mesh.faceColors[f * 3]!;
          rgb[p * 3 + 1] = mesh.faceColors[f * 3 + 1]!;
          rgb[p * 3 + 2] = mesh.faceColors[f * 3 + 2]!;
        }
      }
    }
  }
  return view;
}

function textureOf(mesh: MeshData, f: number) {
  const t = mesh.faceTexture ? mesh.faceTexture[f]! : mesh.textures.length > 0 ? 0 : -1;
  return t >= 0 ? mesh.textures[t] : undefined;
}

export function faceNormal(P: Float32Array, I: Uint32Array, f: number): Vec3 {
  const a = I[f * 3]! * 3;
  const b = I[f * 3 + 1]! * 3;
  const c = I[f * 3 + 2]! * 3;
  const ux = P[b]! - P[a]!;
  const uy = P[b + 1]! - P[a + 1]!;
  const uz = P[b + 2]! - P[a + 2]!;
  const vx = P[c]! - P[a]!;
  const vy = P[c + 1]! - P[a + 1]!;
  const vz = P[c + 2]! - P[a + 2]!;
  const nx = uy * vz - uz * vy;
  const ny = uz * vx - ux * vz;
  const nz = ux * vy - uy * vx;
  const l = Math.hypot(nx, ny, nz) || 1;
  return [nx / l, ny / l, nz / l];
}
