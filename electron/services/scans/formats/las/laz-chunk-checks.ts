import type { LasHeader } from './header';

/**
 * Checks on LAZ chunks that laz-perf does not make, shared by in-thread decoding and the decode
 * workers. Each returns what is wrong (a phrase for "LAZ chunk N ... is corrupt: <what>") or null.
 */

/** Integer coordinate window a decompressed point must fall in; see `plausibleWindow`. */
export interface PlausibleWindow {
  lo: [number, number, number];
  hi: [number, number, number];
}

/**
 * LAZ has no checksums: a corrupted chunk decodes to garbage instead of failing. Garbage in the
 * arithmetic-coded XYZ drifts far outside the header bounds within a few points, so points beyond
 * the bounds widened by their own extent on every side (plus 1000 steps) are taken as corruption.
 * Null when the header has no usable bounds (then no check is made).
 */
export function plausibleWindow(h: LasHeader): PlausibleWindow | null {
  const lo: [number, number, number] = [0, 0, 0];
  const hi: [number, number, number] = [0, 0, 0];
  let allZero = true;
  for (let k = 0; k < 3; k++) {
    const a = (h.min[k]! - h.offset[k]!) / h.scale[k]!;
    const b = (h.max[k]! - h.offset[k]!) / h.scale[k]!;
    if (!Number.isFinite(a) || !Number.isFinite(b) || h.min[k]! > h.max[k]!) return null;
    if (h.min[k] !== 0 || h.max[k] !== 0) allZero = false;
    const extent = Math.abs(b - a);
    lo[k] = Math.min(a, b) - extent - 1000;
    hi[k] = Math.max(a, b) + extent + 1000;
  }
  return allZero ? null : { lo, hi };
}

/**
 * A layered (LAS 1.4) chunk opens with its first point raw, a u32 point count and one u32 byte
 * count per layer. laz-perf allocates from those counts without checking them, so they are checked
 * first: the count must match the chunk table, the layers must fill the chunk exactly.
 */
export function layerTableProblem(bytes: Uint8Array, recordLength: number, layerCount: number, pointCount: number): string | null {
  const headerEnd = recordLength + 4 + 4 * layerCount;
  if (bytes.length < headerEnd) return `too short for its ${layerCount} layer sizes`;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const points = dv.getUint32(recordLength, true);
  if (points !== pointCount) return `it says ${points} points, the chunk table ${pointCount}`;
  let sum = headerEnd;
  for (let i = 0; i < layerCount; i++) sum += dv.getUint32(recordLength + 4 + 4 * i, true);
  if (sum !== bytes.length) return `its layers add up to ${sum} bytes, the chunk table says ${bytes.length}`;
  return null;
}

/**
 * The first of records [first, first + count) of `raw` outside `window`; `firstPointNumber` is the
 * file-order number of record `first`, for the message.
 */
export function implausiblePoint(
  raw: Uint8Array,
  first: number,
  count: number,
  recordLength: number,
  window: PlausibleWindow | null,
  firstPointNumber: number,
): string | null {
  if (!window) return null;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = first, o = first * recordLength; i < first + count; i++, o += recordLength) {
    for (let k = 0; k < 3; k++) {
      const v = dv.getInt32(o + 4 * k, true);
      if (v < window.lo[k]! || v > window.hi[k]!)
        return `point ${firstPointNumber + (i - first)} decodes to ${'XYZ'[k]} = ${v} steps, far outside the header bounds`;
    }
  }
  return null;
}
