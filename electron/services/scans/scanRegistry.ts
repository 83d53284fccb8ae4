import type { ClassInfo, ScanChunk, ScanSummary, ScanView } from '../../../common/contracts/scans';
import { ServiceFailure } from '../../../common/result';
import { computeBounds, type Scan } from './model';

/** Points per renderable chunk; small enough to stream progressively, large enough to keep draw calls few. */
export const CHUNK_POINTS = 131_072;

/** The blob attributes a chunk offers the viewer (binary, fetched by URL). */
export const CHUNK_BLOBS = ['position', 'color', 'classification', 'intensity'] as const;
export type ChunkBlob = (typeof CHUNK_BLOBS)[number];
/** Blobs of project scans, from the label store: 'labels' (user layer), 'predicted' and its 'confidence'. */
export const PROJECT_BLOBS = ['labels', 'predicted', 'confidence'] as const;

interface Entry {
  scan: Scan;
  summary: ScanSummary;
  classes: ClassInfo[];
  intensityRange: [number, number];
}

/**
 * Scans held in memory by the running core (the built-in demo, and small scans opened directly).
 * Serves summaries through RPC and attribute slices as binary blobs.
 */
export class ScanRegistry {
  private readonly scans = new Map<string, Entry>();

  add(scan: Scan, classes: ClassInfo[] = []): ScanSummary {
    const bounds = computeBounds(scan.positions);
    const summary: ScanSummary = {
      id: scan.id,
      name: scan.name,
      format: scan.format,
      pointCount: scan.pointCount,
      faceCount: scan.mesh ? scan.mesh.indices.length / 3 : 0,
      origin: scan.origin,
      boundsMin: bounds.min,
      boundsMax: bounds.max,
      attributes: scan.attributes.map((a) => ({ name: a.name, type: a.type, components: a.components })),
      crs: scan.crs,
    };
    this.scans.set(scan.id, { scan, summary, classes, intensityRange: intensityRange(scan) });
    return summary;
  }

  has(id: string): boolean {
    return this.scans.has(id);
  }

  get(id: string): Scan {
    return this.entry(id).scan;
  }

  list(): ScanSummary[] {
    return [...this.scans.values()].map((e) => e.summary);
  }

  /** The scan's chunks and their blob paths; `withLabels` adds each chunk's project blobs (served by the core): user labels, predictions and their confidence. */
  view(id: string, withLabels = false): ScanView {
    const { summary, classes, intensityRange } = this.entry(id);
    const chunks: ScanChunk[] = [];
    for (let start = 0, n = 0; start < summary.pointCount; start += CHUNK_POINTS, n++) {
      const count = Math.min(CHUNK_POINTS, summary.pointCount - start);
      const blobs: Record<string, string> = {};
      for (const b of withLabels ? [...CHUNK_BLOBS, ...PROJECT_BLOBS] : CHUNK_BLOBS) blobs[b] = `blob/scans/${encodeURIComponent(id)}/chunks/${n}/${b}`;
      chunks.push({ id: `${id}/${n}`, pointCount: count, blobs });
    }
    return { scan: summary, chunks, classes, inProject: withLabels, intensityRange };
  }

  /** Resolves `scans/<id>/chunks/<n>/<attr>` to bytes (a view on the scan's arrays, no copy), or null. */
  blob(path: string): Uint8Array | null {
    const m = /^scans\/([^/]+)\/chunks\/(\d+)\/([a-z]+)$/.exec(path);
    if (!m) return null;
    const entry = this.scans.get(decodeURIComponent(m[1]!));
    if (!entry) return null;
    const n = Number(m[2]);
    const start = n * CHUNK_POINTS;
    if (start >= entry.scan.pointCount) return null;
    const end = Math.min(entry.scan.pointCount, start + CHUNK_POINTS);
    const scan = entry.scan;
    switch (m[3] as ChunkBlob) {
      case 'position':
        return bytesOf(scan.positions.subarray(start * 3, end * 3));
      case 'color': {
        const color = scan.attributes.find((a) => a.name === 'color');
        if (color && color.type === 'uint8') return bytesOf(color.values.subarray(start * 3, end * 3));
        if (color && color.type === 'uint16') {
          // 16-bit colours (LAS) are scaled to 8 bits for display only.
          const out = new Uint8Array((end - start) * 3);
          const v = color.values;
          let max = 0;
          for (let i = 0; i < v.length; i++) if (v[i]! > max) max = v[i]!;
          const shift = max > 255 ? 8 : 0;
          for (let i = 0; i < out.length; i++) out[i] = v[start * 3 + i]! >> shift;
          return out;
        }
        return new Uint8Array((end - start) * 3).fill(200);
      }
      case 'classification': {
        const layer = scan.labelLayers.find((l) => l.target === 'points' && l.attribute === 'classification');
        const out = new Uint16Array(end - start);
        if (layer) for (let i = start; i < end; i++) out[i - start] = layer.values[i]!;
        return bytesOf(out);
      }
      case 'intensity': {
        const intensity = scan.attributes.find((a) => a.name === 'intensity' && a.components === 1);
        const out = new Uint16Array(end - start);
        if (intensity) {
          // Float intensities (E57 0..1) are scaled to the uint16 range for display.
          const k = intensity.type === 'float32' || intensity.type === 'float64' ? 65535 : 1;
          for (let i = start; i < end; i++) out[i - start] = Math.min(65535, Math.max(0, Math.round(intensity.values[i]! * k)));
        }
        return bytesOf(out);
      }
      default:
        return null;
    }
  }

  private entry(id: string): Entry {
    const e = this.scans.get(id);
    if (!e) throw new ServiceFailure('not_found', `no scan with id "${id}"`);
    return e;
  }
}

/** 1st..99th percentile of the display intensity (uint16 scale), from a sample: robust against a few hot returns. */
function intensityRange(scan: Scan): [number, number] {
  const a = scan.attributes.find((x) => x.name === 'intensity' && x.components === 1);
  if (!a || scan.pointCount === 0) return [0, 65535];
  const k = a.type === 'float32' || a.type === 'float64' ? 65535 : 1;
  const step = Math.max(1, Math.floor(scan.pointCount / 20_000));
  const sample: number[] = [];
  for (let i = 0; i < scan.pointCount; i += step) sample.push(a.values[i]! * k);
  sample.sort((x, y) => x - y);
  const lo = sample[Math.floor(sample.length * 0.01)]!;
  const hi = sample[Math.floor(sample.length * 0.99)]!;
  return [lo, Math.max(lo + 1, hi)];
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
