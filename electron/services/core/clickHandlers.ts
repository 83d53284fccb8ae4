import type { Handlers } from '../rpc/dispatcher';
import { ServiceFailure } from '../../../common/result';
import type { ScanRegistry } from '../scans/scanRegistry';
import { ClickEngine, type ClickLabelEdit } from '../segmentation/clickEngine';
import { buildClickScene } from '../segmentation/scene/clickScene';
import { BuiltinSegmenter } from '../segmentation/segmenters/builtin';
import type { Segmenter } from '../segmentation/segmenters/segmenter';
import type { ProjectSession } from './projectSession';

type ClickHandlerNames = 'click.preview' | 'click.accept' | 'click.cancel' | 'segmentation.status';

/**
 * Click-to-label over RPC: one ClickEngine per scan, built on the first click (voxel index, normals,
 * terrain) and kept for the next ones. Accept records the preview as one `lift` edit in the project.
 */
export function clickHandlers(
  scans: ScanRegistry,
  session: ProjectSession,
  onLabelsChanged: (scanId: string) => void,
): Pick<Handlers, ClickHandlerNames> & { dispose(): void } {
  const engines = new Map<string, ClickEngine>();
  const previewScan = new Map<string, string>();
  const segmenter: Segmenter = new BuiltinSegmenter();
  let lastLatencyMs: number | null = null;

  const engineFor = (scanId: string) => {
    let engine = engines.get(scanId);
    if (!engine) {
      engine = new ClickEngine(buildClickScene(scans.get(scanId)), segmenter);
      engines.set(scanId, engine);
    }
    return engine;
  };

  return {
    'click.preview': async ({ scanId, positives, negatives, camera, box }) => {
      const t0 = performance.now();
      const engine = engineFor(scanId);
      const p = await engine.preview({ positives, negatives, ...(camera ? { camera } : {}), ...(box ? { box } : {}) });
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
      const edit: ClickLabelEdit = await engineFor(scanId).accept(previewId, classCode);
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
    'click.cancel': ({ previewId }) => {
      const scanId = previewScan.get(previewId);
      previewScan.delete(previewId);
      return { cancelled: scanId ? engineFor(scanId).cancel(previewId) : false };
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
    },
  };
}

/** One bit per pixel (a 1024² mask is 128 KiB before base64), so the 2D inset costs little on the wire. */
export function packMask(m: { width: number; height: number; mask: Uint8Array }): { width: number; height: number; bitsBase64: string } {
  const bits = new Uint8Array(Math.ceil(m.mask.length / 8));
  for (let i = 0; i < m.mask.length; i++) if (m.mask[i]) bits[i >> 3]! |= 1 << (i & 7);
  return { width: m.width, height: m.height, bitsBase64: Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64') };
}
