import type { NodeAttribute } from '../../../../common/geometry/octreeLayout';
import type { DecodedNode, Histogram } from './decodeNode';

/** Label histograms of a node's layers, counted in the worker (null: that layer was not sent). */
export interface NodeHistograms {
  labelHist: Histogram | null;
  predictedHist: Histogram | null;
}

/** How the worker reaches a blob: an absolute URL and headers, or bytes the page fetched itself. */
export type BlobSource = { url: string; headers: Record<string, string> } | { bytes: ArrayBuffer };

export type DecodeRequest =
  | {
      kind: 'node';
      id: number;
      attributes: NodeAttribute[];
      pointCount: number;
      node: BlobSource;
      labels?: BlobSource;
      predicted?: BlobSource;
      confidence?: BlobSource;
    }
  | { kind: 'labels'; id: number; labels?: BlobSource; predicted?: BlobSource; confidence?: BlobSource };

export type DecodeResponse =
  | ({ kind: 'node'; id: number; node: DecodedNode; bytes: number; ms: number; decodeMs: number } & NodeHistograms)
  | ({ kind: 'labels'; id: number; labels: Uint16Array | null; predicted: Uint16Array | null; confidence: Uint8Array | null } & NodeHistograms)
  | { kind: 'error'; id: number; message: string };
