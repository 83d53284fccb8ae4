import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { AttributeInfo } from '../../../common/contracts/scans';
import { ServiceFailure } from '../../../common/result';
import type { OpenOptions } from '../scans/formats/types';
import { openScan } from '../scans/read';
import { buildOctree } from './buildOctree';
import type { ProgressCallback } from './progress';

export interface ImportScanOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  memoryBudgetBytes?: number;
  threads?: number;
  /** Defaults to a slug of the file name plus a random suffix. */
  scanId?: string;
  open?: OpenOptions;
}

export interface ImportScanResult {
  scanId: string;
  pointCount: number;
  faceCount: number;
  /** Octree node count. */
  nodes: number;
  levels: number;
  scanDir: string;
  /** How chunks were indexed ('2 worker threads' or 'in-thread (why)'). */
  indexing: string;
}

/** <project>/scans/<scanId>/scan.json: what the project knows about an imported scan without opening the source. */
export interface ScanRecord {
  id: string;
  name: string;
  sourcePath: string;
  format: string;
  formatVersion: string;
  origin: [number, number, number];
  pointCount: number;
  faceCount: number;
  /** Bounds of the float32 offsets from origin. */
  boundsMin: [number, number, number];
  boundsMax: [number, number, number];
  attributes: AttributeInfo[];
  crs: string | null;
  importedAt: string;
  octree: { dir: string; nodes: number; levels: number };
}

export const SCANS_DIR = 'scans';
export const SCAN_RECORD_FILE = 'scan.json';
export const OCTREE_DIR = 'octree';

/**
 * Imports a scan file into a project folder: streams it through the format reader into the LOD
 * octree under <project>/scans/<id>/octree, then records scan.json. Creates the project folder if
 * needed. On failure or cancel the scan folder is removed: nothing half-imported stays behind.
 */
export async function importScan(path: string, projectDir: string, options: ImportScanOptions = {}): Promise<ImportScanResult> {
  const source = resolve(path);
  const reader = await openScan(source, options.open);
  const scanId = options.scanId ?? newScanId(source);
  const scanDir = join(resolve(projectDir), SCANS_DIR, scanId);
  if (existsSync(scanDir)) throw new ServiceFailure('conflict', `scan "${scanId}" already exists in ${projectDir}`);
  try {
    mkdirSync(scanDir, { recursive: true });
    const built = await buildOctree(reader, join(scanDir, OCTREE_DIR), {
      onProgress: options.onProgress,
      signal: options.signal,
      memoryBudgetBytes: options.memoryBudgetBytes,
      threads: options.threads,
    });
    const { info } = reader;
    const record: ScanRecord = {
      id: scanId,
      name: basename(source),
      sourcePath: source,
      format: info.format,
      formatVersion: info.version,
      origin: [...info.origin],
      pointCount: built.pointCount,
      faceCount: info.faceCount,
      boundsMin: built.hierarchy.bounds.min,
      boundsMax: built.hierarchy.bounds.max,
      attributes: info.attributes,
      crs: info.crs,
      importedAt: new Date().toISOString(),
      octree: { dir: OCTREE_DIR, nodes: built.nodeCount, levels: built.levels },
    };
    recordScan(scanDir, record);
    return {
      scanId,
      pointCount: record.pointCount,
      faceCount: record.faceCount,
      nodes: built.nodeCount,
      levels: built.levels,
      scanDir,
      indexing: built.indexing,
    };
  } catch (e) {
    rmSync(scanDir, { recursive: true, force: true });
    throw e;
  } finally {
    await reader.close();
  }
}

/**
 * The single place an import becomes part of the project. Today: scan.json next to the octree
 * (written to a temp name, then renamed). The project store's registerScan (SQLite) belongs here
 * too once import is wired to it; it is owned by the project store, not by this service.
 */
function recordScan(scanDir: string, record: ScanRecord): void {
  const file = join(scanDir, SCAN_RECORD_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** 'sample_c-3f9a12bc': readable in folder listings, unique without a registry. */
export function newScanId(path: string): string {
  const stem = basename(path, extname(path))
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return `${stem || 'scan'}-${randomBytes(4).toString('hex')}`;
}
