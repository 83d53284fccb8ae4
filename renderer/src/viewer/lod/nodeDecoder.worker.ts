import { decodeNodeBlob, histogram, type DecodedNode } from './decodeNode';
import type { BlobSource, DecodeRequest, DecodeResponse } from './decoderProtocol';

/**
 * Octree node decoder (a module Web Worker): fetches a node's bytes and its label blobs, splits them
 * into one typed array per attribute and hands them back as transferables, so the page's main thread
 * only creates GPU buffers.
 */
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeResponse, transfer: Transferable[]): void;
};

async function load(src: BlobSource | undefined): Promise<ArrayBuffer | null> {
  if (!src) return null;
  if ('bytes' in src) return src.bytes;
  const res = await fetch(src.url, { headers: src.headers });
  if (!res.ok) throw new Error(`${src.url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

scope.onmessage = (e) => {
  const req = e.data;
  void (async () => {
    try {
      const t0 = performance.now();
      const [labels, predicted, confidence] = await Promise.all([load(req.labels), load(req.predicted), load(req.confidence)]);
      const l = labels ? new Uint16Array(labels) : null;
      const p = predicted ? new Uint16Array(predicted) : null;
      const c = confidence ? new Uint8Array(confidence) : null;
      // Counted here so the page never walks a node's labels.
      const hists = { labelHist: l ? histogram(l, false) : null, predictedHist: p ? histogram(p, true) : null };
      const extra: ArrayBuffer[] = [];
      for (const x of [l, p, c]) if (x) extra.push(x.buffer as ArrayBuffer);
      if (req.kind === 'labels') {
        scope.postMessage({ kind: 'labels', id: req.id, labels: l, predicted: p, confidence: c, ...hists }, extra);
        return;
      }
      const blob = (await load(req.node))!;
      const t1 = performance.now();
      const node: DecodedNode = { ...decodeNodeBlob(req.attributes, req.pointCount, blob), labels: l, predicted: p, confidence: c };
      const decodeMs = performance.now() - t1;
      const transfer = [node.position, node.color, node.intensity, node.classification, node.index].map((x) => x.buffer as ArrayBuffer);
      scope.postMessage({ kind: 'node', id: req.id, node, bytes: blob.byteLength, ms: performance.now() - t0, decodeMs, ...hists }, [
        ...transfer,
        ...extra,
      ]);
    } catch (err) {
      scope.postMessage({ kind: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) }, []);
    }
  })();
};
