import { posix } from 'node:path';
import { MeshoptDecoder } from 'meshoptimizer/decoder';
import { BadInputError } from '../../../errors';
import type { ResourceLoader } from '../obj/resources';
import type { GltfDocument, MeshoptView } from './schema';
import { item } from './schema';

/** A declared buffer larger than this is a corrupt length, not a scan (and would exhaust memory). */
const MAX_BUFFER_BYTES = 2 ** 31 - 1;

function decodeDataUri(uri: string, file: string, what: string): Uint8Array {
  const match = /^data:[^,]*?(;base64)?,(.*)$/s.exec(uri);
  if (!match) throw new BadInputError(file, `${what}: malformed data URI`);
  if (match[1]) {
    const text = match[2]!;
    if (!/^[A-Za-z0-9+/=\s]*$/.test(text)) throw new BadInputError(file, `${what}: data URI is not valid base64`);
    return new Uint8Array(Buffer.from(text, 'base64'));
  }
  return new TextEncoder().encode(decodeURIComponent(match[2]!));
}

/** Bytes named by a glTF uri: a data URI or a path relative to the glTF file. */
export async function loadUri(uri: string, baseDir: string, load: ResourceLoader, file: string, what: string): Promise<Uint8Array | null> {
  if (uri.startsWith('data:')) return decodeDataUri(uri, file, what);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
    throw new BadInputError(file, `${what}: remote uri "${uri.slice(0, 80)}" cannot be read offline`);
  let relative: string;
  try {
    relative = decodeURIComponent(uri);
  } catch {
    throw new BadInputError(file, `${what}: uri "${uri.slice(0, 80)}" is not valid percent-encoding`);
  }
  return load(posix.resolve(baseDir.replace(/\\/g, '/'), relative));
}

/** Buffers and buffer views of one document, bounds-checked; EXT_meshopt_compression views decoded on first use. */
export class BufferStore {
  private readonly buffers: (Uint8Array | null)[] = [];
  private readonly decodedViews = new Map<number, Uint8Array>();

  private constructor(
    private readonly doc: GltfDocument,
    private readonly file: string,
  ) {}

  static async load(doc: GltfDocument, bin: Uint8Array | null, baseDir: string, load: ResourceLoader, file: string): Promise<BufferStore> {
    const store = new BufferStore(doc, file);
    for (const [i, buffer] of doc.buffers.entries()) {
      if (buffer.byteLength > MAX_BUFFER_BYTES)
        throw new BadInputError(file, `buffer ${i} declares ${buffer.byteLength} bytes, more than this reader accepts`);
      let bytes: Uint8Array | null = null;
      if (buffer.uri !== undefined) {
        bytes = await loadUri(buffer.uri, baseDir, load, file, `buffer ${i}`);
        if (!bytes) throw new BadInputError(file, `buffer ${i}: file "${buffer.uri}" not found`);
      } else if (i === 0 && bin) {
        bytes = bin;
      }
      // A buffer without data is legal when only meshopt fallbacks point into it.
      if (bytes && bytes.length < buffer.byteLength)
        throw new BadInputError(file, `buffer ${i} declares ${buffer.byteLength} bytes but only ${bytes.length} are present (truncated)`);
      store.buffers.push(bytes ? bytes.subarray(0, buffer.byteLength) : null);
    }
    await MeshoptDecoder.ready;
    return store;
  }

  private bufferBytes(i: number, what: string): Uint8Array {
    item(this.doc.buffers, i, 'buffer', this.file);
    const bytes = this.buffers[i];
    if (!bytes) throw new BadInputError(this.file, `${what} reads buffer ${i}, which has no data (no uri and not the GLB BIN chunk)`);
    return bytes;
  }

  private slice(buffer: number, byteOffset: number, byteLength: number, what: string): Uint8Array {
    const bytes = this.bufferBytes(buffer, what);
    if (byteOffset + byteLength > bytes.length)
      throw new BadInputError(
        this.file,
        `${what}: bytes ${byteOffset}..${byteOffset + byteLength} lie outside buffer ${buffer} (${bytes.length} bytes)`,
      );
    return bytes.subarray(byteOffset, byteOffset + byteLength);
  }

  /** The bytes of a buffer view, decompressed when it is meshopt-encoded. */
  view(index: number): Uint8Array {
    const view = item(this.doc.bufferViews, index, 'bufferView', this.file);
    const meshopt = view.extensions?.EXT_meshopt_compression ?? view.extensions?.KHR_meshopt_compression;
    if (!meshopt) return this.slice(view.buffer, view.byteOffset, view.byteLength, `bufferView ${index}`);
    let decoded = this.decodedViews.get(index);
    if (!decoded) {
      decoded = this.decodeMeshopt(index, meshopt, view.byteLength);
      this.decodedViews.set(index, decoded);
    }
    return decoded;
  }

  private decodeMeshopt(index: number, m: MeshoptView, viewLength: number): Uint8Array {
    const what = `bufferView ${index} (meshopt ${m.mode})`;
    const size = m.count * m.byteStride;
    if (size > viewLength)
      throw new BadInputError(this.file, `${what}: ${m.count} x ${m.byteStride} bytes exceed the view's byteLength ${viewLength}`);
    if (m.mode === 'ATTRIBUTES' && m.byteStride % 4 !== 0)
      throw new BadInputError(this.file, `${what}: byteStride ${m.byteStride} is not a multiple of 4`);
    if (m.mode !== 'ATTRIBUTES' && m.byteStride !== 2 && m.byteStride !== 4)
      throw new BadInputError(this.file, `${what}: byteStride must be 2 or 4`);
    if (m.mode === 'TRIANGLES' && m.count % 3 !== 0) throw new BadInputError(this.file, `${what}: count ${m.count} is not a multiple of 3`);
    if (m.mode !== 'ATTRIBUTES' && m.filter !== 'NONE')
      throw new BadInputError(this.file, `${what}: filter ${m.filter} only applies to ATTRIBUTES`);
    const filterStrides: Record<string, number[]> = { OCTAHEDRAL: [4, 8], QUATERNION: [8], COLOR: [4, 8] };
    const allowed = filterStrides[m.filter];
    if (allowed && !allowed.includes(m.byteStride))
      throw new BadInputError(this.file, `${what}: filter ${m.filter} needs byteStride ${allowed.join(' or ')}`);
    const source = this.slice(m.buffer, m.byteOffset, m.byteLength, what);
    const target = new Uint8Array(viewLength);
    try {
      MeshoptDecoder.decodeGltfBuffer(target, m.count, m.byteStride, source, m.mode, m.filter);
    } catch (err) {
      throw new BadInputError(this.file, `${what}: compressed data is corrupt (${err instanceof Error ? err.message : String(err)})`);
    }
    return target;
  }
}
