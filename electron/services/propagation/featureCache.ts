import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { PreparedScan } from './prepare';

/**
 * The prepared scan (superpoints, their features and graph, ground, quantized point rows) as one binary sidecar file in
 * the project folder, so the expensive once-per-scan job is not redone at every launch.
 *
 * Layout: "SLPROP\0\0", u32 format version, u32 header length, UTF-8 JSON header (point count,
 * positions fingerprint, feature names, section table), then each section's raw little-endian
 * typed array, 8-byte aligned. A file from another format version or for different positions is
 * rejected (null), never misread: the caller recomputes.
 */
export const FEATURE_CACHE_VERSION = 4;
const MAGIC = 'SLPROP\0\0';

type ArrayKind = 'i32' | 'u32' | 'f32' | 'u8';
interface Section {
  name: string;
  kind: ArrayKind;
  length: number;
}
interface Header {
  pointCount: number;
  fingerprint: string;
  superpointCount: number;
  segmentDim: number;
  segmentNames: string[];
  pointDim: number;
  sections: Section[];
}

const CTORS = { i32: Int32Array, u32: Uint32Array, f32: Float32Array, u8: Uint8Array } as const;

/** FNV-1a-style hash of every position (as 32-bit words) and the count: ~10 ms per million points, and any moved point changes it. */
export function positionsFingerprint(positions: Float32Array): string {
  const words = new Uint32Array(positions.buffer, positions.byteOffset, positions.length);
  let h = 0x811c9dc5 ^ (positions.length >>> 0);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return `${positions.length}:${(h >>> 0).toString(16)}`;
}

export function writeFeatureCache(file: string, prepared: PreparedScan, positions: Float32Array): void {
  const sp = prepared.superpoints;
  const arrays: [string, ArrayKind, Int32Array | Uint32Array | Float32Array | Uint8Array][] = [
    ['of', 'i32', sp.of],
    ['size', 'u32', sp.size],
    ['centroid', 'f32', sp.centroid],
    ['offsets', 'i32', sp.offsets],
    ['neighbours', 'i32', sp.neighbours],
    ['weights', 'f32', sp.weights],
    ['segments', 'f32', prepared.segments.values],
    ['affinity', 'f32', prepared.affinity],
    ['ground', 'u8', prepared.ground],
    ['heightAboveGround', 'f32', prepared.heightAboveGround],
    ['pointRows', 'u8', prepared.pointRows.values],
  ];
  const header: Header = {
    pointCount: prepared.pointCount,
    fingerprint: positionsFingerprint(positions),
    superpointCount: sp.count,
    segmentDim: prepared.segments.dim,
    segmentNames: prepared.segments.names,
    pointDim: prepared.pointRows.dim,
    sections: arrays.map(([name, kind, a]) => ({ name, kind, length: a.length })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerEnd = align8(16 + json.length);
  let total = headerEnd;
  for (const [, , a] of arrays) total += align8(a.byteLength);
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(FEATURE_CACHE_VERSION, 8);
  out.writeUInt32LE(json.length, 12);
  json.copy(out, 16);
  let at = headerEnd;
  for (const [, , a] of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += align8(a.byteLength);
  }
  // Write-then-rename: a crash mid-write leaves the old cache or none, never a torn one.
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, out);
  renameSync(tmp, file);
}

/** The cached prepared scan, or null when the file is missing, stale, from another version or damaged. */
export function readFeatureCache(file: string, positions: Float32Array): PreparedScan | null {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return null;
  }
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC || buf.readUInt32LE(8) !== FEATURE_CACHE_VERSION) return null;
  const len = buf.readUInt32LE(12);
  if (16 + len > buf.length) return null;
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 16, 16 + len)) as Header;
  } catch {
    return null;
  }
  if (header.fingerprint !== positionsFingerprint(positions) || header.pointCount !== positions.length / 3) return null;
  const got = new Map<string, Int32Array | Uint32Array | Float32Array | Uint8Array>();
  let at = align8(16 + len);
  for (const s of header.sections) {
    const Ctor = CTORS[s.kind];
    const bytes = s.length * Ctor.BYTES_PER_ELEMENT;
    if (at + bytes > buf.length) return null;
    // Copy into a fresh, aligned buffer (the file buffer's offset need not be aligned for the type).
    const a = new Ctor(s.length);
    new Uint8Array(a.buffer).set(buf.subarray(at, at + bytes));
    got.set(s.name, a);
    at += align8(bytes);
  }
  const take = <T>(name: string) => {
    const a = got.get(name);
    if (!a) throw new Error(`feature cache lacks section ${name}`);
    return a as T;
  };
  try {
    return {
      pointCount: header.pointCount,
      superpoints: {
        count: header.superpointCount,
        of: take<Int32Array>('of'),
        size: take<Uint32Array>('size'),
        centroid: take<Float32Array>('centroid'),
        offsets: take<Int32Array>('offsets'),
        neighbours: take<Int32Array>('neighbours'),
        weights: take<Float32Array>('weights'),
      },
      segments: { count: header.superpointCount, dim: header.segmentDim, names: header.segmentNames, values: take<Float32Array>('segments') },
      affinity: take<Float32Array>('affinity'),
      ground: take<Uint8Array>('ground'),
      heightAboveGround: take<Float32Array>('heightAboveGround'),
      pointRows: { dim: header.pointDim, values: take<Uint8Array>('pointRows') },
    };
  } catch {
    return null;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
