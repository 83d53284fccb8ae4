import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { BadInputError } from '../../../errors';
import { decodeImage } from '../../images';
import type { ScanTexture } from '../../model';
import type { FormatModule, ScanReader } from '../types';
import { assembleObj } from './assemble';
import type { ObjResources } from './assemble';
import { inMemoryReader } from './inMemoryScan';
import { parseMtl } from './mtl';
import type { MtlMaterial } from './mtl';
import { parseObj } from './parse';
import { fileLoader } from './resources';
import type { ResourceLoader } from './resources';

export type { ResourceLoader } from './resources';

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Loads the MTL files and the diffuse textures the OBJ uses. Missing or unreadable side files are
 * warnings, not errors: the geometry is what the user labels (magnolia.obj names an absent MTL).
 */
async function loadResources(objPath: string, mtllibs: string[], usedMaterials: string[], load: ResourceLoader): Promise<ObjResources> {
  const resources: ObjResources = { materials: new Map(), textures: new Map(), warnings: [] };
  const textureDirs = new Map<string, string>();
  for (const name of mtllibs) {
    const mtlPath = resolve(dirname(objPath), name);
    const bytes = await load(mtlPath);
    if (!bytes) {
      resources.warnings.push(`material library ${name} not found; faces keep default colours`);
      continue;
    }
    let materials: MtlMaterial[];
    try {
      materials = parseMtl(decodeText(bytes), basename(mtlPath));
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      resources.warnings.push(`material library ${name} ignored: ${err.message}`);
      continue;
    }
    for (const m of materials) {
      resources.materials.set(m.name, m);
      textureDirs.set(m.name, dirname(mtlPath));
    }
  }
  const decoded = new Map<string, ScanTexture | null>();
  for (const name of usedMaterials) {
    const material = resources.materials.get(name);
    if (!material?.diffuseMap) continue;
    const texturePath = resolve(textureDirs.get(name)!, material.diffuseMap.replace(/\\/g, '/'));
    if (!decoded.has(texturePath)) {
      const bytes = await load(texturePath);
      let texture: ScanTexture | null = null;
      if (!bytes) resources.warnings.push(`texture ${material.diffuseMap} (material ${name}) not found`);
      else
        try {
          texture = decodeImage(bytes, basename(texturePath));
        } catch (err) {
          if (!(err instanceof BadInputError)) throw err;
          resources.warnings.push(`texture ${material.diffuseMap} ignored: ${err.message}`);
        }
      decoded.set(texturePath, texture);
    }
    const texture = decoded.get(texturePath);
    if (texture) resources.textures.set(name, texture);
  }
  if (usedMaterials.some((m) => m !== '' && !resources.materials.has(m)) && mtllibs.length > 0 && resources.materials.size > 0)
    resources.warnings.push(
      `materials not defined in the material libraries: ${usedMaterials
        .filter((m) => m !== '' && !resources.materials.has(m))
        .slice(0, 5)
        .join(', ')}`,
    );
  return resources;
}

/** Parses OBJ bytes and loads side files through `load` (tests pass an in-memory loader). */
export async function openObjBytes(bytes: Uint8Array, path: string, load: ResourceLoader): Promise<ScanReader> {
  const file = basename(path);
  const geometry = parseObj(decodeText(bytes), file);
  if (geometry.positions.length === 0) throw new BadInputError(file, 'no vertices ("v x y z" lines) found; not an OBJ mesh');
  const resources = await loadResources(path, geometry.mtllibs, geometry.materials, load);
  return inMemoryReader(path, assembleObj(geometry, resources));
}

/** Wavefront OBJ meshes with MTL materials (Kd colour, map_Kd texture) and per-vertex colours. */
export const objFormat: FormatModule = {
  id: 'obj',
  extensions: ['.obj'],
  // OBJ has no magic number; only claim text that starts like an OBJ file.
  sniff: (head) => {
    const text = new TextDecoder('latin1').decode(head.subarray(0, 1024));
    if (text.includes('\0')) return false;
    const first = text.split('\n').find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    return first !== undefined && /^\s*(v|vn|vt|f|g|o|mtllib|usemtl|s)\s/.test(first);
  },
  async open(path): Promise<ScanReader> {
    return openObjBytes(await readFile(path), path, fileLoader);
  },
};
