import type { AttributeInfo } from '../../../common/contracts/scans';
import type { ScanAttribute } from '../scans/model';
import type { NodeAttribute } from './format';

/**
 * Points travel between the passes, the spill files and the workers as fixed 28-byte records:
 *   x y z float32 | original index uint32 | intensity uint16 | classification uint16 | r g b uint16 | pad
 * One interleaved layout keeps spilling, sorting and transferring a chunk to a worker a matter of
 * moving one ArrayBuffer. Colour is kept at 16 bits until the whole scan has been seen, because
 * whether a uint16 colour is really 8-bit (max <= 255) is only known at the end.
 */
export const RECORD_BYTES = 28;
export const RECORD_WORDS = 7;
const HALF = 14; // uint16 slots per record
const H_INTENSITY = 8;
const H_CLASS = 9;
const H_RED = 10;

export interface Records {
  count: number;
  bytes: Uint8Array;
  f32: Float32Array;
  u32: Uint32Array;
  u16: Uint16Array;
}

export function allocRecords(count: number): Records {
  return recordsOver(new ArrayBuffer(count * RECORD_BYTES), count);
}

export function recordsOver(buffer: ArrayBufferLike, count: number, byteOffset = 0): Records {
  return {
    count,
    bytes: new Uint8Array(buffer, byteOffset, count * RECORD_BYTES),
    f32: new Float32Array(buffer, byteOffset, count * RECORD_WORDS),
    u32: new Uint32Array(buffer, byteOffset, count * RECORD_WORDS),
    u16: new Uint16Array(buffer, byteOffset, count * HALF),
  };
}

/** Copies record `from` of `src` to slot `to` of `dst`. */
export function copyRecord(src: Records, from: number, dst: Records, to: number): void {
  const s = from * RECORD_WORDS;
  const d = to * RECORD_WORDS;
  const a = src.u32;
  const b = dst.u32;
  b[d] = a[s]!;
  b[d + 1] = a[s + 1]!;
  b[d + 2] = a[s + 2]!;
  b[d + 3] = a[s + 3]!;
  b[d + 4] = a[s + 4]!;
  b[d + 5] = a[s + 5]!;
  b[d + 6] = a[s + 6]!;
}

/** Which source attributes feed the optional node attributes. */
export interface AttributeSources {
  color: { name: string; type: AttributeInfo['type'] } | null;
  intensity: string | null;
  classification: string | null;
}

const COLOR_NAMES = ['color', 'rgb', 'colors'];

export function pickAttributeSources(attributes: readonly AttributeInfo[]): AttributeSources {
  const color = attributes.find((a) => COLOR_NAMES.includes(a.name.toLowerCase()) && a.components >= 3);
  const intensity = attributes.find((a) => a.name.toLowerCase() === 'intensity' && a.components === 1);
  const classification = attributes.find((a) => a.name.toLowerCase() === 'classification' && a.components === 1);
  return {
    color: color ? { name: color.name, type: color.type } : null,
    intensity: intensity?.name ?? null,
    classification: classification?.name ?? null,
  };
}

export function nodeAttributesFor(sources: AttributeSources): NodeAttribute[] {
  const list: NodeAttribute[] = [{ name: 'position', type: 'float32', components: 3 }];
  if (sources.color) {
    const color: NodeAttribute = { name: 'color', type: 'uint8', components: 3 };
    if (sources.color.type !== 'uint8') color.sourceType = sources.color.type;
    list.push(color);
  }
  if (sources.intensity) list.push({ name: 'intensity', type: 'uint16', components: 1 });
  if (sources.classification) list.push({ name: 'classification', type: 'uint16', components: 1 });
  list.push({ name: 'index', type: 'uint32', components: 1 });
  return list;
}

/**
 * Fills records from columnar point data: either `count` consecutive source points from `srcStart`
 * (a reader chunk) or the source points listed in `order` (gathering a chunk out of an in-memory scan).
 * `firstIndex` is the original index of source point 0 of `positions`. Colour goes to 16 bits:
 * uint8 scaled by 257 (255 -> 65535), uint16 kept, floats read as 0..1. One fused pass per point:
 * this runs once for every point of every scan.
 */
export function fillRecords(
  out: Records,
  at: number,
  positions: Float32Array,
  attributes: readonly ScanAttribute[],
  sources: AttributeSources,
  firstIndex: number,
  src: { start: number; count: number } | { order: Uint32Array },
): void {
  const order = 'order' in src ? src.order : null;
  const count = order ? order.length : (src as { count: number }).count;
  const start = order ? 0 : (src as { start: number }).start;
  const exact = exactColumns(positions, attributes, sources);
  if (exact) {
    fillExact(out, at, exact, firstIndex, order, start, count);
    return;
  }
  const byName = (name: string | null) => (name === null ? undefined : attributes.find((a) => a.name === name));
  const intensity = byName(sources.intensity)?.values;
  const classification = byName(sources.classification)?.values;
  const colorAttr = sources.color ? byName(sources.color.name) : undefined;
  fillAny(out, at, positions, intensity, classification, colorAttr, firstIndex, order, start, count);
}

type Exact = Uint8Array | Uint16Array;
const NONE = new Uint16Array(0);

/** The point's columns when every attribute is stored as it is (no rounding), else null. */
export function exactColumns(positions: Float32Array, attributes: readonly ScanAttribute[], sources: AttributeSources): ExactColumns | null {
  const byName = (name: string | null) => (name === null ? undefined : attributes.find((a) => a.name === name));
  const intensity = byName(sources.intensity)?.values;
  const classification = byName(sources.classification)?.values;
  const colorAttr = sources.color ? byName(sources.color.name) : undefined;
  const color = colorAttr?.values;
  if (!isExact(intensity) || !isExact(classification) || !isExact(color) || (colorAttr && colorAttr.components !== 3)) return null;
  return {
    positions,
    intensity: intensity ?? NONE,
    classification: classification ?? NONE,
    color: color ?? NONE,
    colorFactor: color instanceof Uint8Array ? 257 : 1,
    hasIntensity: intensity !== undefined,
    hasClassification: classification !== undefined,
    hasColor: color !== undefined,
  };
}

function isExact(values: ScanAttribute['values'] | undefined): values is Exact | undefined {
  return values === undefined || values instanceof Uint8Array || values instanceof Uint16Array;
}

/** Integer columns stored as they are (uint8 colour scaled by 257): the case of LAS, PLY and the demo scene. */
export interface ExactColumns {
  positions: Float32Array;
  intensity: Exact;
  classification: Exact;
  color: Exact;
  colorFactor: number;
  hasIntensity: boolean;
  hasClassification: boolean;
  hasColor: boolean;
}

/**
 * The in-memory gather: one fused pass over the listed points. Kept free of closures and per-point
 * type tests: it runs on the main thread for every point of an in-memory scan (random reads when the
 * scan is not in spatial order), which made it the build's serial bottleneck.
 */
function fillExact(out: Records, at: number, c: ExactColumns, firstIndex: number, order: Uint32Array | null, start: number, count: number): void {
  const { positions, intensity, classification, color, colorFactor, hasIntensity, hasClassification, hasColor } = c;
  const { f32, u32, u16 } = out;
  for (let i = 0, w = at * RECORD_WORDS; i < count; i++, w += RECORD_WORDS) {
    // A gather (order) or a run of consecutive points from `start` (a reader chunk).
    const s = order ? order[i]! : start + i;
    const p = s * 3;
    const h = w * 2;
    f32[w] = positions[p]!;
    f32[w + 1] = positions[p + 1]!;
    f32[w + 2] = positions[p + 2]!;
    u32[w + 3] = firstIndex + s;
    u16[h + H_INTENSITY] = hasIntensity ? intensity[s]! : 0;
    u16[h + H_CLASS] = hasClassification ? classification[s]! : 0;
    if (hasColor) {
      u16[h + H_RED] = color[p]! * colorFactor;
      u16[h + H_RED + 1] = color[p + 1]! * colorFactor;
      u16[h + H_RED + 2] = color[p + 2]! * colorFactor;
    } else {
      u16[h + H_RED] = 0;
      u16[h + H_RED + 1] = 0;
      u16[h + H_RED + 2] = 0;
    }
    u16[h + H_RED + 3] = 0;
  }
}

/** Any attribute types (float colour, float or 32-bit scalars, colour with more than 3 components). */
function fillAny(
  out: Records,
  at: number,
  positions: Float32Array,
  intensityValues: ScanAttribute['values'] | undefined,
  classificationValues: ScanAttribute['values'] | undefined,
  colorAttr: ScanAttribute | undefined,
  firstIndex: number,
  order: Uint32Array | null,
  start: number,
  count: number,
): void {
  const intensity = scalarReader(intensityValues);
  const classification = scalarReader(classificationValues);
  const color = colorAttr?.values;
  const cc = colorAttr?.components ?? 0;
  const float = color instanceof Float32Array || color instanceof Float64Array;
  const colorFactor = color instanceof Uint8Array ? 257 : float ? 65535 : 1;
  const colorExact = color instanceof Uint8Array || color instanceof Uint16Array;
  const { f32, u32, u16 } = out;
  for (let i = 0; i < count; i++) {
    const s = order ? order[i]! : start + i;
    const w = (at + i) * RECORD_WORDS;
    const h = w * 2;
    f32[w] = positions[s * 3]!;
    f32[w + 1] = positions[s * 3 + 1]!;
    f32[w + 2] = positions[s * 3 + 2]!;
    u32[w + 3] = firstIndex + s;
    u16[h + H_INTENSITY] = intensity ? intensity(s) : 0;
    u16[h + H_CLASS] = classification ? classification(s) : 0;
    if (color) {
      const c = s * cc;
      if (colorExact) {
        u16[h + H_RED] = color[c]! * colorFactor;
        u16[h + H_RED + 1] = color[c + 1]! * colorFactor;
        u16[h + H_RED + 2] = color[c + 2]! * colorFactor;
      } else {
        u16[h + H_RED] = clamp16(Math.round(color[c]! * colorFactor));
        u16[h + H_RED + 1] = clamp16(Math.round(color[c + 1]! * colorFactor));
        u16[h + H_RED + 2] = clamp16(Math.round(color[c + 2]! * colorFactor));
      }
    } else {
      u16[h + H_RED] = 0;
      u16[h + H_RED + 1] = 0;
      u16[h + H_RED + 2] = 0;
    }
    u16[h + H_RED + 3] = 0;
  }
}

/** uint8/uint16 values are stored as they are; other types rounded and clamped to 0..65535. */
function scalarReader(v: ScanAttribute['values'] | undefined): ((s: number) => number) | null {
  if (!v) return null;
  if (v instanceof Uint16Array || v instanceof Uint8Array) return (s) => v[s]!;
  return (s) => clamp16(Math.round(v[s]!));
}

function clamp16(v: number): number {
  return v < 0 ? 0 : v > 65535 ? 65535 : v | 0;
}

/** Largest colour component after the 16-bit conversion of fillRecords (decides whether 16-bit colour is really 8-bit). */
export function colorMax16(color: ScanAttribute, fromPoint = 0, toPoint = color.values.length / color.components): number {
  const values = color.values;
  const float = values instanceof Float32Array || values instanceof Float64Array;
  const factor = values instanceof Uint8Array ? 257 : float ? 65535 : 1;
  let max = 0;
  for (let i = fromPoint * color.components, end = toPoint * color.components; i < end; i++) if (values[i]! > max) max = values[i]!;
  return clamp16(Math.round(max * factor));
}

export const RECORD_SLOTS = { HALF, H_INTENSITY, H_CLASS, H_RED } as const;
