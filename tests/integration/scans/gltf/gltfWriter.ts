/**
 * Builds small glTF documents for tests: binary data is appended to one buffer, views and accessors
 * are registered, and the result is written as GLB or as .gltf JSON with a data-URI or external buffer.
 */
export interface GltfJson {
  asset: { version: string };
  buffers: object[];
  bufferViews: object[];
  accessors: object[];
  nodes: object[];
  [key: string]: unknown;
}

export class GltfWriter {
  readonly json: GltfJson = { asset: { version: '2.0' }, buffers: [], bufferViews: [], accessors: [], nodes: [] };
  private chunks: Uint8Array[] = [];
  private length = 0;

  /** Appends bytes (4-byte aligned) and returns a bufferView index over them. */
  view(bytes: Uint8Array, extra: Record<string, unknown> = {}): number {
    const byteOffset = this.append(bytes);
    this.json.bufferViews.push({ buffer: 0, byteOffset, byteLength: bytes.length, ...extra });
    return this.json.bufferViews.length - 1;
  }

  append(bytes: Uint8Array): number {
    const byteOffset = this.length;
    this.chunks.push(bytes);
    this.length += bytes.length;
    const pad = (4 - (this.length % 4)) % 4;
    if (pad) {
      this.chunks.push(new Uint8Array(pad));
      this.length += pad;
    }
    return byteOffset;
  }

  accessor(a: Record<string, unknown>): number {
    this.json.accessors.push(a);
    return this.json.accessors.length - 1;
  }

  push(key: string, value: unknown): number {
    const list = (this.json[key] ??= []) as unknown[];
    list.push(value);
    return list.length - 1;
  }

  bin(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  private document(uri?: string): Record<string, unknown> {
    const doc: Record<string, unknown> = { ...this.json };
    const buffers = [{ byteLength: this.length, ...(uri !== undefined ? { uri } : {}) }, ...this.json.buffers];
    doc.buffers = this.length > 0 ? buffers : this.json.buffers;
    for (const key of Object.keys(doc)) if (Array.isArray(doc[key]) && (doc[key] as unknown[]).length === 0) delete doc[key];
    return doc;
  }

  glb(): Uint8Array {
    const json = new TextEncoder().encode(JSON.stringify(this.document()));
    const jsonPadded = Math.ceil(json.length / 4) * 4;
    const bin = this.bin();
    const total = 12 + 8 + jsonPadded + (bin.length ? 8 + bin.length : 0);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setUint32(0, 0x46546c67, true);
    view.setUint32(4, 2, true);
    view.setUint32(8, total, true);
    view.setUint32(12, jsonPadded, true);
    view.setUint32(16, 0x4e4f534a, true);
    out.fill(0x20, 20, 20 + jsonPadded);
    out.set(json, 20);
    if (bin.length) {
      view.setUint32(20 + jsonPadded, bin.length, true);
      view.setUint32(24 + jsonPadded, 0x004e4942, true);
      out.set(bin, 28 + jsonPadded);
    }
    return out;
  }

  /** .gltf JSON; the buffer is embedded as a data URI unless an external file name is given. */
  gltf(externalName?: string): Uint8Array {
    const uri = externalName ?? `data:application/octet-stream;base64,${Buffer.from(this.bin()).toString('base64')}`;
    return new TextEncoder().encode(JSON.stringify(this.document(uri)));
  }
}

export const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
export const u8 = (values: number[]) => Uint8Array.from(values);
export const u16 = (values: number[]) => new Uint8Array(Uint16Array.from(values).buffer);
export const i16 = (values: number[]) => new Uint8Array(Int16Array.from(values).buffer);
export const u32 = (values: number[]) => new Uint8Array(Uint32Array.from(values).buffer);
