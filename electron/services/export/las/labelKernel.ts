/**
 * The LAS-source export's inner loop in WebAssembly: each source record is copied into its output
 * slot in 8-byte words, then the class byte, the instance (uint32) and the confidence
 * (uint8) are patched from the label arrays, in the same pass over the bytes. The source batch is
 * read straight into the module's memory and the output written straight from it, so a point costs
 * one copy of its record and no JS per-byte work (JS byte loops and DataView writes ran at ~7 M
 * points/s of CPU; this runs at memory speed).
 *
 * The module is the function below, emitted by the small builder in this file:
 *   (func (export "copyLabeled")
 *     (param $src $dst $n $inLen $outLen $codes $inst $conf $classAt $classMask $instAt $confAt $unlabeled i32)
 *     (local $c $p $k i32)
 *     (block (br_if 0 (i32.eqz $n))
 *       (loop
 *         ;; words may run up to 7 bytes past the record: into its label fields or the next slot,
 *         ;; both written afterwards, or the 8 spare bytes after the last slot
 *         (local.set $k 0) (loop (i64.store (i32.add $dst $k) (i64.load (i32.add $src $k)))
 *                                (local.set $k (i32.add $k 8)) (br_if 0 (i32.lt_u $k $inLen)))
 *         (local.set $c (i32.load $codes))
 *         (local.set $p (i32.add $dst $classAt))
 *         ;; class byte: the flag bits the mask keeps, or'ed with the export code (unlabeled for code < 0)
 *         (i32.store8 $p (i32.or (i32.and (i32.load8_u $p) $classMask) (select $unlabeled $c (i32.lt_s $c 0))))
 *         (i32.store (i32.add $dst $instAt) (i32.load $inst))
 *         (i32.store8 (i32.add $dst $confAt) (i32.load8_u $conf))
 *         $src += $inLen, $dst += $outLen, $codes += 4, $inst += 4, $conf += 1
 *         (br_if 0 (local.tee $n (i32.sub $n 1))))))
 *   (memory (export "mem") 1)
 */

const I32 = 0x7f;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  select: 0x1b,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  load: 0x28,
  load64: 0x29,
  load8u: 0x2d,
  store: 0x36,
  store8: 0x3a,
  store64: 0x37,
  const: 0x41,
  eqz: 0x45,
  ltS: 0x48,
  ltU: 0x49,
  add: 0x6a,
  sub: 0x6b,
  and: 0x71,
  or: 0x72,
} as const;
const VOID = 0x40;
const MEM0 = [0x00, 0x00]; // memarg: alignment hint 1 byte (records are unaligned), offset 0

// Parameter and local indices.
const SRC = 0, DST = 1, N = 2, IN_LEN = 3, OUT_LEN = 4, CODES = 5, INST = 6, CONF = 7;
const CLASS_AT = 8, CLASS_MASK = 9, INST_AT = 10, CONF_AT = 11, UNLABELED = 12;
const PARAMS = 13;
const C = 13, P = 14, K = 15; // locals

const get = (i: number) => [op.get, i];
const bump = (local: number, by: number[]) => [...get(local), ...by, op.add, op.set, local];

const BODY = [
  op.block, VOID,
  ...get(N), op.eqz, op.brIf, 0,
  op.loop, VOID,
  // The record in 8-byte words (memory.copy per 30-40 byte record costs a runtime call each).
  op.const, 0, op.set, K,
  op.loop, VOID,
  ...get(DST), ...get(K), op.add, ...get(SRC), ...get(K), op.add, op.load64, ...MEM0, op.store64, ...MEM0,
  ...bump(K, [op.const, 8]),
  ...get(K), ...get(IN_LEN), op.ltU, op.brIf, 0,
  op.end,
  ...get(CODES), op.load, ...MEM0, op.set, C,
  ...get(DST), ...get(CLASS_AT), op.add, op.set, P,
  ...get(P),
  ...get(P), op.load8u, ...MEM0, ...get(CLASS_MASK), op.and,
  ...get(UNLABELED), ...get(C), ...get(C), op.const, 0, op.ltS, op.select,
  op.or, op.store8, ...MEM0,
  ...get(DST), ...get(INST_AT), op.add, ...get(INST), op.load, ...MEM0, op.store, ...MEM0,
  ...get(DST), ...get(CONF_AT), op.add, ...get(CONF), op.load8u, ...MEM0, op.store8, ...MEM0,
  ...bump(SRC, get(IN_LEN)),
  ...bump(DST, get(OUT_LEN)),
  ...bump(CODES, [op.const, 4]),
  ...bump(INST, [op.const, 4]),
  ...bump(CONF, [op.const, 1]),
  ...get(N), op.const, 1, op.sub, op.tee, N, op.brIf, 0,
  op.end,
  op.end,
  op.end,
];

/** Unsigned LEB128, as every WebAssembly length and index is written. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const vec = (bytes: number[]) => [...leb(bytes.length), ...bytes];
const section = (id: number, bytes: number[]) => [id, ...vec(bytes)];
const name = (s: string) => vec([...s].map((c) => c.charCodeAt(0)));

function moduleBytes(): Uint8Array {
  const body = [...leb(1), ...leb(3), I32, ...BODY]; // one local group: 3 x i32
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...leb(1), 0x60, ...vec(Array<number>(PARAMS).fill(I32)), ...leb(0)]), // type: (13 x i32) -> ()
    ...section(3, [...leb(1), ...leb(0)]), // function 0 has type 0
    ...section(5, [...leb(1), 0x00, ...leb(1)]), // memory: 1 page minimum, no maximum
    ...section(7, [...leb(2), ...name('mem'), 0x02, ...leb(0), ...name('copyLabeled'), 0x00, ...leb(0)]),
    ...section(10, [...leb(1), ...vec(body)]),
  ]);
}

/** The slice of the WebAssembly JS API used here (services compile without DOM typings). */
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type CopyLabeled = (...args: number[]) => void;

/** Where each label field sits in an output record. */
export interface LabelLayout {
  inRecordLength: number;
  outRecordLength: number;
  classAt: number;
  /** Bits of the class byte kept from the source (legacy formats keep their 3 flag bits). */
  classMask: number;
  instanceAt: number;
  confidenceAt: number;
  /** Class written where the export code is negative (unlabeled). */
  unlabeled: number;
}

/**
 * One instance per export: its memory holds [source records | output records | codes | instances |
 * confidence] for one batch of `capacity` points and is grown once, before any view is handed out.
 */
export class LabelKernel {
  private readonly memory: WasmMemory;
  private readonly copyLabeled: CopyLabeled;
  private readonly outAt: number;
  private readonly codesAt: number;
  private readonly instAt: number;
  private readonly confAt: number;

  constructor(
    private readonly layout: LabelLayout,
    private readonly capacity: number,
  ) {
    const instance = new wasm.Instance(new wasm.Module(moduleBytes()));
    this.memory = instance.exports.mem as WasmMemory;
    this.copyLabeled = instance.exports.copyLabeled as CopyLabeled;
    this.outAt = capacity * layout.inRecordLength;
    // 8 spare bytes: the last record's final word may run past its slot.
    this.codesAt = align4(this.outAt + capacity * layout.outRecordLength + 8);
    this.instAt = this.codesAt + 4 * capacity;
    this.confAt = this.instAt + 4 * capacity;
    const need = this.confAt + capacity;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
  }

  /** Where the next batch of source records goes (read straight into the module's memory). */
  get input(): Uint8Array {
    return new Uint8Array(this.memory.buffer, 0, this.outAt);
  }

  /**
   * Turns the `count` records in `input` (global points first..first+count-1) into output records
   * and returns them, a view of the module's memory valid until the next call.
   */
  run(count: number, first: number, codes: Int32Array, instances: Uint32Array, confidence: Uint8Array): Uint8Array {
    if (count > this.capacity) throw new RangeError(`batch of ${count} points exceeds the kernel's ${this.capacity}`);
    const buf = this.memory.buffer;
    new Int32Array(buf, this.codesAt, count).set(codes.subarray(first, first + count));
    new Uint32Array(buf, this.instAt, count).set(instances.subarray(first, first + count));
    new Uint8Array(buf, this.confAt, count).set(confidence.subarray(first, first + count));
    const l = this.layout;
    this.copyLabeled(0, this.outAt, count, l.inRecordLength, l.outRecordLength, this.codesAt, this.instAt, this.confAt, l.classAt, l.classMask, l.instanceAt, l.confidenceAt, l.unlabeled);
    return new Uint8Array(buf, this.outAt, count * l.outRecordLength);
  }
}

const align4 = (n: number) => (n + 3) & ~3;
