import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectStore } from '../labels/index';
import { importScan, SCAN_RECORD_FILE, type ImportScanOptions, type ImportScanResult, type ScanRecord } from '../octree/importScan';

/**
 * Imports a scan file into a project: the LOD octree and scan.json under <project>/scans/<id>/ (the
 * octree service), then the scan's row and user label layer in project.sqlite (the store). If the
 * store refuses (an id already taken, a read-only project), the octree folder is removed again, so a
 * project never holds half an import.
 */
export async function importIntoProject(store: ProjectStore, file: string, options: ImportScanOptions = {}): Promise<ImportScanResult> {
  const result = await importScan(file, store.dir, options);
  try {
    const record = JSON.parse(readFileSync(join(result.scanDir, SCAN_RECORD_FILE), 'utf8')) as ScanRecord;
    store.registerScan({
      id: record.id,
      name: record.name,
      sourcePath: record.sourcePath,
      format: record.format,
      crs: record.crs,
      origin: record.origin,
      // A mesh in a project is labeled per face (as the click engine, propagation and export see it).
      pointCount: record.faceCount > 0 ? record.faceCount : record.pointCount,
      faceCount: record.faceCount,
    });
  } catch (e) {
    rmSync(result.scanDir, { recursive: true, force: true });
    throw e;
  }
  return result;
}
