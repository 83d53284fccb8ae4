import type { DecodeRequest, DecodeResponse } from './decoderProtocol';

type Pending = { resolve: (r: DecodeResponse) => void; reject: (e: Error) => void };
type RequestBody = DecodeRequest extends infer R ? (R extends DecodeRequest ? Omit<R, 'id'> : never) : never;

/** Throughput counters of the decode workers (benchmark and status). */
export interface DecodeStats {
  nodes: number;
  points: number;
  bytes: number;
  /** Sum of per-node request times in the workers (fetch + decode; requests overlap), ms. */
  workerMs: number;
  /** Sum of the decode step alone (splitting the blob into attribute arrays), ms. */
  decodeMs: number;
}

/**
 * A few node-decoder Web Workers (nodeDecoder.worker.ts) with round-robin dispatch. Requests carry
 * either a URL the worker fetches itself or bytes the page already fetched.
 */
export class DecoderPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private turn = 0;
  readonly stats: DecodeStats = { nodes: 0, points: 0, bytes: 0, workerMs: 0, decodeMs: 0 };

  constructor(size = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./nodeDecoder.worker.ts', import.meta.url), { type: 'module', name: `octree-decoder-${i}` });
      w.onmessage = (e: MessageEvent<DecodeResponse>) => {
        const r = e.data;
        const p = this.pending.get(r.id);
        if (!p) return;
        this.pending.delete(r.id);
        if (r.kind === 'error') p.reject(new Error(r.message));
        else {
          if (r.kind === 'node') {
            this.stats.nodes++;
            this.stats.points += r.node.pointCount;
            this.stats.bytes += r.bytes;
            this.stats.workerMs += r.ms;
            this.stats.decodeMs += r.decodeMs;
          }
          p.resolve(r);
        }
      };
      w.onerror = (e) => {
        // A worker that fails to start fails its requests; the layer reports the error.
        for (const [id, p] of this.pending) {
          p.reject(new Error(`node decoder: ${e.message || 'worker error'}`));
          this.pending.delete(id);
        }
      };
      this.workers.push(w);
    }
  }

  get inFlight() {
    return this.pending.size;
  }

  request(body: RequestBody): Promise<DecodeResponse> {
    const id = this.nextId++;
    const req = { ...body, id } as DecodeRequest;
    const transfer: Transferable[] = [];
    for (const src of [(req as { node?: unknown }).node, req.labels, req.predicted, req.confidence]) {
      if (src && typeof src === 'object' && 'bytes' in src) transfer.push((src as { bytes: ArrayBuffer }).bytes);
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const w = this.workers[this.turn++ % this.workers.length]!;
      w.postMessage(req, transfer);
    });
  }

  dispose() {
    for (const w of this.workers) w.terminate();
    for (const p of this.pending.values()) p.reject(new Error('decoder closed'));
    this.pending.clear();
  }
}
