import { describe, expect, it } from 'vitest';
import type { AttributeType } from '../../../common/contracts/scans';
import { attributeField, encodeRecords, type FieldSpec } from '../../../electron/services/export/binaryFields';
import { RecordEncoder } from '../../../electron/services/export/recordScatter';
import type { PointChunk } from '../../../electron/services/scans/formats/types';

const TYPES: AttributeType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];
const ARRAYS = { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array };

function random(seed: number) {
  let a = seed;
  return () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0), a / 2 ** 32);
}

/** A chunk with one attribute per type (3 components for the float32 one) and random values, some out of the field types' range. */
function chunk(count: number): PointChunk {
  const rand = random(9);
  const attributes = TYPES.map((type) => {
    const components = type === 'float32' ? 3 : 1;
    const values = new ARRAYS[type](count * components);
    for (let i = 0; i < values.length; i++) values[i] = (rand() - 0.3) * 2 ** 20;
    return { name: `a_${type}`, type, components, values };
  });
  return { start: 0, count, positions: new Float32Array(count * 3), attributes } as unknown as PointChunk;
}

describe('RecordEncoder (WebAssembly scatter of typed columns)', () => {
  // Every attribute as its own type, as another type (converted like a DataView write), one component of a 3-component attribute,
  // and a field with only the generic per-value binding.
  const specs: FieldSpec[] = [
    ...TYPES.map((type) => attributeField(`a_${type}`, 0, type === 'float32' ? 3 : 1, `same_${type}`, type)),
    ...TYPES.map((type, k) => attributeField(`a_${TYPES[(k + 3) % TYPES.length]}`, 0, TYPES[(k + 3) % TYPES.length] === 'float32' ? 3 : 1, `other_${type}`, type)),
    attributeField('a_float32', 2, 3, 'third', 'float32'),
    { name: 'generic', type: 'int16', bind: () => (i) => i * 7 - 1000 },
  ];

  it.each([
    ['every point', null],
    ['a subset', Uint32Array.from({ length: 300 }, (_, j) => j * 3 + (j % 3))],
  ])('writes the same bytes as the DataView encoder: %s', (_name, local) => {
    const c = chunk(1000);
    const encoder = new RecordEncoder(specs, 256); // smaller than the chunk: grows
    const got = encoder.encode(c, local);
    const indices = local ?? Uint32Array.from({ length: 1000 }, (_, i) => i);
    const want = new Uint8Array(indices.length * encoder.stride);
    encodeRecords(specs, c, indices, want);
    expect(got.length).toBe(want.length);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(want))).toBe(0);
  });
});
