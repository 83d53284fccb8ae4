import { randomUUID } from 'node:crypto';
import { open as openFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AttributeInfo } from '../../../common/contracts/scans';
import { BadInputError } from '../errors';
import { formatModules } from './formats/registry';
import type { OpenOptions, ReadOptions, ScanColumns, ScanReader } from './formats/types';
import { allocateAttribute, type LabelLayerData, type Scan, type ScanAttribute, type TypedArray } from './model';

/** Bytes handed to each module's `sniff`. */
export const SNIFF_BYTES = 4096;

async function readHead(path: string): Promise<Uint8Array> {
  let fh;
  try {
    fh = await openFile(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BadInputError(basename(path), code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? String(e)})`);
  }
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BadInputError(basename(path), `cannot read (${code ?? String(e)})`);
  } finally {
    await fh.close();
  }
}

/**
 * Opens any supported scan: the first module whose magic matches the first 4 KiB wins (a .laz
 * renamed .las still opens), then the extension decides (formats without magic, like XYZ).
 */
export async function openScan(path: string, options?: OpenOptions): Promise<ScanReader> {
  const head = await readHead(path);
  const bySniff = formatModules.find((m) => m.sniff(head, path));
  if (bySniff) return bySniff.open(path, options);
  const lower = path.toLowerCase();
  // Longest extension first so '.copc.laz' style compound extensions beat their suffix.
  const byExtension = formatModules
    .flatMap((m) => m.extensions.map((ext) => ({ m, ext })))
    .sort((a, b) => b.ext.length - a.ext.length)
    .find(({ ext }) => lower.endsWith(ext));
  if (byExtension) return byExtension.m.open(path, options);
  const supported = [...new Set(formatModules.flatMap((m) => m.extensions))].sort().join(', ');
  throw new BadInputError(basename(path), `unknown scan format (supported extensions: ${supported || 'none registered'})`, { byte: 0 });
}


/** Per-point buffers that grow if a reader yields more points than its header announced. */
class Columns {
  positions: Float32Array;
  readonly attrs: { info: AttributeInfo; values: TypedArray }[];
  count = 0;

  constructor(
    private capacity: number,
    infos: AttributeInfo[],
  ) {
    // Zeroed: a reader may yield fewer points or omit an attribute, and those stay 0.
    this.positions = new Float32Array(capacity * 3);
    this.attrs = infos.map((info) => ({ info, values: allocateAttribute(info.type, capacity * info.components) }));
  }

  /** The columns as ReadOptions.target, for readers that decode in place. */
  target(): ScanColumns {
    return { positions: this.positions, attributes: this.attrs.map((a) => ({ ...a.info, values: a.values })) };
  }

  append(start: number, count: number, positions: Float32Array, attributes: ScanAttribute[]): void {
    const end = start + count;
    if (end > this.capacity) this.grow(Math.max(end, this.capacity * 2));
    copyUnlessInPlace(this.positions, start * 3, positions.subarray(0, count * 3));
    for (const a of this.attrs) {
      const src = attributes.find((s) => s.name === a.info.name);
      if (src) copyUnlessInPlace(a.values, start * a.info.components, src.values.subarray(0, count * a.info.components));
    }
    this.count = Math.max(this.count, end);
  }

  private grow(capacity: number): void {
    const p = new Float32Array(capacity * 3);
    p.set(this.positions);
    this.positions = p;
    for (const a of this.attrs) {
      const v = allocateAttribute(a.info.type, capacity * a.info.components);
      v.set(a.values as never);
      a.values = v;
    }
    this.capacity = capacity;
  }

  /** Trimmed to the points actually read. */
  finish(): { positions: Float32Array; attributes: ScanAttribute[] } {
    const trim = <T extends TypedArray>(v: T, n: number): T => (v.length === n ? v : (v.slice(0, n) as T));
    return {
      positions: trim(this.positions, this.count * 3),
      attributes: this.attrs.map((a) => ({ ...a.info, values: trim(a.values, this.count * a.info.components) })),
    };
  }
}

/** `src` into `dst` at `at`, skipped when a reader already decoded it there (ReadOptions.target). */
function copyUnlessInPlace(dst: TypedArray, at: number, src: TypedArray): void {
  if (src.buffer === dst.buffer && src.byteOffset === dst.byteOffset + at * dst.BYTES_PER_ELEMENT) return;
  dst.set(src as never, at);
}

/**
 * Label values in the model's label array types. Unsigned and int32 attributes are shared, not
 * copied (a 100 M point LAS would otherwise hold its classification twice); others become int32.
 */
function labelValues(values: TypedArray): LabelLayerData['values'] {
  if (values instanceof Uint8Array || values instanceof Uint16Array || values instanceof Uint32Array || values instanceof Int32Array)
    return values;
  return Int32Array.from(values, (v) => Math.round(v));
}

/**
 * Reads a whole scan into the canonical model. Memory is the scan's size (this is the import path
 * for scans that fit in memory; large ones stream through `openScan(...).chunks()`).
 */
export async function readScan(path: string, options: OpenOptions & ReadOptions = {}): Promise<Scan> {
  const reader = await openScan(path, options);
  try {
    const info = reader.info;
    const cols = new Columns(info.pointCount, info.attributes);
    for await (const chunk of reader.chunks({ chunkPoints: options.chunkPoints, signal: options.signal, target: cols.target() })) {
      cols.append(chunk.start, chunk.count, chunk.positions, chunk.attributes);
    }
    const { positions, attributes } = cols.finish();
    const mesh = await reader.mesh();
    const labelLayers: LabelLayerData[] = [];
    for (const l of reader.labelAttributes()) {
      const pool = l.target === 'points' ? attributes : (mesh?.faceAttributes ?? []);
      const a = pool.find((x) => x.name === l.attribute);
      if (!a) continue;
      labelLayers.push({ name: l.name, kind: 'imported', attribute: l.attribute, values: labelValues(a.values), target: l.target });
    }
    return {
      id: randomUUID(),
      name: basename(path),
      format: info.format,
      sourcePath: path,
      origin: info.origin,
      positions,
      pointCount: positions.length / 3,
      attributes,
      mesh,
      labelLayers,
      crs: info.crs,
      source: info.source,
    };
  } finally {
    await reader.close();
  }
}

/** Adds one label array (or any integer values) to a running histogram. */
export function addToHistogram(histogram: Map<number, number>, values: ArrayLike<number>): Map<number, number> {
  if (values.length < 16384) {
    for (let i = 0; i < values.length; i++) histogram.set(values[i]!, (histogram.get(values[i]!) ?? 0) + 1);
    return histogram;
  }
  // Large arrays of small non-negative integers (class codes): count densely, then fold into the map.
  const dense = new Float64Array(65536);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v >= 0 && v < 65536 && Number.isInteger(v)) dense[v]!++;
    else histogram.set(v, (histogram.get(v) ?? 0) + 1);
  }
  for (let v = 0; v < 65536; v++) if (dense[v]) histogram.set(v, (histogram.get(v) ?? 0) + dense[v]!);
  return histogram;
}

/** Count of each distinct value, keys in ascending order. */
export function classHistogram(values: ArrayLike<number>): Map<number, number> {
  const h = addToHistogram(new Map(), values);
  return new Map([...h.entries()].sort((a, b) => a[0] - b[0]));
}
