import { describe, expect, it } from 'vitest';
import { FieldStream } from '../../../electron/services/scans/formats/e57/bytestream';
import { crc32c } from '../../../electron/services/scans/formats/e57/crc32c';
import { logicalToPhysical, physicalToLogical } from '../../../electron/services/scans/formats/e57/pages';

describe('E57 primitives', () => {
  it('crc32c matches the Castagnoli check value and the iSCSI zero vector', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    const bytes = new TextEncoder().encode('xx123456789yy');
    expect(crc32c(bytes, 2, 11)).toBe(0xe3069283);
  });

  it('converts offsets between physical (with checksums) and logical (payload only) space', () => {
    expect(physicalToLogical(48)).toBe(48);
    expect(physicalToLogical(1024)).toBe(1020);
    expect(physicalToLogical(2048 + 5)).toBe(2040 + 5);
    for (const logical of [0, 1019, 1020, 1021, 5000, 123456]) expect(physicalToLogical(logicalToPhysical(logical))).toBe(logical);
    expect(logicalToPhysical(1020)).toBe(1024);
  });

  it('decodes bit-packed integers that straddle appended packets', () => {
    // Three 5-bit values 21, 10, 31 (+ minimum 100) packed LSB-first: 10101 01010 11111 -> bytes 0x55, 0x7d.
    const stream = new FieldStream({ kind: 'integer', bits: 5, minimum: 100, maximum: 131, scale: 1, offset: 0 });
    stream.append(Uint8Array.of(0x55));
    expect(stream.available()).toBe(1);
    const out = new Float64Array(3);
    stream.decode(1, out);
    stream.append(Uint8Array.of(0x7d));
    expect(stream.available()).toBe(2);
    stream.decode(2, out.subarray(1));
    expect(Array.from(out)).toEqual([121, 110, 131]);
  });

  it('applies scale and offset to scaled integers and reads wide (>32-bit) values', () => {
    const stream = new FieldStream({ kind: 'integer', bits: 40, minimum: 0, maximum: 2 ** 40 - 1, scale: 0.5, offset: 1 });
    stream.append(Uint8Array.of(0x01, 0x00, 0x00, 0x00, 0x80));
    const out = new Float64Array(1);
    stream.decode(1, out);
    expect(out[0]).toBe((2 ** 39 + 1) * 0.5 + 1);
  });
});
