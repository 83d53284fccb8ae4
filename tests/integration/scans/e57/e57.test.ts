import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../electron/services/errors';
import { e57Format } from '../../../../electron/services/scans/formats/e57';
import { openE57Source } from '../../../../electron/services/scans/formats/e57/reader';
import { bufferSource } from '../../../../electron/services/scans/formats/e57/source';
import type { PointChunk, ScanReader } from '../../../../electron/services/scans/formats/types';
import { logicalBytes, rechecksum, writeE57 } from './e57Writer';
import type { ScanSpec } from './e57Writer';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const data = (name: string) => path.resolve(repoRoot, '../shared/data/formats/e57', name);

async function readAll(reader: ScanReader, chunkPoints?: number): Promise<PointChunk[]> {
  const chunks: PointChunk[] = [];
  for await (const chunk of reader.chunks(chunkPoints ? { chunkPoints } : {})) chunks.push(chunk);
  return chunks;
}

const attr = (chunk: PointChunk, name: string) => chunk.attributes.find((a) => a.name === name)?.values;

describe('E57 real files', () => {
  it('bunnyDouble.e57: 30,571 double xyz points, invalid states counted, bounds equal the header', async () => {
    const reader = await e57Format.open(data('bunnyDouble.e57'));
    try {
      expect(reader.info.format).toBe('e57');
      expect(reader.info.pointCount).toBe(30571);
      expect(reader.info.details.records).toBe(30571);
      expect(reader.info.details.invalidPoints).toBe(0);
      expect(reader.info.attributes).toEqual([]);
      // cartesianBounds in the XML header, which the streamed points must reproduce exactly.
      expect(reader.info.boundsMin).toEqual([-0.094689, 0.040011, -0.061873]);
      expect(reader.info.boundsMax).toEqual([0.061008999999999994, 0.187321, 0.058799]);
      const chunks = await readAll(reader, 10000);
      expect(chunks.map((c) => c.count)).toEqual([10000, 10000, 10000, 571]);
      expect(chunks.map((c) => c.start)).toEqual([0, 10000, 20000, 30000]);
      const first = chunks[0]!.positions;
      expect(first[0]).toBeCloseTo(-0.07063, 6);
      expect(first[1]).toBeCloseTo(0.04015, 6);
    } finally {
      await reader.close();
    }
  });

  it('ColouredCubeFloat.e57: 7,680 single-precision points with 0..255 colour', async () => {
    const reader = await e57Format.open(data('ColouredCubeFloat.e57'));
    try {
      expect(reader.info.pointCount).toBe(7680);
      expect(reader.info.attributes).toEqual([{ name: 'color', type: 'uint8', components: 3 }]);
      expect(reader.info.boundsMin).toEqual([-0.5, -0.5, -0.5]);
      expect(reader.info.boundsMax).toEqual([0.5, 0.5, 0.5]);
      const chunks = await readAll(reader);
      expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(7680);
      // Each pair of opposite faces has one primary colour: x faces blue, y green, z red.
      const colorByAxis = new Map<string, number>();
      for (const c of chunks) {
        const rgb = attr(c, 'color')!;
        expect(rgb.length).toBe(c.count * 3);
        for (let i = 0; i < c.count; i++) {
          const axis = [0, 1, 2].find((k) => Math.abs(Math.abs(c.positions[i * 3 + k]!) - 0.5) < 1e-6);
          expect(axis).toBeDefined();
          const key = `${'xyz'[axis!]}:${rgb[i * 3]},${rgb[i * 3 + 1]},${rgb[i * 3 + 2]}`;
          colorByAxis.set(key, (colorByAxis.get(key) ?? 0) + 1);
        }
      }
      expect(Object.fromEntries(colorByAxis)).toEqual({ 'x:0,0,255': 2560, 'y:0,255,0': 2560, 'z:255,0,0': 2560 });
    } finally {
      await reader.close();
    }
  });

  it('sniffs by signature, not by extension', async () => {
    const head = (await readFile(data('bunnyDouble.e57'))).subarray(0, 64);
    expect(e57Format.sniff(head, 'anything.bin')).toBe(true);
    expect(e57Format.sniff(new TextEncoder().encode('ply\nformat ascii 1.0\n'), 'x.e57')).toBe(false);
  });
});

// --- generated fixture: spherical + scaled integers, two posed scans ---------------------------

const COS45 = Math.SQRT1_2;
const sphericalScan: ScanSpec = {
  name: 'spherical',
  fields: [
    { name: 'sphericalRange', type: 'ScaledInteger', minimum: 0, maximum: 100000, scale: 0.001, offset: 0 },
    { name: 'sphericalAzimuth', type: 'Float', precision: 'single' },
    { name: 'sphericalElevation', type: 'Float', precision: 'double' },
    { name: 'sphericalInvalidState', type: 'Integer', minimum: 0, maximum: 2 },
    { name: 'intensity', type: 'Integer', minimum: 0, maximum: 4095 },
  ],
  records: Array.from({ length: 50 }, (_, i) => [
    1000 + ((i * 997) % 90000),
    Math.fround((i * 0.37) % 6.28),
    i * 0.05 - 1,
    i % 7 === 3 ? 2 : i % 11 === 5 ? 1 : 0,
    (i * 83) % 4096,
  ]),
  // 90 degrees about +Z.
  pose: { rotation: [COS45, 0, 0, COS45], translation: [1000.5, 2000.25, 10] },
  intensityLimits: [0, 4095],
};
const cartesianScan: ScanSpec = {
  name: 'cartesian',
  fields: [
    { name: 'cartesianX', type: 'ScaledInteger', minimum: -1000000, maximum: 1000000, scale: 0.0001, offset: 5 },
    { name: 'cartesianY', type: 'ScaledInteger', minimum: -1000000, maximum: 1000000, scale: 0.0001, offset: 5 },
    { name: 'cartesianZ', type: 'ScaledInteger', minimum: -1000000, maximum: 1000000, scale: 0.0001, offset: 5 },
    { name: 'colorRed', type: 'Integer', minimum: 0, maximum: 1023 },
    { name: 'colorGreen', type: 'Integer', minimum: 0, maximum: 1023 },
    { name: 'colorBlue', type: 'Integer', minimum: 0, maximum: 1023 },
    { name: 'cartesianInvalidState', type: 'Integer', minimum: 0, maximum: 2 },
  ],
  records: Array.from({ length: 40 }, (_, i) => [
    i * 12345 - 400000,
    999999 - i * 777,
    -i * 3001,
    i * 25,
    1023 - i * 25,
    (i * 97) % 1024,
    0,
  ]),
  // 180 degrees about +X.
  pose: { rotation: [0, 1, 0, 0], translation: [-3, 4, 3000.125] },
  colorLimits: [0, 1023],
};

/** Expected file coordinates, computed directly from the record values and the pose formulas. */
function expectedPoints(): { xyz: number[]; scan: number; intensity?: number; color?: number[] }[] {
  const out: { xyz: number[]; scan: number; intensity?: number; color?: number[] }[] = [];
  for (const [range, az, el, state, intensity] of sphericalScan.records as [number, number, number, number, number][]) {
    if (state !== 0) continue;
    const r = range * 0.001;
    const local = [r * Math.cos(el) * Math.cos(az), r * Math.cos(el) * Math.sin(az), r * Math.sin(el)];
    // Rz(90): (x, y) -> (-y, x)
    out.push({ xyz: [-local[1]! + 1000.5, local[0]! + 2000.25, local[2]! + 10], scan: 0, intensity: intensity / 4095 });
  }
  for (const [x, y, z, red, green, blue] of cartesianScan.records as number[][] as [number, number, number, number, number, number][]) {
    const local = [x * 0.0001 + 5, y * 0.0001 + 5, z * 0.0001 + 5];
    // Rx(180): (x, y, z) -> (x, -y, -z)
    out.push({
      xyz: [local[0]! - 3, -local[1]! + 4, -local[2]! + 3000.125],
      scan: 1,
      color: [red, green, blue].map((v) => Math.round((v / 1023) * 255)),
    });
  }
  return out;
}

describe('E57 generated fixture (spherical, scaled integers, two posed scans)', () => {
  const fixture = writeE57([sphericalScan, cartesianScan]);

  it('the fixture spans several pages so packets cross page boundaries', () => {
    expect(fixture.length % 1024).toBe(0);
    expect(fixture.length / 1024).toBeGreaterThanOrEqual(3);
  });

  it('decodes every valid point with pose, spherical conversion, colour and intensity limits', async () => {
    const reader = await openE57Source(bufferSource(fixture), 'fixture.e57');
    const expected = expectedPoints();
    const invalid = sphericalScan.records.filter((r) => r[3] !== 0).length;
    expect(invalid).toBeGreaterThan(0);
    expect(reader.info.pointCount).toBe(expected.length);
    expect(reader.info.details.invalidPoints).toBe(invalid);
    expect(reader.info.details.scans).toBe(2);
    expect(reader.info.details.coordinates).toBe('spherical+cartesian');
    expect(reader.info.attributes.map((a) => a.name)).toEqual(['color', 'intensity', 'scan_index']);
    const chunks = await readAll(reader, 7);
    expect(chunks.every((c) => c.count <= 7)).toBe(true);
    let n = 0;
    const origin = reader.info.origin;
    for (const chunk of chunks) {
      expect(chunk.start).toBe(n);
      for (let i = 0; i < chunk.count; i++, n++) {
        const want = expected[n]!;
        for (let k = 0; k < 3; k++) expect(chunk.positions[i * 3 + k]! + origin[k]!).toBeCloseTo(want.xyz[k]!, 3);
        expect(attr(chunk, 'scan_index')![i]).toBe(want.scan);
        if (want.intensity !== undefined) expect(attr(chunk, 'intensity')![i]).toBeCloseTo(want.intensity, 6);
        if (want.color) expect(Array.from(attr(chunk, 'color')!.subarray(i * 3, i * 3 + 3))).toEqual(want.color);
      }
    }
    expect(n).toBe(expected.length);
    for (let k = 0; k < 3; k++) {
      expect(reader.info.boundsMin[k]).toBeCloseTo(Math.min(...expected.map((p) => p.xyz[k]!)), 9);
      expect(reader.info.boundsMax[k]).toBeCloseTo(Math.max(...expected.map((p) => p.xyz[k]!)), 9);
    }
  });

  it('reads the same points whatever the packet split', async () => {
    const coarse = await readAll(
      await openE57Source(bufferSource(writeE57([sphericalScan, cartesianScan], { packetSlice: 1000 })), 'a.e57'),
    );
    const fine = await readAll(await openE57Source(bufferSource(writeE57([sphericalScan, cartesianScan], { packetSlice: 1 })), 'b.e57'));
    const flat = (chunks: PointChunk[]) => chunks.flatMap((c) => Array.from(c.positions));
    expect(flat(fine)).toEqual(flat(coarse));
  });
});

describe('E57 bad input', () => {
  const fixture = writeE57([sphericalScan, cartesianScan]);
  const open = (bytes: Uint8Array) => openE57Source(bufferSource(bytes), 'bad.e57');

  it('rejects a page whose CRC-32C does not match, naming the page offset', async () => {
    const bytes = fixture.slice();
    bytes[1024 + 100]! ^= 0x40;
    const err = await open(bytes).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).message).toMatch(/bad\.e57: byte 1024: page checksum mismatch/);
  });

  it('rejects a corrupt data page of a real file when its points are read', async () => {
    const bytes = new Uint8Array(await readFile(data('ColouredCubeFloat.e57')));
    bytes[40 * 1024 + 5]! ^= 1;
    await expect(open(bytes).then(readAll)).rejects.toThrow(/byte 40960: page checksum mismatch/);
  });

  it('rejects a wrong signature', async () => {
    const bytes = fixture.slice();
    bytes[7] = 0x38; // ASTM-E58
    await expect(open(bytes)).rejects.toThrow(/signature "ASTM-E57"/);
    expect(e57Format.sniff(bytes, 'x.e57')).toBe(false);
  });

  it('rejects files cut mid-page and files whose header length was fixed up after truncation', async () => {
    await expect(open(fixture.subarray(0, fixture.length - 1500))).rejects.toThrow(/header says the file is \d+ bytes/);
    const pages = fixture.length / 1024;
    const cut = fixture.slice(0, (pages - 1) * 1024);
    const logical = logicalBytes(cut);
    new DataView(logical.buffer).setBigUint64(16, BigInt(cut.length), true);
    rechecksum(cut, logical);
    const err = await open(cut)
      .then(readAll)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(/truncated|past the end/);
  });

  it('rejects a section that ends before its records', async () => {
    const logical = logicalBytes(fixture);
    const view = new DataView(logical.buffer);
    // Scan 0's section header is at logical 48; cut its logical length to 100 bytes.
    view.setBigUint64(48 + 8, 100n, true);
    await expect(open(rechecksum(fixture.slice(), logical)).then(readAll)).rejects.toThrow(
      /section ends after \d+ of 50 records|runs past the end of its section/,
    );
  });
});
