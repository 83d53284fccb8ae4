import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import { parseLasHeader } from '../../../electron/services/scans/formats/las/header';
import { chooseOrigin, EXACT_STEP_LIMIT } from '../../../electron/services/scans/formats/las/origin';
import { samplePoint, writeLas } from './las-fixture';

const file = (minor: number, pointFormat: number, count = 3) =>
  writeLas({ minor, pointFormat, points: Array.from({ length: count }, (_, i) => samplePoint(i, pointFormat >= 6)) });

function badInput(bytes: Uint8Array, fileSize = bytes.length): BadInputError {
  try {
    parseLasHeader(bytes.subarray(0, Math.min(bytes.length, 375)), 'x.las', fileSize);
  } catch (e) {
    expect(e).toBeInstanceOf(BadInputError);
    return e as BadInputError;
  }
  throw new Error('expected a BadInputError');
}

const edit = (bytes: Uint8Array, fn: (dv: DataView) => void) => {
  const copy = bytes.slice();
  fn(new DataView(copy.buffer));
  return copy;
};

describe('parseLasHeader', () => {
  it('reads every header size: 1.0-1.2 (227), 1.3 (235), 1.4 (375)', () => {
    for (const [minor, size] of [
      [0, 227],
      [1, 227],
      [2, 227],
      [3, 235],
      [4, 375],
    ] as const) {
      const b = file(minor, minor === 4 ? 6 : 1);
      const h = parseLasHeader(b.subarray(0, 375), 'x.las', b.length);
      expect(h.headerSize).toBe(size);
      expect(h.versionMinor).toBe(minor);
      expect(h.pointCount).toBe(3);
      expect(h.generatingSoftware).toBe('scanlabel tests');
      expect(h.scale).toEqual([0.01, 0.01, 0.01]);
    }
  });

  it('prefers the 64-bit point count of LAS 1.4 and falls back to the legacy one when it is 0', () => {
    const b = file(4, 1);
    expect(parseLasHeader(b.subarray(0, 375), 'x.las', b.length).pointCount).toBe(3);
    const legacyOnly = edit(b, (dv) => dv.setBigUint64(247, 0n, true));
    expect(parseLasHeader(legacyOnly.subarray(0, 375), 'x.las', b.length).pointCount).toBe(3);
  });

  it('flags LAZ compression from the point format byte', () => {
    const b = edit(file(2, 3), (dv) => dv.setUint8(104, 0x83));
    const h = parseLasHeader(b.subarray(0, 375), 'x.laz', b.length);
    expect(h.compressed).toBe(true);
    expect(h.pointFormat.id).toBe(3);
  });

  const cases: [string, (b: Uint8Array) => Uint8Array, RegExp, number?][] = [
    ['wrong magic', (b) => edit(b, (dv) => dv.setUint8(0, 0x58)), /expected the 'LASF' signature/, 0],
    ['truncated header', (b) => b.slice(0, 100), /file ends after 100 bytes; a LAS header needs at least 227/, 100],
    ['version 2.0', (b) => edit(b, (dv) => dv.setUint8(24, 2)), /unsupported LAS version 2\.2/, 24],
    ['version 1.9', (b) => edit(b, (dv) => dv.setUint8(25, 9)), /unsupported LAS version 1\.9/, 24],
    [
      'header size below the version minimum',
      (b) => edit(b, (dv) => dv.setUint16(94, 100, true)),
      /header size 100 is smaller than the 227 bytes/,
      94,
    ],
    ['header size past EOF', (b) => edit(b, (dv) => dv.setUint16(94, 60000, true)), /header size 60000 runs past the end of the file/, 94],
    [
      'offset to points inside the header',
      (b) => edit(b, (dv) => dv.setUint32(96, 10, true)),
      /offset to point data 10 lies inside the 227-byte header/,
      96,
    ],
    [
      'offset to points past EOF',
      (b) => edit(b, (dv) => dv.setUint32(96, 4e9, true)),
      /offset to point data 4000000000 is past the end/,
      96,
    ],
    ['VLR count larger than the space', (b) => edit(b, (dv) => dv.setUint32(100, 1e6, true)), /claims 1000000 VLRs/, 100],
    ['point format 11', (b) => edit(b, (dv) => dv.setUint8(104, 11)), /unsupported point data record format 11/, 104],
    [
      'record length too small',
      (b) => edit(b, (dv) => dv.setUint16(105, 10, true)),
      /point record length 10 is smaller than the 34 bytes point format 3 needs/,
      105,
    ],
    ['zero scale', (b) => edit(b, (dv) => dv.setFloat64(139, 0, true)), /y scale factor is 0/, 139],
    ['NaN scale', (b) => edit(b, (dv) => dv.setFloat64(131, NaN, true)), /x scale factor is NaN/, 131],
    ['infinite scale', (b) => edit(b, (dv) => dv.setFloat64(147, Infinity, true)), /z scale factor is Infinity/, 147],
    ['NaN offset', (b) => edit(b, (dv) => dv.setFloat64(163, NaN, true)), /y offset is NaN/, 163],
    [
      'inflated point count',
      (b) => edit(b, (dv) => dv.setUint32(107, 5_000_000, true)),
      /header claims 5000000 points of 34 bytes but the file holds room for only 3/,
      107,
    ],
  ];
  for (const [name, mutate, message, byte] of cases) {
    it(`rejects ${name} with file name, byte offset and expectation`, () => {
      const e = badInput(mutate(file(2, 3)));
      expect(e.message).toMatch(message);
      expect(e.message.startsWith('x.las: ')).toBe(true);
      if (byte !== undefined) expect(e.message).toContain(`byte ${byte}:`);
    });
  }

  it('rejects an inflated 64-bit count in LAS 1.4 before allocating anything', () => {
    const e = badInput(edit(file(4, 6), (dv) => dv.setBigUint64(247, 2n ** 40n, true)));
    expect(e.message).toMatch(/byte 247: header claims 1099511627776 points/);
    const e2 = badInput(edit(file(4, 6), (dv) => dv.setBigUint64(247, 2n ** 63n, true)));
    expect(e2.message).toMatch(/point count \d+ is beyond what any file can hold/);
  });

  it('rejects a 1.4 header that claims 1.4 but is 1.2-sized', () => {
    const e = badInput(edit(file(4, 6), (dv) => dv.setUint16(94, 227, true)));
    expect(e.message).toMatch(/header size 227 is smaller than the 375 bytes LAS 1\.4 requires/);
  });
});

describe('chooseOrigin', () => {
  it('centres the origin on an integer step inside the bounds', () => {
    const o = chooseOrigin([0.01, 0.01, 0.001], [500000, 4000000, 0], [500100, 4000200, 10], [500300, 4000600, 30]);
    expect(o.steps).toEqual([20000, 40000, 20000]);
    expect(o.origin).toEqual([500200, 4000400, 20]);
    expect(o.exact).toEqual([true, true, true]);
  });

  it('falls back to the offset when bounds are garbage and flags spans too wide for float32', () => {
    const o = chooseOrigin([0.001, 0.001, 0.001], [0, 0, 0], [NaN, 0, 0], [NaN, 100000, 1]);
    expect(o.steps[0]).toBe(0);
    expect(o.exact).toEqual([false, false, true]);
  });

  it('recovers X_int = n + round(f32 / scale) for every |X_int - n| < 2^23 (the documented guarantee)', () => {
    const scales = [0.01, 0.001, 0.00025, 1e-7, 0.3048006096012192, 1 / 3, 7.5, 1e-9];
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const s of scales) {
      const ds = [EXACT_STEP_LIMIT - 1, -(EXACT_STEP_LIMIT - 1), 1, -1, 0, 8388607, 4194305];
      for (let i = 0; i < 2000; i++) ds.push(Math.floor((rand() * 2 - 1) * (EXACT_STEP_LIMIT - 1)));
      for (const d of ds) expect(Math.round(Math.fround(d * s) / s)).toBe(d);
    }
  });
});
