import { BadInputError } from '../../../errors';

/** GLB binary container (glTF 2.0 spec section 4.4): 12-byte header, JSON chunk, optional BIN chunk. */
export const GLB_MAGIC = 0x46546c67; // 'glTF'
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;

export interface GltfContainer {
  json: unknown;
  /** Byte offset of the JSON text in the file (for error locations); 0 for .gltf. */
  jsonOffset: number;
  bin: Uint8Array | null;
}

export function isGlb(head: Uint8Array): boolean {
  return head.length >= 4 && new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) === GLB_MAGIC;
}

function parseJson(bytes: Uint8Array, file: string, offset: number): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8').decode(bytes));
  } catch (err) {
    throw new BadInputError(file, `glTF JSON is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { byte: offset });
  }
}

export function parseGlb(bytes: Uint8Array, file: string): GltfContainer {
  if (bytes.length < 20)
    throw new BadInputError(file, `GLB is ${bytes.length} bytes, shorter than its header and first chunk header`, { byte: 0 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== GLB_MAGIC) throw new BadInputError(file, `expected the GLB magic "glTF"`, { byte: 0 });
  const version = view.getUint32(4, true);
  if (version !== 2) throw new BadInputError(file, `GLB version ${version}, expected 2`, { byte: 4 });
  const length = view.getUint32(8, true);
  if (length > bytes.length)
    throw new BadInputError(file, `GLB header length ${length} exceeds the file size ${bytes.length} (truncated)`, { byte: 8 });
  if (length < 20) throw new BadInputError(file, `GLB header length ${length} is too small`, { byte: 8 });
  let json: unknown = undefined;
  let jsonOffset = 20;
  let bin: Uint8Array | null = null;
  let at = 12;
  for (let chunk = 0; at < length; chunk++) {
    if (at + 8 > length) throw new BadInputError(file, `chunk header at ${at} runs past the GLB length ${length}`, { byte: at });
    const chunkLength = view.getUint32(at, true);
    const chunkType = view.getUint32(at + 4, true);
    const start = at + 8;
    if (start + chunkLength > length)
      throw new BadInputError(file, `chunk of ${chunkLength} bytes at ${at} runs past the GLB length ${length}`, { byte: at });
    if (chunk === 0 && chunkType !== CHUNK_JSON)
      throw new BadInputError(file, `first chunk must be JSON, found type 0x${chunkType.toString(16)}`, { byte: at + 4 });
    if (chunk === 0) {
      json = parseJson(bytes.subarray(start, start + chunkLength), file, start);
      jsonOffset = start;
    } else if (chunk === 1 && chunkType === CHUNK_BIN) bin = bytes.subarray(start, start + chunkLength);
    // Other chunk types are reserved for extensions and skipped.
    at = start + chunkLength;
    at += (4 - (at % 4)) % 4;
  }
  if (json === undefined) throw new BadInputError(file, 'GLB has no JSON chunk', { byte: 12 });
  return { json, jsonOffset, bin };
}

export function parseGltfJson(bytes: Uint8Array, file: string): GltfContainer {
  return { json: parseJson(bytes, file, 0), jsonOffset: 0, bin: null };
}
