import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { inMemoryReader } from '../obj/inMemoryScan';
import { fileLoader } from '../obj/resources';
import type { ResourceLoader } from '../obj/resources';
import type { FormatModule, ScanReader } from '../types';
import { buildGltf } from './build';
import { isGlb, parseGlb, parseGltfJson } from './container';
import { validateDocument } from './schema';

export type { ResourceLoader } from '../obj/resources';

/** Parses .glb or .gltf bytes; external buffers and images are read through `load`. */
export async function openGltfBytes(bytes: Uint8Array, path: string, load: ResourceLoader): Promise<ScanReader> {
  const file = basename(path);
  const container = isGlb(bytes) ? parseGlb(bytes, file) : parseGltfJson(bytes, file);
  const doc = validateDocument(container.json, file, container.jsonOffset);
  const scan = await buildGltf(doc, container.bin, dirname(path), load, file);
  return inMemoryReader(path, scan);
}

/** glTF 2.0 (.gltf JSON with external or embedded buffers, .glb binary). */
export const gltfFormat: FormatModule = {
  id: 'gltf',
  extensions: ['.glb', '.gltf'],
  sniff: (head) => isGlb(head),
  async open(path): Promise<ScanReader> {
    return openGltfBytes(await readFile(path), path, fileLoader);
  },
};
