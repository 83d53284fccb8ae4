import { describe, expect, it } from 'vitest';
import { NO_LABEL, type ExportLabels, type LayerCodes } from '../../../electron/services/export/labels';
import { LabelKernel, type LabelLayout } from '../../../electron/services/export/las/labelKernel';
import { LabelChunk } from '../../../electron/services/labels/chunk';
import { expandSnapshot, type LayerSnapshot } from '../../../electron/services/labels/index';

interface Resolved {
  codes: Int32Array;
  instances: Uint32Array;
  confidence: Uint8Array;
}

/** The same transform in plain JS, byte by byte, as the reference for the WebAssembly kernel. */
function reference(raw: Uint8Array, count: number, first: number, l: LabelLayout, r: Resolved): Uint8Array {
  const out = new Uint8Array(count * l.outRecordLength);
  for (let j = 0; j < count; j++) {
    const at = j * l.outRecordLength;
    out.set(raw.subarray(j * l.inRecordLength, (j + 1) * l.inRecordLength), at);
    const code = r.codes[first + j]!;
    out[at + l.classAt] = (out[at + l.classAt]! & l.classMask) | (code < 0 ? l.unlabeled : code);
    new DataView(out.buffer).setUint32(at + l.instanceAt, code < 0 ? 0 : r.instances[first + j]!, true);
    out[at + l.confidenceAt] = code < 0 ? 0 : r.confidence[first + j]!;
  }
  return out;
}

function random(seed: number) {
  let a = seed;
  return () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0), a);
}

const labelsOf = (r: Resolved, layer: ExportLabels['layer']): ExportLabels =>
  ({ count: r.codes.length, codes: r.codes, instances: r.instances, confidence: r.confidence, layer, keep: null, keptCount: r.codes.length, unlabeledCount: 0, classes: [], maxCode: 255, names: new Map() }) as ExportLabels;

/**
 * A stored layer in chunks of 300 points (so kernel batches of 1000 start and end inside chunks):
 * every fourth chunk never stored (all unlabeled), another without instances, another without
 * confidence, as a real store holds them.
 */
function snapshotOf(classes: Uint8Array | Uint16Array, instances: Uint32Array, confidence: Uint8Array | null): LayerSnapshot {
  const chunkSize = 300;
  const codeWidth = classes instanceof Uint8Array ? 1 : 2;
  const chunks: LayerSnapshot['chunks'][number][] = [];
  for (let key = 0; key * chunkSize < classes.length; key++) {
    const [a, b] = [key * chunkSize, Math.min(classes.length, (key + 1) * chunkSize)];
    if (key % 4 === 2) continue;
    chunks[key] = new LabelChunk(key, classes.slice(a, b), new Uint8Array(b - a), confidence && key % 4 !== 3 ? confidence.slice(a, b) : null, key % 4 === 1 ? null : instances.slice(a, b));
  }
  return { pointCount: classes.length, chunkSize, codeWidth, unlabeled: codeWidth === 1 ? 0xff : 0xffff, withConfidence: confidence !== null, chunks };
}

/**
 * Labels three ways: export codes resolved up front, and the stored layer (1- and 2-byte codes)
 * with a code table in which some codes are unlabeled or unselected (NO_LABEL) and others map to
 * a different export code. Stored instances and confidence of unlabeled points are not zero, as
 * in a layer where labels were erased: the export must still write 0 for them.
 */
function labelSources(total: number, rand: () => number): [string, ExportLabels, Resolved][] {
  const lut = new Int32Array(65536).fill(NO_LABEL);
  for (let c = 0; c < 65536; c++) if (c % 7 !== 3) lut[c] = (c * 13) & 0xff;
  const wide = Uint16Array.from({ length: total }, () => rand() & 0xffff);
  const narrow = Uint8Array.from({ length: total }, () => rand() & 0xff);
  const instances = Uint32Array.from({ length: total }, () => rand());
  const confidence = Uint8Array.from({ length: total }, () => rand() & 0xff);
  const resolve = (classes: Uint8Array | Uint16Array, conf: Uint8Array | null): Resolved => {
    const codes = Int32Array.from(classes, (c) => lut[c]!);
    return { codes, instances: Uint32Array.from(instances, (v, i) => (codes[i]! < 0 ? 0 : v)), confidence: Uint8Array.from(codes, (c, i) => (c < 0 ? 0 : conf ? conf[i]! : 255)) };
  };
  const direct = resolve(narrow, confidence);
  /** The stored layer as chunks, and the resolved labels the kernel must write for it. */
  const stored = (classes: Uint8Array | Uint16Array, conf: Uint8Array | null): [LayerCodes, Resolved] => {
    const snapshot = snapshotOf(classes, instances, conf);
    const full = expandSnapshot(snapshot);
    const codes = Int32Array.from(full.classes, (c) => lut[c]!);
    const resolved = { codes, instances: Uint32Array.from(full.instances, (v, i) => (codes[i]! < 0 ? 0 : v)), confidence: Uint8Array.from(codes, (c, i) => (c < 0 ? 0 : full.confidence ? full.confidence[i]! : 255)) };
    return [{ snapshot, lut, classes: full.classes, instances: full.instances, confidence: full.confidence }, resolved];
  };
  const [narrowLayer, narrowWant] = stored(narrow, confidence);
  const [wideLayer, wideWant] = stored(wide, null);
  return [
    ['resolved export codes', labelsOf(direct, null), direct],
    ['1-byte layer with confidence', labelsOf(narrowWant, narrowLayer), narrowWant],
    ['2-byte layer without confidence', labelsOf(wideWant, wideLayer), wideWant],
  ];
}

describe('LabelKernel (WebAssembly record copy + label patch)', () => {
  const layouts: [string, LabelLayout][] = [
    ['legacy PDRF 3 + appended fields', { inRecordLength: 34, outRecordLength: 39, classAt: 15, classMask: 0xe0, instanceAt: 34, confidenceAt: 38, unlabeled: 1 }],
    ['PDRF 8 with reused fields inside the record', { inRecordLength: 43, outRecordLength: 43, classAt: 16, classMask: 0, instanceAt: 38, confidenceAt: 42, unlabeled: 0 }],
  ];
  const total = 2500;
  const cases = layouts.flatMap(([layoutName, layout]) => labelSources(total, random(7)).map(([labelName, labels, want]) => [`${layoutName}, ${labelName}`, layout, labels, want] as const));

  it.each(cases)('%s: same bytes as the JS reference over several batches and both slots', (_name, layout, labels, want) => {
    const rand = random(11);
    const raw = Uint8Array.from({ length: total * layout.inRecordLength }, () => rand() & 0xff);
    const kernel = new LabelKernel(layout, 1000, 2);
    const outputs: Uint8Array[] = [];
    for (let first = 0, slot = 0; first < total; first += 1000, slot ^= 1) {
      const count = Math.min(1000, total - first);
      kernel.input(slot).set(raw.subarray(first * layout.inRecordLength, (first + count) * layout.inRecordLength));
      const got = kernel.run(count, first, labels, slot);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(reference(raw.subarray(first * layout.inRecordLength), count, first, layout, want)))).toBe(0);
      outputs.push(got);
    }
    // The other slot's output is untouched by the next run (it may still be being written).
    expect(Buffer.compare(Buffer.from(outputs[1]!), Buffer.from(reference(raw.subarray(1000 * layout.inRecordLength), 1000, 1000, layout, want)))).toBe(0);
  });

  it('refuses a batch larger than its memory was sized for, and a slot it does not have', () => {
    const kernel = new LabelKernel(layouts[0]![1], 10);
    const [, labels] = labelSources(11, random(1))[0]!;
    expect(() => kernel.run(11, 0, labels)).toThrow(RangeError);
    expect(() => kernel.input(1)).toThrow(RangeError);
  });
});
