import type { AttributeType } from '../../../common/contracts/scans';
import type { PointChunk } from '../scans/formats/types';
import { fillColumn, recordBytes, TYPE_BYTES, type Column, type FieldSpec } from './binaryFields';
import { bump, ensureMemory, get, instantiate, MEM0, op, VOID, type I32Function, type WasmMemory } from './wasmModule';

/**
 * Interleaves field columns into little-endian point records (binary PLY and PCD). Each field's
 * values are computed into a typed column in WebAssembly memory (a plain typed-array loop, or a
 * copy when the source attribute already has that type), then scattered into the records, a
 * cache-sized block of records at a time, by a WebAssembly loop per element size:
 *   (func (export "scatter<size>") (param $src $dst $n $stride i32)
 *     (block (br_if 0 (i32.eqz $n))
 *       (loop (<store size> $dst (<load size> $src))
 *             $src += size, $dst += $stride
 *             (br_if 0 (local.tee $n (i32.sub $n 1))))))
 * The JS encoder this replaces wrote every value through a bound closure and a DataView call
 * (~1-2 M points/s for 15 fields); the records are written out straight from the module's memory.
 */
const SRC = 0, DST = 1, N = 2, STRIDE = 3;
const ACCESS: Record<number, [number, number]> = {
  1: [op.load8u, op.store8],
  2: [op.load16u, op.store16],
  4: [op.load, op.store],
  8: [op.load64, op.store64],
};
const SIZES = [1, 2, 4, 8];
/** Records per scatter block: ~100-400 KB of records, within L2. */
const BLOCK_POINTS = 4096;

function scatterBody(size: number): number[] {
  const [load, store] = ACCESS[size]!;
  return [
    op.block, VOID,
    ...get(N), op.eqz, op.brIf, 0,
    op.loop, VOID,
    ...get(DST), ...get(SRC), load, ...MEM0, store, ...MEM0,
    ...bump(SRC, [op.const, size]),
    ...bump(DST, get(STRIDE)),
    ...get(N), op.const, 1, op.sub, op.tee, N, op.brIf, 0,
    op.end,
    op.end,
    op.end,
  ];
}

const COLUMN_TYPES: Record<AttributeType, new (buffer: ArrayBuffer, offset: number, length: number) => Column> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/**
 * One per export: memory for the field columns and the records of `capacity` points (grown if a chunk
 * is larger). The records returned by `encode` are a view of that memory, valid until the next call (callers
 * await their write first).
 */
export class RecordEncoder {
  readonly stride: number;
  private readonly memory: WasmMemory;
  private readonly scatter: Record<number, I32Function>;
  private recordsAt = 0;
  private columnsAt: number[] = [];

  constructor(
    private readonly specs: readonly FieldSpec[],
    private capacity: number,
  ) {
    this.stride = recordBytes(specs);
    const instance = instantiate(4, 0, SIZES.map((size) => ({ name: `scatter${size}`, body: scatterBody(size) })));
    this.memory = instance.memory;
    this.scatter = Object.fromEntries(SIZES.map((size) => [size, instance.exports[`scatter${size}`]!]));
    this.reserve(capacity);
  }

  /** Memory for `capacity` points: every field's column (each 8-byte aligned), then the records. */
  private reserve(capacity: number): void {
    this.capacity = capacity;
    this.columnsAt = [];
    let at = 0;
    for (const spec of this.specs) {
      this.columnsAt.push(at);
      at += (capacity * TYPE_BYTES[spec.type] + 7) & ~7;
    }
    this.recordsAt = at;
    ensureMemory(this.memory, this.recordsAt + capacity * this.stride);
  }

  /** Records of the chunk's points listed in `local` (every point of the chunk when null). */
  encode(chunk: PointChunk, local: Uint32Array | null): Uint8Array {
    const count = local ? local.length : chunk.count;
    if (count > this.capacity) this.reserve(count); // a reader may yield larger chunks than asked for
    const buf = this.memory.buffer;
    this.specs.forEach((spec, f) => fillColumn(spec, chunk, local, new COLUMN_TYPES[spec.type](buf, this.columnsAt[f]!, count)));
    // Scattered a block of records at a time, so the block stays in cache while every field is written into it.
    for (let from = 0; from < count; from += BLOCK_POINTS) {
      const n = Math.min(BLOCK_POINTS, count - from);
      let offset = 0;
      this.specs.forEach((spec, f) => {
        const size = TYPE_BYTES[spec.type];
        this.scatter[size]!(this.columnsAt[f]! + from * size, this.recordsAt + from * this.stride + offset, n, this.stride);
        offset += size;
      });
    }
    return new Uint8Array(buf, this.recordsAt, count * this.stride);
  }
}
