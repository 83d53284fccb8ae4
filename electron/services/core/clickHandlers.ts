import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../rpc/dispatcher';
import { ServiceFailure } from '../../../common/result';
import type { ScanRegistry } from '../scans/scanRegistry';
import { ClickEngine, type ClickLabelEdit } from '../segmentation/clickEngine';
import { buildClickScene } from '../segmentation/scene/clickScene';
import { OctreeClickEngine } from '../segmentation/scene/octreeClickEngine';
import { OctreePointSource } from '../segmentation/scene/octreePointSource';
import { HIERARCHY_FILE } from '../octree/format';
import { OCTREE_DIR, SCANS_DIR } from '../octree/importScan';
import { OctreeStore } from '../octree/octreeStore';
import { BuiltinSegmenter } from '../segmentation/segmenters/builtin';
import type { Segmenter } from '../segmentation/segmenters/segmenter';
import type { ProjectSession } from './projectSession';

type ClickHandlerNames = 'click.preview' | 'click.accept' | 'click.cancel' | 'segmentation.status';

/** What the handlers need of an engine: the in-memory ClickEngine or the octree-backed one. */
type Clicks = Pick<ClickEngine, 'preview' | 'accept' | 'cancel'>;

/**
 * Where a click reads the scan: 'octree' through the project's LOD octree (OctreeClickEngine, the
 * neighbourhood of each click loaded from the nodes), 'memory' from the loaded scan. Default: the
 * loaded scan when it is in memory, else its octree. SCANLABEL_CLICK_SOURCE=octree|memory forces one.
 */
export function clickSourceFor(inMemory: boolean, hasOctree: boolean, env = process.env.SCANLABEL_CLICK_SOURCE): 'octree' | 'memory' {
  if (!hasOctree || env === 'memory') return 'memory';
  return env === 'octree' || !inMemory ? 'octree' : 'memory';
}

/**
 * Click-to-label over RPC: one ClickEngine per scan, built on the first click (voxel index, normals,
 * terrain) and kept for the next ones; scans read through their octree get an OctreeClickEngine
 * (see clickSourceFor). Accept records the preview as one `lift` edit in the project.
 */
export function clickHandlers(
  scans: ScanRegistry,
  session: ProjectSession,
  onLabelsChanged: (scanId: string) => void,
): Pick<Handlers, ClickHandlerNames> & { dispose(): void } {
  const engines = new Map<string, Promise<Clicks>>();
  const stores: Promise<OctreeStore>[] = [];
  const previewScan = new Map<string, string>();
  const segmenter: Segmenter = new BuiltinSegmenter();
  let lastLatencyMs: number | null = null;

  const octreeDir = (scanId: string) => {
    const project = session.current;
    const dir = project ? join(project.dir, SCANS_DIR, scanId, OCTREE_DIR) : null;
    return dir && existsSync(join(dir, HIERARCHY_FILE)) ? dir : null;
  };
  const create = async (scanId: string): Promise<Clicks> => {
    const inMemory = scans.has(scanId);
    const dir = octreeDir(scanId);
    const scan = inMemory ? scans.get(scanId) : null;
    // Meshes are labelled per face, which the (vertex) octree does not index.
    if (!dir || (scan?.mesh && scan.mesh.indices.length > 0) || clickSourceFor(inMemory, true) === 'memory') return new ClickEngine(buildClickScene(scans.get(scanId)), segmenter);
    const store = OctreeStore.open(dir);
    stores.push(store);
    const source = await OctreePointSource.open(await store);
    const P = scan?.positions;
    return new OctreeClickEngine(scanId, source, segmenter, P ? { locate: (id) => [P[id * 3]!, P[id * 3 + 1]!, P[id * 3 + 2]!] } : {});
  };
  const engineFor = (scanId: string) => {
    let engine = engines.get(scanId);
    if (!engine) {
      engine = create(scanId);
      engines.set(scanId, engine);
      engine.catch(() => engines.delete(scanId)); // a failed start is retried on the next click
    }
    return engine;
  };

  return {
    'click.preview': async ({ scanId, positives, negatives, camera, box, crowns }) => {
      const t0 = performance.now();
      const engine = await engineFor(scanId);
      const p = await engine.preview({ positives, negatives, ...(camera ? { camera } : {}), ...(box ? { box } : {}), ...(crowns !== undefined ? { crowns } : {}) });
      previewScan.set(p.previewId, scanId);
      lastLatencyMs = performance.now() - t0;
      let sum = 0;
      for (const c of p.confidence) sum += c;
      return {
        previewId: p.previewId,
        scanId,
        target: p.target,
        segmenter: p.segmenter,
        count: p.ids.length,
        idsBase64: Buffer.from(p.ids.buffer, p.ids.byteOffset, p.ids.byteLength).toString('base64'),
        meanConfidence: p.ids.length ? sum / p.ids.length : 0,
        timings: { ...p.timings },
        ...(p.primaryMask ? { mask: packMask(p.primaryMask) } : {}),
      };
    },
    'click.accept': async ({ previewId, classCode }) => {
      const scanId = previewScan.get(previewId);
      if (!scanId) throw new ServiceFailure('not_found', `no preview ${previewId} (accepted or cancelled already?)`);
      const store = session.require();
      const edit: ClickLabelEdit = await (await engineFor(scanId)).accept(previewId, classCode);
      previewScan.delete(previewId);
      const result = store.applyEdit({
        kind: 'lift',
        scanId,
        points: edit.ids,
        classCode,
        // Anchors as point indices; negative clicks stored as -(index + 1).
        clickIds: edit.anchors.map((a) => (a.positive ? a.id : -(a.id + 1))),
        modelId: edit.segmenter,
      });
      onLabelsChanged(scanId);
      return { editId: result.editId, pointCount: result.pointCount };
    },
    'click.cancel': async ({ previewId }) => {
      const scanId = previewScan.get(previewId);
      previewScan.delete(previewId);
      return { cancelled: scanId ? (await engineFor(scanId)).cancel(previewId) : false };
    },
    'segmentation.status': () => ({
      segmenter: segmenter.id,
      description: segmenter.description,
      provider: 'builtin',
      notes: [],
      lastLatencyMs,
    }),
    dispose() {
      engines.clear();
      previewScan.clear();
      for (const s of stores.splice(0)) void s.then((store) => store.close()).catch(() => undefined);
    },
  };
}

/** One bit per pixel (a 1024² mask is 128 KiB before base64), so the 2D inset costs little on the wire. */
export function packMask(m: { width: number; height: number; mask: Uint8Array }): { width: number; height: number; bitsBase64: string } {
  const bits = new Uint8Array(Math.ceil(m.mask.length / 8));
  for (let i = 0; i < m.mask.length; i++) if (m.mask[i]) bits[i >> 3]! |= 1 << (i & 7);
  return { width: m.width, height: m.height, bitsBase64: Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64') };
}
