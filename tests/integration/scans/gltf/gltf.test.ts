import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEncoderModule } from 'draco3d';
import { MeshoptEncoder } from 'meshoptimizer/encoder';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../electron/services/errors';
import { gltfFormat, openGltfBytes } from '../../../../electron/services/scans/formats/gltf';
import { BufferStore } from '../../../../electron/services/scans/formats/gltf/buffers';
import { validateDocument } from '../../../../electron/services/scans/formats/gltf/schema';
import type { ScanReader } from '../../../../electron/services/scans/formats/types';
import { GltfWriter, f32, i16, u32, u8 } from './gltfWriter';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const data = (name: string) => path.resolve(repoRoot, '../shared/data/formats/glb', name);
const noFiles = async () => null;

async function worldPositions(reader: ScanReader): Promise<number[][]> {
  const out: number[][] = [];
  for await (const chunk of reader.chunks({ chunkPoints: 1000 }))
    for (let i = 0; i < chunk.count; i++) out.push([0, 1, 2].map((k) => chunk.positions[i * 3 + k]! + reader.info.origin[k]!));
  return out;
}

async function pointAttribute(reader: ScanReader, name: string): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of reader.chunks()) for (const v of chunk.attributes.find((a) => a.name === name)!.values) out.push(v);
  return out;
}

describe('glTF real files', () => {
  it('0.glb: 82,674 POINTS with COLOR_0 through meshopt + quantization, bounds = node transform of accessor min/max', async () => {
    const bytes = await readFile(data('0.glb'));
    const json = JSON.parse(bytes.subarray(20, 20 + bytes.readUInt32LE(12)).toString('utf8'));
    const reader = await gltfFormat.open(data('0.glb'));
    expect(reader.info.pointCount).toBe(82674);
    expect(reader.info.faceCount).toBe(0);
    expect(await reader.mesh()).toBeNull();
    expect(reader.info.attributes).toEqual([{ name: 'color', type: 'uint8', components: 3 }]);
    const node = json.nodes[0];
    const accessor = json.accessors[1];
    for (let k = 0; k < 3; k++) {
      expect(reader.info.boundsMin[k]).toBeCloseTo(node.translation[k] + node.scale[k] * accessor.min[k], 4);
      expect(reader.info.boundsMax[k]).toBeCloseTo(node.translation[k] + node.scale[k] * accessor.max[k], 4);
    }
    const colors = await pointAttribute(reader, 'color');
    expect(colors.length).toBe(82674 * 3);
    expect(new Set(colors).size).toBeGreaterThan(100);
    expect(gltfFormat.sniff(bytes.subarray(0, 16), 'x')).toBe(true);
  });

  it('DamagedHelmet.glb: 14,556 vertices, 15,452 triangles, base colour texture with corner uvs', async () => {
    const reader = await gltfFormat.open(data('DamagedHelmet.glb'));
    expect(reader.info.pointCount).toBe(14556);
    expect(reader.info.faceCount).toBe(15452);
    expect(reader.info.attributes).toEqual([{ name: 'normal', type: 'float32', components: 3 }]);
    // The node turns +90 degrees about X: y' = -z, z' = y of the accessor bounds.
    expect(reader.info.boundsMin[1]).toBeCloseTo(-0.900973916053772, 6);
    expect(reader.info.boundsMax[1]).toBeCloseTo(0.9009949564933777, 6);
    expect(reader.info.boundsMin[2]).toBeCloseTo(-1.18715500831604, 6);
    expect(reader.info.boundsMax[2]).toBeCloseTo(0.8128451108932495, 6);
    const mesh = (await reader.mesh())!;
    expect(mesh.indices.length).toBe(15452 * 3);
    expect(mesh.textures).toHaveLength(1);
    expect(mesh.textures[0]).toMatchObject({ width: 2048, height: 2048 });
    expect(mesh.textures[0]!.rgba.length).toBe(2048 * 2048 * 4);
    expect(mesh.faceTexture!.every((t) => t === 0)).toBe(true);
    expect(mesh.cornerUvs!.length).toBe(15452 * 6);
    const v = mesh.cornerUvs!.filter((_, i) => i % 2 === 1);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(1.0005);
    expect(Math.max(...v)).toBeLessThanOrEqual(1.9987);
  });
});

function png1x1(rgba: number[]): Uint8Array {
  const image = new pngjs.PNG({ width: 1, height: 1 });
  image.data.set(rgba);
  return new Uint8Array(pngjs.PNG.sync.write(image));
}

/** Node hierarchy (matrix + TRS), strip, fan, sparse, interleaved stride, quantized points, a line primitive. */
function sceneFixture(): GltfWriter {
  const w = new GltfWriter();
  const interleaved = new Uint8Array(5 * 16);
  const dv = new DataView(interleaved.buffer);
  const strip = [
    [0, 0, 0],
    [1, 0, 0],
    [0, 1, 0],
    [1, 1, 0],
    [0, 2, 0],
  ];
  const colors = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 255],
    [10, 20, 30],
  ];
  strip.forEach((p, i) => {
    p.forEach((v, k) => dv.setFloat32(i * 16 + k * 4, v, true));
    colors[i]!.forEach((c, k) => dv.setUint8(i * 16 + 12 + k, c));
    dv.setUint8(i * 16 + 15, 255);
  });
  const iv = w.view(interleaved, { byteStride: 16 });
  const pos0 = w.accessor({ bufferView: iv, componentType: 5126, count: 5, type: 'VEC3', byteOffset: 0 });
  const col0 = w.accessor({ bufferView: iv, componentType: 5121, normalized: true, count: 5, type: 'VEC4', byteOffset: 12 });
  const uv0 = w.accessor({ bufferView: w.view(f32([0, 0, 1, 0, 0, 1, 1, 1, 0, 0.5])), componentType: 5126, count: 5, type: 'VEC2' });
  const fanPos = w.accessor({
    bufferView: w.view(f32([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, -1, 0, 0])),
    componentType: 5126,
    count: 5,
    type: 'VEC3',
    sparse: { count: 1, indices: { bufferView: w.view(u8([2])), componentType: 5121 }, values: { bufferView: w.view(f32([9, 9, 9])) } },
  });
  const fanIdx = w.accessor({ bufferView: w.view(u8([0, 1, 2, 3, 4])), componentType: 5121, count: 5, type: 'SCALAR' });
  const qPos = w.accessor({
    bufferView: w.view(i16([32767, 0, 0, 0, 0, -32767, 0, 0, 0, 0, 16384, 0, 0, 0, 0, 0]), { byteStride: 8 }),
    componentType: 5122,
    normalized: true,
    count: 4,
    type: 'VEC3',
  });
  w.push('images', { bufferView: w.view(png1x1([200, 100, 50, 255])), mimeType: 'image/png' });
  w.push('textures', { source: 0 });
  w.push('materials', { pbrMetallicRoughness: { baseColorTexture: { index: 0 } } });
  w.push('meshes', { primitives: [{ attributes: { POSITION: pos0, COLOR_0: col0, TEXCOORD_0: uv0 }, mode: 5, material: 0 }] });
  w.push('meshes', { primitives: [{ attributes: { POSITION: fanPos }, indices: fanIdx, mode: 6 }] });
  w.push('meshes', { primitives: [{ attributes: { POSITION: qPos }, mode: 0 }] });
  w.push('meshes', { primitives: [{ attributes: { POSITION: pos0 }, mode: 1 }] });
  w.push('nodes', { matrix: [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 1000, 2000, 3000, 1], children: [1, 2] });
  w.push('nodes', { mesh: 0, translation: [1, 0, 0], rotation: [0, 0, Math.SQRT1_2, Math.SQRT1_2] });
  w.push('nodes', { mesh: 1 });
  w.push('nodes', { mesh: 2, translation: [5, 5, 5], scale: [100, 100, 100] });
  w.push('nodes', { mesh: 3 });
  w.push('scenes', { nodes: [0, 3, 4] });
  w.json.extensionsUsed = ['KHR_mesh_quantization'];
  return w;
}

describe('glTF generated fixtures', () => {
  it('applies node transforms in float64 and converts strips, fans, sparse and quantized points', async () => {
    const reader = await openGltfBytes(sceneFixture().glb(), '/t/scene.glb', noFiles);
    expect(reader.info.pointCount).toBe(14);
    expect(reader.info.faceCount).toBe(6);
    expect(reader.info.details.skippedLinePrimitives).toBe(1);
    expect(reader.info.details.pointPrimitives).toBe(1);
    const strip = [
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
      [0, 2, 0],
    ].map(([x, y, z]) => [2 * (-y! + 1) + 1000, 2 * x! + 2000, 2 * z! + 3000]);
    const fan = [
      [0, 0, 0],
      [1, 0, 0],
      [9, 9, 9],
      [0, 1, 0],
      [-1, 0, 0],
    ].map(([x, y, z]) => [2 * x! + 1000, 2 * y! + 2000, 2 * z! + 3000]);
    const points = [
      [1, 0, 0],
      [0, -1, 0],
      [0, 0, 16384 / 32767],
      [0, 0, 0],
    ].map((p) => p.map((v) => 100 * v + 5));
    const got = await worldPositions(reader);
    [...strip, ...fan, ...points].forEach((want, i) => want.forEach((v, k) => expect(got[i]![k]).toBeCloseTo(v, 3)));
    const mesh = (await reader.mesh())!;
    expect(Array.from(mesh.indices)).toEqual([0, 1, 2, 2, 1, 3, 2, 3, 4, 5, 6, 7, 5, 7, 8, 5, 8, 9]);
    expect(Array.from(mesh.faceTexture!)).toEqual([0, 0, 0, -1, -1, -1]);
    expect(Array.from(mesh.cornerUvs!.subarray(0, 12))).toEqual([0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(mesh.textures[0]!.rgba)).toEqual([200, 100, 50, 255]);
    expect(Array.from(mesh.faceAttributes[0]!.values)).toEqual([0, 0, 0, 65535, 65535, 65535]);
    const color = await pointAttribute(reader, 'color');
    expect(color.slice(0, 15)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30]);
    expect(color.slice(15)).toEqual(new Array(27).fill(0));
  });

  it('reads .gltf with an embedded data-URI buffer and with an external .bin', async () => {
    const w = sceneFixture();
    const embedded = await openGltfBytes(w.gltf(), '/t/scene.gltf', noFiles);
    const files = new Map([['/t/bin/scene.bin', w.bin()]]);
    const external = await openGltfBytes(w.gltf('bin/scene.bin'), '/t/scene.gltf', async (p) => files.get(p) ?? null);
    expect(await worldPositions(external)).toEqual(await worldPositions(embedded));
    expect(embedded.info.pointCount).toBe(14);
    await expect(openGltfBytes(w.gltf('missing.bin'), '/t/scene.gltf', noFiles)).rejects.toThrow(/buffer 0: file "missing.bin" not found/);
  });

  it('decodes EXT_meshopt_compression with EXPONENTIAL and OCTAHEDRAL filters and TRIANGLES/INDICES modes', async () => {
    await MeshoptEncoder.ready;
    const positions = [0.5, 1.25, -3, 10, 20, 30, -7.75, 0, 2, 1, 1, 1];
    const normals = [0, 0, 1, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0, Math.SQRT1_2, Math.SQRT1_2, 0]; // xyz + padding per vertex
    const w = new GltfWriter();
    const compressed = (bytes: Uint8Array, count: number, stride: number, mode: string, filter: string) => {
      const encoded = MeshoptEncoder.encodeGltfBuffer(bytes, count, stride, mode);
      const offset = w.append(encoded);
      return { buffer: 0, byteOffset: offset, byteLength: encoded.length, byteStride: stride, count, mode, filter };
    };
    const fallbackView = (byteOffset: number, byteLength: number, ext: object, byteStride?: number) => {
      w.json.bufferViews.push({
        buffer: 1,
        byteOffset,
        byteLength,
        ...(byteStride ? { byteStride } : {}),
        extensions: { EXT_meshopt_compression: ext },
      });
      return w.json.bufferViews.length - 1;
    };
    const posView = fallbackView(
      0,
      48,
      compressed(MeshoptEncoder.encodeFilterExp(Float32Array.from(positions), 4, 12, 23), 4, 12, 'ATTRIBUTES', 'EXPONENTIAL'),
    );
    const nrmView = fallbackView(
      48,
      16,
      compressed(MeshoptEncoder.encodeFilterOct(Float32Array.from(normals), 4, 4, 8), 4, 4, 'ATTRIBUTES', 'OCTAHEDRAL'),
      4,
    );
    const triView = fallbackView(64, 24, compressed(u32([0, 1, 2, 2, 1, 3]), 6, 4, 'TRIANGLES', 'NONE'));
    const idxView = fallbackView(88, 12, compressed(u32([3, 2, 0]), 3, 4, 'INDICES', 'NONE'));
    w.json.buffers.push({ byteLength: 100, extensions: { EXT_meshopt_compression: { fallback: true } } });
    const pos = w.accessor({ bufferView: posView, componentType: 5126, count: 4, type: 'VEC3' });
    const nrm = w.accessor({ bufferView: nrmView, componentType: 5120, normalized: true, count: 4, type: 'VEC3' });
    const tri = w.accessor({ bufferView: triView, componentType: 5125, count: 6, type: 'SCALAR' });
    const idx = w.accessor({ bufferView: idxView, componentType: 5125, count: 3, type: 'SCALAR' });
    w.push('meshes', {
      primitives: [
        { attributes: { POSITION: pos, NORMAL: nrm }, indices: tri },
        { attributes: { POSITION: pos }, indices: idx },
      ],
    });
    w.push('nodes', { mesh: 0 });
    w.push('scenes', { nodes: [0] });
    w.json.extensionsUsed = w.json.extensionsRequired = ['EXT_meshopt_compression'];
    const reader = await openGltfBytes(w.glb(), '/t/meshopt.glb', noFiles);
    expect(reader.info.pointCount).toBe(8);
    expect(Array.from((await reader.mesh())!.indices)).toEqual([0, 1, 2, 2, 1, 3, 7, 6, 4]);
    const got = (await worldPositions(reader)).slice(0, 4).flat();
    got.forEach((v, i) => expect(v).toBeCloseTo(positions[i]!, 4));
    const normal = (await pointAttribute(reader, 'normal')).slice(0, 12);
    const wantNormals = [0, 0, 1, 0, 1, 0, 0, -1, 0, 0, Math.SQRT1_2, Math.SQRT1_2];
    normal.forEach((v, i) => expect(v).toBeCloseTo(wantNormals[i]!, 1));
  });

  it('decodes the QUATERNION filter through the buffer store', async () => {
    await MeshoptEncoder.ready;
    const quats = [0, 0, 0, 1, Math.SQRT1_2, 0, 0, Math.SQRT1_2];
    const filtered = MeshoptEncoder.encodeFilterQuat(Float32Array.from(quats), 2, 8, 12);
    const encoded = MeshoptEncoder.encodeGltfBuffer(filtered, 2, 8, 'ATTRIBUTES');
    const doc = validateDocument(
      {
        asset: { version: '2.0' },
        buffers: [{ byteLength: encoded.length }, { byteLength: 16 }],
        bufferViews: [
          {
            buffer: 1,
            byteLength: 16,
            byteStride: 8,
            extensions: {
              EXT_meshopt_compression: {
                buffer: 0,
                byteLength: encoded.length,
                byteStride: 8,
                count: 2,
                mode: 'ATTRIBUTES',
                filter: 'QUATERNION',
              },
            },
          },
        ],
      },
      'q.glb',
      0,
    );
    const store = await BufferStore.load(doc, encoded, '/', noFiles, 'q.glb');
    const decoded = Array.from(new Int16Array(store.view(0).slice().buffer)).map((v) => v / 32767);
    decoded.forEach((v, i) => expect(v).toBeCloseTo(quats[i]!, 2));
  });

  it('decodes KHR_draco_mesh_compression produced by the draco3d encoder', async () => {
    const enc = await createEncoderModule({});
    const corners = [0, 1].flatMap((x) => [0, 1].flatMap((y) => [0, 1].map((z) => [x, y, z])));
    const faces = [0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1, 2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7, 3];
    const builder = new enc.MeshBuilder();
    const dracoMesh = new enc.Mesh();
    builder.AddFacesToMesh(dracoMesh, 12, Uint32Array.from(faces));
    const posId = builder.AddFloatAttribute(dracoMesh, enc.POSITION, 8, 3, Float32Array.from(corners.flat()));
    const colId = builder.AddUInt8Attribute(
      dracoMesh,
      enc.COLOR,
      8,
      3,
      Uint8Array.from(corners.flatMap(([x, y, z]) => [x! * 255, y! * 255, z! * 200])),
    );
    const encoder = new enc.Encoder();
    encoder.SetAttributeQuantization(enc.POSITION, 16);
    const out = new enc.DracoInt8Array();
    const length = encoder.EncodeMeshToDracoBuffer(dracoMesh, out);
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = out.GetValue(i) & 0xff;
    enc.destroy(out);
    enc.destroy(encoder);
    enc.destroy(dracoMesh);
    enc.destroy(builder);
    expect(length).toBeGreaterThan(0);

    const w = new GltfWriter();
    const view = w.view(bytes);
    const pos = w.accessor({ componentType: 5126, count: 8, type: 'VEC3' });
    const col = w.accessor({ componentType: 5121, normalized: true, count: 8, type: 'VEC3' });
    const ind = w.accessor({ componentType: 5125, count: 36, type: 'SCALAR' });
    w.push('meshes', {
      primitives: [
        {
          attributes: { POSITION: pos, COLOR_0: col },
          indices: ind,
          extensions: { KHR_draco_mesh_compression: { bufferView: view, attributes: { POSITION: posId, COLOR_0: colId } } },
        },
      ],
    });
    w.push('nodes', { mesh: 0, translation: [100, 0, 0] });
    w.push('scenes', { nodes: [0] });
    w.json.extensionsUsed = w.json.extensionsRequired = ['KHR_draco_mesh_compression'];
    const reader = await openGltfBytes(w.gltf('cube.bin'), '/t/cube.gltf', async (p) => (p === '/t/cube.bin' ? w.bin() : null));
    expect(reader.info.faceCount).toBe(12);
    const positions = await worldPositions(reader);
    const colors = await pointAttribute(reader, 'color');
    // Draco may reorder vertices and faces: compare triangles as sets of corner coordinates.
    const key = (p: number[]) => p.map((v) => Math.round(v * 1000) / 1000).join(',');
    const mesh = (await reader.mesh())!;
    const got = new Set<string>();
    for (let f = 0; f < 12; f++)
      got.add(
        [0, 1, 2]
          .map((c) => key(positions[mesh.indices[f * 3 + c]!]!))
          .sort()
          .join(' | '),
      );
    const want = new Set<string>();
    for (let f = 0; f < 12; f++)
      want.add(
        [0, 1, 2]
          .map((c) => key(corners[faces[f * 3 + c]!]!.map((v, k) => v + (k === 0 ? 100 : 0))))
          .sort()
          .join(' | '),
      );
    expect(got).toEqual(want);
    positions.forEach((p, i) =>
      expect(colors.slice(i * 3, i * 3 + 3)).toEqual([Math.round(p[0]! - 100) * 255, Math.round(p[1]!) * 255, Math.round(p[2]!) * 200]),
    );
  });
});

describe('glTF bad input', () => {
  const glb = sceneFixture().glb();
  const open = (bytes: Uint8Array) => openGltfBytes(bytes, '/t/bad.glb', noFiles);

  it('rejects a bad magic, a wrong version and lengths beyond the file', async () => {
    const magic = glb.slice();
    magic[0] = 0x47; // 'G' keeps it looking like text, still not JSON
    await expect(open(magic)).rejects.toThrow(BadInputError);
    const version = glb.slice();
    version[4] = 1;
    await expect(open(version)).rejects.toThrow(/bad\.glb: byte 4: GLB version 1, expected 2/);
    await expect(open(glb.subarray(0, glb.length - 10))).rejects.toThrow(/byte 8: GLB header length \d+ exceeds the file size/);
    const chunk = glb.slice();
    new DataView(chunk.buffer).setUint32(12, glb.length, true);
    await expect(open(chunk)).rejects.toThrow(/byte 12: chunk of \d+ bytes at 12 runs past the GLB length/);
  });

  it('rejects accessors that reach outside their buffer view and indices out of range', async () => {
    const w = sceneFixture();
    (w.json.accessors[0] as { count: number }).count = 6;
    await expect(open(w.glb())).rejects.toThrow(/accessor 0: 6 elements .* need 92 bytes, its bufferView has 80/);
    const w2 = sceneFixture();
    // Fan indices re-pointed at the uv floats: bytes 8.. hold 1.0f = 00 00 80 3f.
    Object.assign(w2.json.accessors[4] as object, { bufferView: 1, byteOffset: 8 });
    await expect(open(w2.glb())).rejects.toThrow(/accessor 4: index 128 at position 2 is out of range \(5 vertices\)/);
    const w3 = sceneFixture();
    (w3.json.bufferViews[0] as { byteLength: number }).byteLength = 100000;
    await expect(open(w3.glb())).rejects.toThrow(/bufferView 0: bytes 0..100000 lie outside buffer 0/);
  });

  it('rejects malformed JSON, schema violations, cycles and unsupported required extensions', async () => {
    await expect(openGltfBytes(new TextEncoder().encode('{"asset":'), '/t/x.gltf', noFiles)).rejects.toThrow(/not valid JSON/);
    await expect(
      openGltfBytes(
        new TextEncoder().encode('{"asset":{"version":"2.0"},"meshes":[{"primitives":[{"attributes":{},"mode":9}]}]}'),
        '/t/x.gltf',
        noFiles,
      ),
    ).rejects.toThrow(/glTF JSON meshes\[0\]\.primitives\[0\]\.mode/);
    const cycle = sceneFixture();
    (cycle.json.nodes[1] as { children?: number[] }).children = [0];
    await expect(open(cycle.glb())).rejects.toThrow(/node 0 is its own ancestor/);
    const ext = sceneFixture();
    ext.json.extensionsRequired = ['EXT_made_up'];
    await expect(open(ext.glb())).rejects.toThrow(/requires glTF extension EXT_made_up/);
  });
});
