import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PresetId } from '../../../common/contracts/project';
import { ProjectStore } from '../../../electron/services/labels/index';
import { openScan } from '../../../electron/services/scans/read';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const data = (rel: string) => path.resolve(repoRoot, '../shared/data', rel);

/** A temp folder per test file; `files()` lists what is left in it (no temp files may remain). */
export function workDir(prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `scanlabel-export-${prefix}-`));
  return {
    dir,
    path: (name: string) => path.join(dir, name),
    files: () => readdirSync(dir).sort(),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface LabeledScan {
  store: ProjectStore;
  scanId: string;
  pointCount: number;
}

/**
 * A real SQLite project with one scan registered from a real file (labels per point, or per face
 * for a mesh when `perFace`), through the store API the importer uses.
 */
export async function projectWithScan(dir: string, source: string, opts: { schema?: PresetId; perFace?: boolean } = {}): Promise<LabeledScan> {
  const reader = await openScan(source);
  const { pointCount, faceCount, format, origin } = reader.info;
  await reader.close();
  const store = ProjectStore.create(path.join(dir, 'project'), { schema: opts.schema ?? 'asprs' });
  const count = opts.perFace ? faceCount : pointCount;
  const scan = store.registerScan({ name: path.basename(source), sourcePath: source, format, origin, pointCount: count, faceCount });
  return { store, scanId: scan.id, pointCount: count };
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Labels a scan with a few edits: contiguous runs of each class with distinct instances, some
 * points left unlabeled. Returns the expected schema code (-1 unlabeled) and instance per point.
 */
export function labelRuns(s: LabeledScan, classes: number[], seed = 1): { codes: Int32Array; instances: Uint32Array } {
  const n = s.pointCount;
  const codes = new Int32Array(n).fill(-1);
  const instances = new Uint32Array(n);
  const rand = rng(seed);
  let start = 0;
  let k = 0;
  while (start < n) {
    const len = Math.max(1, Math.floor(rand() * n * 0.08));
    const end = Math.min(n, start + len);
    const cls = classes[k % (classes.length + 1)];
    if (cls !== undefined) {
      const points = new Uint32Array(end - start);
      for (let i = 0; i < points.length; i++) points[i] = start + i;
      const instance = k + 1;
      s.store.applyEdit({ kind: 'assign', scanId: s.scanId, points, classCode: cls, instance });
      codes.fill(cls, start, end);
      instances.fill(instance, start, end);
    }
    start = end;
    k++;
  }
  return { codes, instances };
}
