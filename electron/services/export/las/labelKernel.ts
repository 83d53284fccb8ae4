import type { ExportLabels } from '../labels';
import { bump, ensureMemory, get, instantiate, MEM0, op, VOID, type I32Function, type WasmMemory } from '../wasmModule';

/**
 * The LAS-source export's inner loop in WebAssembly: each source record is copied into its output
 * slot in 8-byte words, then the class byte, the instance (uint32) and the confidence (uint8) are
 * patched, in the same pass over the bytes. The source batch is read straight into the module's
 * memory and the output written straight from it, so a point costs one copy of its record and no
 * JS per-byte work (JS byte loops and DataView writes ran at ~7 M points/s of CPU; this runs at
 * memory speed).
 *
 * Labels come either as the stored layer (class codes of 1 or 2 bytes, mapped to export codes
 * through a 65536-entry table in the module's memory, so no full-length export arrays are built)
 * or as export codes resolved beforehand (merged predictions). Three functions, one per label
 * source, emitted by the small builder in this file:
 *   (func (export "copyLabeled<variant>")
 *     (param $src $dst $n $inLen $outLen $cls $lut $inst $conf $classAt $classMask $instAt $confAt $unlabeled i32)
 *     (local $c $p $k $ok i32)
 *     (block (br_if 0 (i32.eqz $n))
 *       (loop
 *         ;; words may run up to 7 bytes past the record: into its label fields or the next slot,
 *         ;; both written afterwards, or the 8 spare bytes after the last slot
 *         (local.set $k 0) (loop (i64.store (i32.add $dst $k) (i64.load (i32.add $src $k)))
 *                                (local.set $k (i32.add $k 8)) (br_if 0 (i32.lt_u $k $inLen)))
 *         ;; export code: resolved: (i32.load $cls); u8/u16: (i32.load (i32.add $lut (i32.shl (i32.load8_u/16_u $cls) 2)))
 *         (local.set $c ...) (local.set $ok (i32.ge_s $c 0))
 *         (local.set $p (i32.add $dst $classAt))
 *         ;; class byte: the flag bits the mask keeps, or'ed with the export code (unlabeled for code < 0)
 *         (i32.store8 $p (i32.or (i32.and (i32.load8_u $p) $classMask) (select $c $unlabeled $ok)))
 *         ;; unlabeled points get instance 0 and confidence 0, whatever the layer stores there
 *         (i32.store (i32.add $dst $instAt) (select (i32.load $inst) 0 $ok))
 *         (i32.store8 (i32.add $dst $confAt) (select (i32.load8_u $conf) 0 $ok))
 *         $src += $inLen, $dst += $outLen, $cls += 4/1/2, $inst += 4, $conf += 1
 *         (br_if 0 (local.tee $n (i32.sub $n 1))))))
 *   (memory (export "mem") 1)
 */

// Parameter and local indices.
const SRC = 0, DST = 1, N = 2, IN_LEN = 3, OUT_LEN = 4, CLS = 5, LUT = 6, INST = 7, CONF = 8;
const CLASS_AT = 9, CLASS_MASK = 10, INST_AT = 11, CONF_AT = 12, UNLABELED = 13;
const PARAMS = 14;
const C = 14, P = 15, K = 16, OK = 17; // locals
const LOCALS = 4;

/** Where a record's export code comes from, with the byte size of one entry of $cls. */
const LABEL_SOURCES = {
  resolved: { code: [...get(CLS), op.load, ...MEM0], step: 4 },
  u8: { code: [...get(LUT), ...get(CLS), op.load8u, ...MEM0, op.const, 2, op.shl, op.add, op.load, ...MEM0], step: 1 },
  u16: { code: [...get(LUT), ...get(CLS), op.load16u, ...MEM0, op.const, 2, op.shl, op.add, op.load, ...MEM0], step: 2 },
} as const;
type LabelSource = keyof typeof LABEL_SOURCES;

function body(source: LabelSource): number[] {
  const { code, step } = LABEL_SOURCES[source];
  return [
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
    ...code, op.set, C,
    ...get(C), op.const, 0, op.geS, op.set, OK,
    ...get(DST), ...get(CLASS_AT), op.add, op.set, P,
    ...get(P),
    ...get(P), op.load8u, ...MEM0, ...get(CLASS_MASK), op.and,
    ...get(C), ...get(UNLABELED), ...get(OK), op.select,
    op.or, op.store8, ...MEM0,
    ...get(DST), ...get(INST_AT), op.add, ...get(INST), op.load, ...MEM0, op.const, 0, ...get(OK), op.select, op.store, ...MEM0,
    ...get(DST), ...get(CONF_AT), op.add, ...get(CONF), op.load8u, ...MEM0, op.const, 0, ...get(OK), op.select, op.store8, ...MEM0,
    ...bump(SRC, get(IN_LEN)),
    ...bump(DST, get(OUT_LEN)),
    ...bump(CLS, [op.const, step]),
    ...bump(INST, [op.const, 4]),
    ...bump(CONF, [op.const, 1]),
    ...get(N), op.const, 1, op.sub, op.tee, N, op.brIf, 0,
    op.end,
    op.end,
    op.end,
  ];
}

const SOURCES = Object.keys(LABEL_SOURCES) as LabelSource[];


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

/** One batch's worth of label inputs inside the module's memory. */
interface LabelSlot {
  input: number;
  output: number;
  cls: number;
  inst: number;
  conf: number;
}

/**
 * One instance per export. Its memory holds `slots` sets of [source records | output records |
 * label inputs] for one batch of `capacity` points each, so a caller can read the next batch into
 * one slot and write the previous output from another while the kernel works on a third use of
 * the memory; plus the export-code table and 255s for layers without confidence. It is grown
 * once, before any view is handed out (growing detaches the views).
 */
export class LabelKernel {
  private readonly memory: WasmMemory;
  private readonly copy: Record<LabelSource, I32Function>;
  private readonly slots: LabelSlot[] = [];
  private readonly lutAt: number;
  private readonly fullConfidenceAt: number;
  private lutOf: Int32Array | null = null;

  constructor(
    private readonly layout: LabelLayout,
    private readonly capacity: number,
    slots = 1,
  ) {
    const instance = instantiate(PARAMS, LOCALS, SOURCES.map((source) => ({ name: `copyLabeled_${source}`, body: body(source) })));
    this.memory = instance.memory;
    this.copy = Object.fromEntries(SOURCES.map((s) => [s, instance.exports[`copyLabeled_${s}`]!])) as Record<LabelSource, I32Function>;
    let at = 0;
    for (let s = 0; s < slots; s++) {
      const input = at;
      const output = input + capacity * layout.inRecordLength;
      // 8 spare bytes: the last record's final word may run past its slot.
      const cls = align4(output + capacity * layout.outRecordLength + 8);
      const inst = cls + 4 * capacity;
      const conf = inst + 4 * capacity;
      this.slots.push({ input, output, cls, inst, conf });
      at = align4(conf + capacity);
    }
    this.lutAt = at;
    this.fullConfidenceAt = this.lutAt + 4 * 65536;
    ensureMemory(this.memory, this.fullConfidenceAt + capacity);
    new Uint8Array(this.memory.buffer, this.fullConfidenceAt, capacity).fill(255);
  }

  /** Where the next batch of source records for `slot` goes (read straight into the module's memory). */
  input(slot = 0): Uint8Array {
    const s = this.slot(slot);
    return new Uint8Array(this.memory.buffer, s.input, this.capacity * this.layout.inRecordLength);
  }

  /**
   * Turns the `count` records in `input(slot)` (global points first..first+count-1) into output
   * records with the labels of those points, and returns them: a view of the module's memory,
   * valid until the slot is run again.
   */
  run(count: number, first: number, labels: ExportLabels, slot = 0): Uint8Array {
    if (count > this.capacity) throw new RangeError(`batch of ${count} points exceeds the kernel's ${this.capacity}`);
    const s = this.slot(slot);
    const buf = this.memory.buffer;
    const end = first + count;
    const l = this.layout;
    let source: LabelSource = 'resolved';
    let conf = s.conf;
    const layer = labels.layer;
    if (layer) {
      if (this.lutOf !== layer.lut) {
        new Int32Array(buf, this.lutAt, 65536).set(layer.lut);
        this.lutOf = layer.lut;
      }
      const snap = layer.snapshot;
      source = snap.codeWidth === 1 ? 'u8' : 'u16';
      const cls = source === 'u8' ? new Uint8Array(buf, s.cls, count) : new Uint16Array(buf, s.cls, count);
      const inst = new Uint32Array(buf, s.inst, count);
      const confidence = snap.withConfidence ? new Uint8Array(buf, s.conf, count) : null;
      if (!confidence) conf = this.fullConfidenceAt;
      // The batch's slices of the stored chunks; an unstored chunk reads as readLabels gives it
      // (unlabeled, instance 0, confidence 0).
      const size = snap.chunkSize;
      for (let key = Math.floor(first / size); key * size < end; key++) {
        const from = Math.max(first, key * size);
        const to = Math.min(end, (key + 1) * size);
        const at = from - first;
        const local = from - key * size;
        const c = snap.chunks[key];
        if (!c) {
          cls.fill(snap.unlabeled, at, at + to - from);
          inst.fill(0, at, at + to - from);
          confidence?.fill(0, at, at + to - from);
          continue;
        }
        cls.set(c.classes.subarray(local, local + to - from), at);
        if (c.instances) inst.set(c.instances.subarray(local, local + to - from), at);
        else inst.fill(0, at, at + to - from);
        if (confidence) {
          if (c.confidence) confidence.set(c.confidence.subarray(local, local + to - from), at);
          else confidence.fill(0, at, at + to - from);
        }
      }
    } else {
      new Int32Array(buf, s.cls, count).set(labels.codes.subarray(first, end));
      new Uint32Array(buf, s.inst, count).set(labels.instances.subarray(first, end));
      new Uint8Array(buf, s.conf, count).set(labels.confidence.subarray(first, end));
    }
    this.copy[source](s.input, s.output, count, l.inRecordLength, l.outRecordLength, s.cls, this.lutAt, s.inst, conf, l.classAt, l.classMask, l.instanceAt, l.confidenceAt, l.unlabeled);
    return new Uint8Array(buf, s.output, count * l.outRecordLength);
  }

  private slot(i: number): LabelSlot {
    const s = this.slots[i];
    if (!s) throw new RangeError(`the kernel has ${this.slots.length} slot(s), not slot ${i}`);
    return s;
  }
}

const align4 = (n: number) => (n + 3) & ~3;
