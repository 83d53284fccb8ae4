import { describe, expect, it } from 'vitest';
import { LabelKernel, type LabelLayout } from '../../../electron/services/export/las/labelKernel';

/** The same transform in plain JS, byte by byte, as the reference for the WebAssembly kernel. */
function reference(raw: Uint8Array, count: number, first: number, l: LabelLayout, codes: Int32Array, instances: Uint32Array, confidence: Uint8Array): Uint8Array {
  const out = new Uint8Array(count * l.outRecordLength);
  for (let j = 0; j < count; j++) {
    const at = j * l.outRecordLength;
    out.set(raw.subarray(j * l.inRecordLength, (j + 1) * l.inRecordLength), at);
    const code = codes[first + j]!;
    out[at + l.classAt] = (out[at + l.classAt]! & l.classMask) | (code < 0 ? l.unlabeled : code);
    new DataView(out.buffer).setUint32(at + l.instanceAt, instances[first + j]!, true);
    out[at + l.confidenceAt] = confidence[first + j]!;
  }
  return out;
}

function random(seed: number) {
  let a = seed;
  return () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0), a);
}

describe('LabelKernel (WebAssembly record copy + label patch)', () => {
  const cases: [string, LabelLayout][] = [
    ['legacy PDRF 3 + appended fields', { inRecordLength: 34, outRecordLength: 39, classAt: 15, classMask: 0xe0, instanceAt: 34, confidenceAt: 38, unlabeled: 1 }],
    ['PDRF 8 with reused fields inside the record', { inRecordLength: 43, outRecordLength: 43, classAt: 16, classMask: 0, instanceAt: 38, confidenceAt: 42, unlabeled: 0 }],
  ];
  it.each(cases)('%s: same bytes as the JS reference over several batches', (_name, layout) => {
    const rand = random(7);
    const total = 2500;
    const codes = Int32Array.from({ length: total }, () => (rand() % 5 === 0 ? -1 : rand() % 256));
    const instances = Uint32Array.from({ length: total }, (_, i) => (codes[i]! < 0 ? 0 : rand()));
    const confidence = Uint8Array.from({ length: total }, (_, i) => (codes[i]! < 0 ? 0 : rand() & 0xff));
    const raw = Uint8Array.from({ length: total * layout.inRecordLength }, () => rand() & 0xff);
    const kernel = new LabelKernel(layout, 1000);
    for (let first = 0; first < total; first += 1000) {
      const count = Math.min(1000, total - first);
      kernel.input.set(raw.subarray(first * layout.inRecordLength, (first + count) * layout.inRecordLength));
      const got = kernel.run(count, first, codes, instances, confidence);
      const want = reference(raw.subarray(first * layout.inRecordLength), count, first, layout, codes, instances, confidence);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(want))).toBe(0);
    }
  });

  it('refuses a batch larger than its memory was sized for', () => {
    const kernel = new LabelKernel(cases[0]![1], 10);
    expect(() => kernel.run(11, 0, new Int32Array(11), new Uint32Array(11), new Uint8Array(11))).toThrow(RangeError);
  });
});
