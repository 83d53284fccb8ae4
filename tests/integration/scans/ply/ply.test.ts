import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../electron/services/errors';
import { plyFormat } from '../../../../electron/services/scans/formats/ply';
import type { PlyOpenOptions } from '../../../../electron/services/scans/formats/ply';
import type { PointChunk, ScanReader } from '../../../../electron/services/scans/formats/types';
import { openScan, readScan } from '../../../../electron/services/scans/read';
import { dataDir, manifestRows } from '../manifestRows';
import { tempDir } from '../tempFiles';

async function readAll(reader: ScanReader, chunkPoints?: number): Promise<PointChunk[]> {
  const chunks: PointChunk[] = [];
  for await (const c of reader.chunks({ chunkPoints })) chunks.push(c);
  return chunks;
}

async function withReader<T>(file: string, fn: (r: ScanReader) => Promise<T>, options?: PlyOpenOptions): Promise<T> {
  const reader = await plyFormat.open(file, options);
  try {
    return await fn(reader);
  } finally {
    await reader.close();
  }
}

/** Triangle count of a tristrip index list, computed here without the reader's code. */
function countStripTriangles(indices: Int32Array): number {
  let total = 0;
  let strip: number[] = [];
  const flush = () => {
    for (let k = 2; k < strip.length; k++) {
      const [a, b, c] = [strip[k - 2], strip[k - 1], strip[k]];
      if (a !== b && b !== c && a !== c) total++;
    }
    strip = [];
  };
  for (const v of indices) {
    if (v === -1) flush();
    else strip.push(v);
  }
  flush();
  return total;
}

const rows = manifestRows(['.ply']);

describe('PLY: every PLY in the shared data manifest', () => {
  it('finds the manifest rows', () => {
    expect(rows.map((r) => r.file).sort()).toEqual([
      'formats/ply/bun_zipper.ply',
      'formats/ply/bunny.ply',
      'formats/ply/cube_att.ply',
      'formats/ply/redkitchen_000.ply',
      'formats/ply/train-1000.ply',
      'sum-helsinki-tiny/tiny_test_c.ply',
    ]);
  });

  for (const row of rows) {
    it(`${row.file}: ${row.elements.vertex} vertices, declared elements and vertex properties`, async () => {
      await withReader(path.join(dataDir, row.file), async (r) => {
        expect(r.info.format).toBe('ply');
        expect(r.info.pointCount).toBe(row.elements.vertex);
        const declared = Object.entries(row.elements)
          .map(([name, n]) => `${name} ${n}`)
          .join(', ');
        expect(r.info.details.elements).toBe(declared);
        if (row.elements.face !== undefined) expect(r.info.faceCount).toBe(row.elements.face);
        const chunks = await readAll(r, 50_000);
        expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(row.elements.vertex);
        // vertex properties listed in the manifest ("vertex: x y z nx ny nz ...") all arrive as attributes
        const vertexProps = /vertex: ([^;]*?)(;|$| - )/.exec(row.attributes)?.[1]?.trim().split(/\s+/) ?? [];
        const names = r.info.attributes.map((a) => a.name);
        for (const p of vertexProps.filter((p) => !['x', 'y', 'z'].includes(p))) {
          const grouped = ['nx', 'ny', 'nz'].includes(p) ? 'normal' : ['red', 'green', 'blue'].includes(p) ? 'color' : p;
          expect(names).toContain(grouped);
        }
        // positions are float32 offsets from the rounded bounds centre
        const { boundsMin: min, boundsMax: max, origin } = r.info;
        for (let k = 0; k < 3; k++) expect(origin[k]).toBe(Math.round((min[k]! + max[k]!) / 2));
      });
    });
  }

  it('bunny.ply: the tristrips element decodes to as many triangles as an independent count of the strip', async () => {
    const file = path.join(dataDir, 'formats/ply/bunny.ply');
    const bytes = readFileSync(file);
    const body = bytes.indexOf('end_header\n') + 'end_header\n'.length;
    const stripAt = body + 34834 * 12; // after x y z float32 vertices
    const n = bytes.readInt32LE(stripAt);
    const strip = new Int32Array(bytes.buffer.slice(bytes.byteOffset + stripAt + 4, bytes.byteOffset + stripAt + 4 + n * 4));
    expect(stripAt + 4 + n * 4).toBe(bytes.length);
    const expected = countStripTriangles(strip);
    expect(expected).toBe(69451); // also checked with numpy: 93,520 indices, 8,023 restarts, no degenerate triangles
    await withReader(file, async (r) => {
      expect(r.info.faceCount).toBe(expected);
      const mesh = (await r.mesh())!;
      expect(mesh.indices.length).toBe(expected * 3);
      // first strip: 0-based triangles alternate winding
      const [a, b, c] = [strip[0]!, strip[1]!, strip[2]!];
      expect(Array.from(mesh.indices.subarray(0, 6))).toEqual([a, b, c, c, b, strip[3]!]);
    });
  });

  it('sum-helsinki-tiny/tiny_test_c.ply: face labels, 19 segments, texture with its real size, double coordinates', async () => {
    const file = path.join(dataDir, 'sum-helsinki-tiny/tiny_test_c.ply');
    await withReader(file, async (r) => {
      expect(r.info.pointCount).toBe(1110);
      expect(r.info.faceCount).toBe(1973);
      expect(r.labelAttributes()).toEqual([
        { name: 'label', attribute: 'label', target: 'faces' },
        { name: 'face_segment_id', attribute: 'face_segment_id', target: 'faces' },
      ]);
      expect(r.info.source?.labelNames).toMatchObject({ '1': 'ground', '2': 'vegetation', '3': 'building', '-1': 'unclassified' });
      const mesh = (await r.mesh())!;
      const label = mesh.faceAttributes.find((a) => a.name === 'label')!;
      const hist = new Map<number, number>();
      for (const v of label.values) hist.set(v, (hist.get(v) ?? 0) + 1);
      expect([...hist.entries()].sort((x, y) => x[0] - y[0])).toEqual([
        [1, 793],
        [2, 460],
        [3, 720],
      ]);
      const segments = mesh.faceAttributes.find((a) => a.name === 'face_segment_id')!;
      expect(new Set(segments.values).size).toBe(19);
      expect(mesh.faceAttributes.find((a) => a.name === 'color')).toMatchObject({ type: 'uint8', components: 3 });
      expect(mesh.textures).toHaveLength(1);
      expect(mesh.textures[0]).toMatchObject({ name: 'Tile_+1990_+2690_0.jpg', width: 4096, height: 4096 });
      expect(mesh.textures[0]!.rgba.length).toBe(4096 * 4096 * 4);
      expect(mesh.cornerUvs!.length).toBe(1973 * 6);
      // The file's texcoords are v-up; the scan model stores v down from the image's top row.
      expect(Array.from(mesh.cornerUvs!.subarray(0, 6))).toEqual(
        [0.736591, 1 - 0.669415, 0.742212, 1 - 0.666874, 0.740476, 1 - 0.669201].map(Math.fround),
      );
      expect(mesh.faceTexture!.every((t) => t === 0)).toBe(true);
      expect(Array.from(mesh.indices.subarray(0, 3))).toEqual([1, 767, 174]);
      // first vertex "7750.950 4750.950 16.62650" through the double origin
      const [chunk] = await readAll(r);
      const o = r.info.origin;
      expect(Math.abs(o[0] + chunk!.positions[0]! - 7750.95)).toBeLessThan(1e-4);
      expect(Math.abs(o[1] + chunk!.positions[1]! - 4750.95)).toBeLessThan(1e-4);
      expect(Math.abs(o[2] + chunk!.positions[2]! - 16.6265)).toBeLessThan(1e-4);
    });
  });

  it('a missing texture is a BadInputError naming it, or a warning with allowMissingTextures', async () => {
    const tmp = tempDir('ply-tex');
    const file = path.join(tmp.dir, 'tiny_test_c.ply');
    copyFileSync(path.join(dataDir, 'sum-helsinki-tiny/tiny_test_c.ply'), file);
    const err = await plyFormat.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toContain('Tile_+1990_+2690_0.jpg');
    expect((err as Error).message).toContain('tiny_test_c.ply');
    await withReader(
      file,
      async (r) => {
        expect(r.info.details.warning).toContain('Tile_+1990_+2690_0.jpg');
        const mesh = (await r.mesh())!;
        expect(mesh.textures).toEqual([]);
        expect(mesh.faceTexture).toBeNull(); // no texture left to point at
        expect(mesh.cornerUvs!.length).toBe(1973 * 6);
      },
      { allowMissingTextures: true },
    );
  });

  it('cube_att.ply: normals and per-face texcoords without a texture', async () => {
    await withReader(path.join(dataDir, 'formats/ply/cube_att.ply'), async (r) => {
      expect(r.info.attributes).toEqual([{ name: 'normal', type: 'float32', components: 3 }]);
      const [chunk] = await readAll(r);
      expect(Array.from(chunk!.attributes[0]!.values.subarray(0, 6))).toEqual([-1, 0, 0, 0, 0, 1]);
      const mesh = (await r.mesh())!;
      expect(mesh.indices.length).toBe(36);
      // first face line: "3 9 11 13 6 1 1 0 0 0 1"
      expect(Array.from(mesh.indices.subarray(0, 3))).toEqual([9, 11, 13]);
      expect(Array.from(mesh.cornerUvs!.subarray(0, 6))).toEqual([1, 0, 0, 1, 0, 0]); // file: 1 1 0 0 0 1, v flipped
      expect(mesh.faceTexture).toBeNull();
    });
  });

  it('redkitchen_000.ply streams in bounded chunks, in order', async () => {
    await withReader(path.join(dataDir, 'formats/ply/redkitchen_000.ply'), async (r) => {
      const chunks = await readAll(r, 10_000);
      expect(chunks).toHaveLength(26);
      let start = 0;
      for (const c of chunks) {
        expect(c.start).toBe(start);
        expect(c.count).toBeLessThanOrEqual(10_000);
        expect(c.positions.length).toBe(c.count * 3);
        start += c.count;
      }
      expect(start).toBe(258342);
      expect(await r.mesh()).toBeNull();
    });
  });

  it('opens through openScan/readScan (sniffed by magic)', async () => {
    const reader = await openScan(path.join(dataDir, 'formats/ply/train-1000.ply'));
    expect(reader.info.format).toBe('ply');
    await reader.close();
    const scan = await readScan(path.join(dataDir, 'sum-helsinki-tiny/tiny_test_c.ply'));
    expect(scan.pointCount).toBe(1110);
    expect(scan.mesh!.indices.length).toBe(1973 * 3);
    expect(scan.labelLayers.map((l) => [l.name, l.target, l.values.length])).toEqual([
      ['label', 'faces', 1973],
      ['face_segment_id', 'faces', 1973],
    ]);
  });
});
