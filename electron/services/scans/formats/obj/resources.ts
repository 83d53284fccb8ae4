import { readFile } from 'node:fs/promises';

/**
 * Reads a side file of a mesh (MTL, texture, external glTF buffer) by absolute path; null when it
 * does not exist. Readers take one so tests and fuzzing can serve files from memory.
 */
export type ResourceLoader = (path: string) => Promise<Uint8Array | null>;

export const fileLoader: ResourceLoader = async (path) => {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw err;
  }
};
