import type { MeshView, ScanView } from '../../../common/contracts/scans';
import type { LayerLabels } from '../labels/labelStore';
import type { LabelLayerData, Scan } from '../scans/model';
import type { ScanRegistry } from '../scans/scanRegistry';

/** What the mesh blobs need from the open project (null: no project open). */
export interface MeshLabelSource {
  /** Labels the project keeps for the scan (its pointCount), or null when the scan is not in the project. */
  labelCount(scanId: string): number | null;
  hasLayer(scanId: string, layer: string): boolean;
  readLabels(scanId: string, layer: string): LayerLabels;
}

const UNLABELED = 0xffff;
const MESH_BLOB =
  /^scans\/([^/]+)\/mesh\/(positions|indices|cornerUvs|faceTexture|faceClasses|faceLabels|facePredicted|faceConfidence|textures\/(\d+))$/;

export const faceCountOf = (scan: Scan): number => (scan.mesh ? scan.mesh.indices.length / 3 : 0);

/** True when the project labels this mesh scan per face (its label count is the face count). */
function labeledPerFace(scan: Scan, labels: MeshLabelSource | null): boolean {
  const faces = faceCountOf(scan);
  return faces > 0 && labels?.labelCount(scan.id) === faces;
}

/**
 * The scan view of a mesh scan: the point chunks as usual (vertices, without project blobs, since a
 * mesh in a project is labeled per face) plus `mesh`, whose triangles, uvs, textures and per-face
 * label layers are binary blobs under `scans/<id>/mesh/...`. Null for scans without faces.
 */
export function meshScanView(scans: ScanRegistry, scanId: string, labels: MeshLabelSource | null): ScanView | null {
  const scan = scans.get(scanId);
  const faceCount = faceCountOf(scan);
  if (!scan.mesh || faceCount === 0) return null;
  const m = scan.mesh;
  const base = `blob/scans/${encodeURIComponent(scanId)}/mesh/`;
  const perFace = labeledPerFace(scan, labels);
  const blobs: MeshView['blobs'] = { positions: `${base}positions`, indices: `${base}indices` };
  if (m.cornerUvs) blobs.cornerUvs = `${base}cornerUvs`;
  if (m.faceTexture) blobs.faceTexture = `${base}faceTexture`;
  if (sourceClasses(scan)) blobs.faceClasses = `${base}faceClasses`;
  if (perFace) {
    blobs.faceLabels = `${base}faceLabels`;
    blobs.facePredicted = `${base}facePredicted`;
    blobs.faceConfidence = `${base}faceConfidence`;
  }
  const mesh: MeshView = {
    vertexCount: scan.pointCount,
    faceCount,
    blobs,
    textures: m.textures.map((t, i) => ({ name: t.name, width: t.width, height: t.height, blob: `${base}textures/${i}` })),
  };
  return { ...scans.view(scanId, false), inProject: labels?.labelCount(scanId) != null, mesh };
}

/** Bytes of `scans/<id>/mesh/<part>`, or null when the path is not a mesh blob or the scan has no such part. */
export function readMeshBlob(scans: ScanRegistry, blobPath: string, labels: MeshLabelSource | null): Uint8Array | null {
  const m = MESH_BLOB.exec(blobPath);
  if (!m) return null;
  const scanId = decodeURIComponent(m[1]!);
  if (!scans.has(scanId)) return null;
  const scan = scans.get(scanId);
  const mesh = scan.mesh;
  if (!mesh || faceCountOf(scan) === 0) return null;
  const part = m[2]!;
  if (m[3] !== undefined) {
    const tex = mesh.textures[Number(m[3])];
    return tex ? tex.rgba : null;
  }
  switch (part) {
    case 'positions':
      return bytesOf(scan.positions);
    case 'indices':
      return bytesOf(mesh.indices);
    case 'cornerUvs':
      return mesh.cornerUvs ? bytesOf(mesh.cornerUvs) : null;
    case 'faceTexture':
      return mesh.faceTexture ? bytesOf(mesh.faceTexture) : null;
    case 'faceClasses': {
      const layer = sourceClasses(scan);
      if (!layer) return null;
      const out = new Uint16Array(layer.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.min(UNLABELED, layer[i]!);
      return bytesOf(out);
    }
    default:
      return labels && labeledPerFace(scan, labels) ? faceLayerBlob(scan, part, labels) : null;
  }
}

/** A per-face project layer: uint16 classes with 0xffff for unlabeled whatever the code width, or uint8 confidence. */
function faceLayerBlob(scan: Scan, part: string, labels: MeshLabelSource): Uint8Array | null {
  const faces = faceCountOf(scan);
  const layerName = part === 'faceLabels' ? 'user' : 'predicted';
  if (layerName === 'predicted' && !labels.hasLayer(scan.id, 'predicted'))
    return part === 'faceConfidence' ? new Uint8Array(faces) : bytesOf(new Uint16Array(faces).fill(UNLABELED));
  const layer = labels.readLabels(scan.id, layerName);
  if (part === 'faceConfidence') return layer.confidence ?? new Uint8Array(faces);
  const out = new Uint16Array(faces);
  for (let i = 0; i < faces; i++) out[i] = layer.classes[i] === layer.unlabeled ? UNLABELED : layer.classes[i]!;
  return bytesOf(out);
}

/** The file's own per-face classes (imported PLY label, demo ground truth), if any. */
function sourceClasses(scan: Scan): LabelLayerData['values'] | null {
  const faces = faceCountOf(scan);
  const layers = scan.labelLayers.filter((l) => l.target === 'faces' && l.values.length === faces && !/instance|segment/i.test(l.name));
  const layer =
    layers.find((l) => l.attribute === 'classification') ?? layers.find((l) => l.kind !== 'user' && l.kind !== 'predicted') ?? null;
  return layer ? layer.values : null;
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
