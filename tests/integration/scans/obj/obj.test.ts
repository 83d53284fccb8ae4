import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../electron/services/errors';
import { objFormat, openObjBytes } from '../../../../electron/services/scans/formats/obj';
import type { ResourceLoader } from '../../../../electron/services/scans/formats/obj';
import type { ScanReader } from '../../../../electron/services/scans/formats/types';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const data = (name: string) => path.resolve(repoRoot, '../shared/data/formats/obj', name);

/** Triangles a fan triangulation must produce: sum over polygons of (corners - 2). */
function expectedTriangles(text: string): { polygons: number; triangles: number } {
  let polygons = 0;
  let triangles = 0;
  for (const line of text.split('\n')) {
    const tokens = line.trim().split(/\s+/);
    if (tokens[0] !== 'f') continue;
    polygons++;
    triangles += tokens.length - 3;
  }
  return { polygons, triangles };
}

async function positionsOf(reader: ScanReader): Promise<Float32Array> {
  const out = new Float32Array(reader.info.pointCount * 3);
  for await (const chunk of reader.chunks({ chunkPoints: 500 })) out.set(chunk.positions, chunk.start * 3);
  return out;
}

const faceAttr = (reader: ScanReader, name: string) => reader.mesh().then((m) => m!.faceAttributes.find((a) => a.name === name));

describe('OBJ real files', () => {
  it('magnolia.obj: 806 vertices, 1,247 polygons; the absent MTL is a warning', async () => {
    const text = await readFile(data('magnolia.obj'), 'utf8');
    const reader = await objFormat.open(data('magnolia.obj'));
    const { polygons, triangles } = expectedTriangles(text);
    expect(polygons).toBe(1247);
    expect(reader.info.pointCount).toBe(806);
    expect(reader.info.details.polygons).toBe(1247);
    expect(reader.info.faceCount).toBe(triangles);
    expect(reader.info.details.warnings).toBe(1);
    expect(String(reader.info.details.warning1)).toMatch(/vp\.mtl not found/);
    const mesh = (await reader.mesh())!;
    expect(mesh.indices.length).toBe(triangles * 3);
    expect(Math.max(...mesh.indices)).toBe(805);
    // The first polygon "f 8 9 11 10" becomes the fan (8 9 11) (8 11 10), 0-based.
    expect(Array.from(mesh.indices.subarray(0, 6))).toEqual([7, 8, 10, 7, 10, 9]);
    expect(mesh.faceAttributes.map((a) => a.name)).toEqual(['material', 'group']);
    expect(reader.info.details.groups).toBe(49);
  });

  it('bunny.obj: 2,503 vertices, 4,968 triangles, bounds from the data', async () => {
    const reader = await objFormat.open(data('bunny.obj'));
    expect(reader.info.pointCount).toBe(2503);
    expect(reader.info.faceCount).toBe(4968);
    expect(reader.info.attributes).toEqual([]);
    const positions = await positionsOf(reader);
    expect(positions[0]! + reader.info.origin[0]).toBeCloseTo(-3.41018e-3, 7);
    expect(positions[1]! + reader.info.origin[1]).toBeCloseTo(0.13031957, 7);
  });

  it('1.2-with-color.obj: georeferenced vertices, per-vertex colours and MTL material colours', async () => {
    const reader = await objFormat.open(data('1.2-with-color.obj'));
    expect(reader.info.pointCount).toBe(911);
    expect(reader.info.faceCount).toBe(1672);
    expect(reader.info.details.warnings).toBe(0);
    expect(reader.info.attributes).toEqual([
      { name: 'color', type: 'uint8', components: 3 },
      { name: 'normal', type: 'float32', components: 3 },
    ]);
    // v 636896.312500 849087.687500 446.390015 1.000000 0.000000 0.000000
    const positions = await positionsOf(reader);
    const origin = reader.info.origin;
    expect(positions[0]! + origin[0]).toBeCloseTo(636896.3125, 2);
    expect(positions[1]! + origin[1]).toBeCloseTo(849087.6875, 2);
    expect(positions[2]! + origin[2]).toBeCloseTo(446.390015, 2);
    let firstColor: number[] = [];
    for await (const chunk of reader.chunks()) if (chunk.start === 0) firstColor = Array.from(chunk.attributes[0]!.values.subarray(0, 3));
    expect(firstColor).toEqual([255, 0, 0]);

    // Every face's colour is its material's Kd from the MTL.
    const mtl = await readFile(data('1.2-with-color.obj.mtl'), 'utf8');
    const kd = new Map<string, number[]>();
    for (const block of mtl.split('newmtl ').slice(1)) {
      const name = block.split('\n')[0]!.trim();
      const match = /\nKd ([\d.]+) ([\d.]+) ([\d.]+)/.exec(block)!;
      kd.set(
        name,
        [1, 2, 3].map((i) => Math.round(Number(match[i]) * 255)),
      );
    }
    const materials = reader.info.source!.materials as string[];
    const material = (await faceAttr(reader, 'material'))!.values;
    const color = (await faceAttr(reader, 'color'))!.values;
    for (let f = 0; f < reader.info.faceCount; f++)
      expect(Array.from(color.subarray(f * 3, f * 3 + 3))).toEqual(kd.get(materials[material[f]!]!));
    expect(Array.from(color.subarray(0, 3))).toEqual([85, 0, 170]); // material_0: Kd 0.333333 0 0.666667
  });

  it('sniffs OBJ text and rejects other files', async () => {
    const head = (await readFile(data('magnolia.obj'))).subarray(0, 512);
    expect(objFormat.sniff(head, 'x')).toBe(true);
    expect(objFormat.sniff(new TextEncoder().encode('ply\nformat ascii 1.0\n'), 'x.obj')).toBe(false);
  });
});

// --- generated fixture ---------------------------------------------------------------------------

function png(width: number, height: number, rgba: number[]): Uint8Array {
  const image = new pngjs.PNG({ width, height });
  image.data.set(rgba);
  return new Uint8Array(pngjs.PNG.sync.write(image));
}

const FIXTURE_OBJ = `# every index form
mtllib scene.mtl
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0
v 0.5 1.5 0 0.5 0.25 1
vt 0 0
vt 1 0
vt 1 1
vt 0 1
vn 0 0 1
o roof
usemtl brick
f 1/1/1 2/2/1 3/3/1 4/4/1
usemtl plain
f -5//1 -4//1 -1//1
g walls
usemtl brick
f 3/3 4/4 5/1
f 1 2 \\
  5
`;
const FIXTURE_MTL = `newmtl brick
Kd 1 0 0
map_Kd -s 1 1 1 textures/brick.png
newmtl plain
Kd 0 0.5 1
`;

const fixtureFiles = new Map<string, Uint8Array>([
  ['/scene/model.obj', new TextEncoder().encode(FIXTURE_OBJ)],
  ['/scene/scene.mtl', new TextEncoder().encode(FIXTURE_MTL)],
  ['/scene/textures/brick.png', png(2, 1, [255, 0, 0, 255, 0, 255, 0, 128])],
]);
const loader: ResourceLoader = async (p) => fixtureFiles.get(p) ?? null;

describe('OBJ generated fixture: index forms, fans, materials, textures', () => {
  it('triangulates polygons as fans with v, v/vt, v//vn, v/vt/vn, negative indices and continuations', async () => {
    const reader = await openObjBytes(fixtureFiles.get('/scene/model.obj')!, '/scene/model.obj', loader);
    expect(reader.info.pointCount).toBe(5);
    expect(reader.info.faceCount).toBe(5);
    expect(reader.info.details.warnings).toBe(0);
    const mesh = (await reader.mesh())!;
    expect(Array.from(mesh.indices)).toEqual([0, 1, 2, 0, 2, 3, 0, 1, 4, 2, 3, 4, 0, 1, 4]);
    // Corner uvs with v flipped to run down from the top row: vt (0,0)(1,0)(1,1) -> (0,1)(1,1)(1,0).
    expect(Array.from(mesh.cornerUvs!.subarray(0, 12))).toEqual([0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0]);
    // Faces without vt get zeros.
    expect(Array.from(mesh.cornerUvs!.subarray(12, 18))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(mesh.cornerUvs!.subarray(18, 24))).toEqual([1, 0, 0, 0, 0, 1]);
    expect(mesh.textures).toHaveLength(1);
    expect(mesh.textures[0]).toMatchObject({ name: 'brick.png', width: 2, height: 1 });
    expect(Array.from(mesh.textures[0]!.rgba)).toEqual([255, 0, 0, 255, 0, 255, 0, 128]);
    expect(Array.from(mesh.faceTexture!)).toEqual([0, 0, -1, 0, 0]);
    const byName = Object.fromEntries(mesh.faceAttributes.map((a) => [a.name, Array.from(a.values)]));
    const materials = reader.info.source!.materials as string[];
    expect(byName.material!.map((m) => materials[m])).toEqual(['brick', 'brick', 'plain', 'brick', 'brick']);
    expect(byName.color).toEqual([255, 0, 0, 255, 0, 0, 0, 128, 255, 255, 0, 0, 255, 0, 0]);
    const groups = reader.info.source!.groups as string[];
    expect(byName.group!.map((g) => groups[g])).toEqual(['roof', 'roof', 'roof', 'walls', 'walls']);
    // Vertex colours: only v5 has one; earlier vertices default to white.
    let color: number[] = [];
    let normal: number[] = [];
    for await (const chunk of reader.chunks()) {
      color = Array.from(chunk.attributes.find((a) => a.name === 'color')!.values);
      normal = Array.from(chunk.attributes.find((a) => a.name === 'normal')!.values);
    }
    expect(color).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 128, 64, 255]);
    expect(normal.slice(0, 3)).toEqual([0, 0, 1]);
  });

  it('reports a missing texture as a warning and keeps material colours', async () => {
    const noTexture: ResourceLoader = async (p) => (p.endsWith('.png') ? null : (fixtureFiles.get(p) ?? null));
    const reader = await openObjBytes(fixtureFiles.get('/scene/model.obj')!, '/scene/model.obj', noTexture);
    expect(reader.info.details.warnings).toBe(1);
    expect(String(reader.info.details.warning1)).toMatch(/textures\/brick\.png .*not found/);
    const mesh = (await reader.mesh())!;
    expect(mesh.textures).toEqual([]);
    expect(mesh.faceTexture).toBeNull();
    expect(mesh.faceAttributes.find((a) => a.name === 'color')).toBeDefined();
  });
});

describe('OBJ bad input', () => {
  const open = (text: string) => openObjBytes(new TextEncoder().encode(text), '/x/bad.obj', async () => null);
  const failure = (text: string) =>
    open(text).then(
      () => null,
      (e: unknown) => e,
    );

  it('rejects an out-of-range face index with its line number', async () => {
    const err = await failure('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\nf 1 2 4\n');
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toBe('bad.obj: line 5: face vertex index 4 is out of range (3 defined so far)');
  });

  it('rejects index 0, negative indices past the start and malformed corners', async () => {
    await expect(open('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n')).rejects.toThrow(/line 4: face vertex index 0 is out of range/);
    await expect(open('v 0 0 0\nv 1 0 0\nv 0 1 0\nf -4 1 2\n')).rejects.toThrow(/line 4: face vertex index -4 is out of range/);
    await expect(open('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1/a 2 3\n')).rejects.toThrow(/line 4: face texture coordinate index "a"/);
    await expect(open('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1/1 2 3\n')).rejects.toThrow(/line 4: face texture coordinate index 1 is out of range/);
    await expect(open('v 0 0 0\nv 1 0 0\nf 1 2\n')).rejects.toThrow(/line 3: face: expected at least 3 vertices/);
  });

  it('rejects NaN and missing coordinates', async () => {
    await expect(open('v 0 0 0\nv 1 NaN 0\n')).rejects.toThrow(/line 2: vertex: expected 3 numbers/);
    await expect(open('\n\nv 1 2\n')).rejects.toThrow(/line 3: vertex: expected "v x y z \[w\]"/);
    await expect(open('vn 0 x 1\n')).rejects.toThrow(/line 1: normal: expected 3 numbers/);
  });

  it('rejects text that is not OBJ', async () => {
    await expect(open('\u0000\u0001binary')).rejects.toThrow(/line 1: unexpected/);
    await expect(open('# only a comment\n')).rejects.toThrow(/no vertices/);
  });
});
