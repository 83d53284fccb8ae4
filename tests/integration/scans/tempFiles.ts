import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A temp folder for generated fixtures, removed after the test file. */
export function tempDir(prefix: string): { dir: string; write: (name: string, bytes: Uint8Array | string) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), `scanlabel-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, bytes) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      return file;
    },
  };
}
