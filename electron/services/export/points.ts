import type { ScanAttribute } from '../scans/model';
import type { PointChunk, ScanInfo, ScanReader } from '../scans/formats/types';

/** Points per chunk the generic exporters request from the source reader. */
export const EXPORT_CHUNK_POINTS = 262_144;

/** Finest coordinate step assumed for sources that store plain doubles (text, E57): 0.1 mm. */
const DOUBLE_SOURCE_RESOLUTION = 1e-4;

/**
 * How absolute coordinates are recovered and stored by the non-LAS exporters.
 * `type` is float32 when the source itself stored float32 (nothing to gain from doubles) or when
 * float32 keeps the source's resolution across the scan's extent; float64 otherwise (georeferenced
 * LiDAR: UTM eastings of 500 km need doubles to keep centimetres).
 */
export interface Coordinates {
  type: 'float32' | 'float64';
  /** Decimals text formats print: those of the LAS scale, else 6. */
  decimals: number;
  /** Absolute coordinate k of point i of a chunk. */
  value(positions: Float32Array, i: number, k: number): number;
}

interface LasLike {
  format: 'las';
  scale: [number, number, number];
  offset: [number, number, number];
  originSteps: [number, number, number];
  positionsExact: [boolean, boolean, boolean];
}

const isLas = (s: unknown): s is LasLike => (s as { format?: string } | null)?.format === 'las';

/** Whether the source file itself stores float32 coordinates (so its own step is the float32 one). */
export function storesFloat32(info: ScanInfo): boolean {
  const s = info.source as Record<string, unknown> | null;
  if (!s) return info.format === 'gltf';
  if (s.format === 'ply') {
    const vertex = (s.elements as { name: string; properties: { name: string; type?: string }[] }[]).find((e) => e.name === 'vertex');
    return ['x', 'y', 'z'].every((n) => vertex?.properties.find((p) => p.name === n)?.type === 'float32');
  }
  if (s.format === 'pcd') {
    const fields = s.fields as { name: string; size: number; type: string }[];
    return ['x', 'y', 'z'].every((n) => fields.some((f) => f.name === n && f.type === 'F' && f.size === 4));
  }
  return false;
}

export function coordinatesOf(info: ScanInfo): Coordinates {
  const origin = info.origin;
  const maxAbs = Math.max(...info.boundsMin.map(Math.abs), ...info.boundsMax.map(Math.abs));
  const src = info.source;
  if (isLas(src) && src.positionsExact.every(Boolean)) {
    // X = offset + X_int * scale with X_int = n + round(f / scale): the file's own value (see origin.ts).
    const { scale, offset, originSteps } = src;
    const resolution = Math.min(...scale.map(Math.abs));
    return {
      type: maxAbs * 2 ** -23 > resolution / 2 ? 'float64' : 'float32',
      decimals: Math.max(0, Math.min(12, Math.ceil(-Math.log10(resolution) - 1e-9))),
      value: (p, i, k) => offset[k]! + (originSteps[k]! + Math.round(p[3 * i + k]! / scale[k]!)) * scale[k]!,
    };
  }
  const type = storesFloat32(info) || maxAbs * 2 ** -23 <= DOUBLE_SOURCE_RESOLUTION / 2 ? 'float32' : 'float64';
  return { type, decimals: 6, value: (p, i, k) => origin[k]! + p[3 * i + k]! };
}

/** Streams the source's points in order; `start` of each chunk is the label index of its first point. */
export async function* sourceChunks(reader: ScanReader, signal?: AbortSignal): AsyncIterable<PointChunk> {
  for await (const chunk of reader.chunks({ chunkPoints: EXPORT_CHUNK_POINTS, signal })) {
    signal?.throwIfAborted();
    yield chunk;
  }
}

export const findAttribute = (attrs: readonly ScanAttribute[], name: string): ScanAttribute | undefined => attrs.find((a) => a.name === name);

/** 8-bit colour channel from any stored colour type (LAS colours are 16-bit, so they are scaled down). */
export function colorByte(attr: ScanAttribute, value: number): number {
  if (attr.type === 'uint8') return value;
  if (attr.type === 'uint16') return value >> 8;
  if (attr.type === 'float32' || attr.type === 'float64') return Math.max(0, Math.min(255, Math.round(value <= 1 ? value * 255 : value)));
  return Math.max(0, Math.min(255, value));
}

/** Formats a coordinate with fixed decimals, trailing zeros removed ("12.50" -> "12.5"). */
export function formatCoordinate(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  if (decimals === 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  const t = s.slice(0, end);
  return t === '-0' ? '0' : t;
}
