import { stat } from 'node:fs/promises';
import { ServiceFailure } from '../../../common/result';
import type { ProjectScan } from '../../../common/contracts/project';
import { BadInputError } from '../errors';
import type { ProjectStore } from '../labels/index';
import { inMemoryReader } from '../scans/formats/obj/inMemoryScan';
import type { ScanReader } from '../scans/formats/types';
import { computeBounds, type Scan } from '../scans/model';
import { openScan } from '../scans/read';

/** Labels of a mesh scan index faces when its layer is as long as its face list, else vertices. */
export type LabelTarget = 'points' | 'faces';

export interface ExportSource {
  scan: ProjectScan;
  path: string;
  reader: ScanReader;
  target: LabelTarget;
}

/**
 * Opens the file a project scan was imported from and checks that the labels line up with it:
 * exports re-read the source for every original attribute, and label i belongs to the i-th point
 * the reader yields (source order), so a changed file must be refused, not silently mislabeled.
 */
export async function openExportSource(store: ProjectStore, scanId: string, memoryScan?: (id: string) => Scan | null): Promise<ExportSource> {
  const scan = store.getScan(scanId);
  const inMemory = scan.sourcePath ? null : (memoryScan?.(scanId) ?? null);
  if (!scan.sourcePath && !inMemory) throw new ServiceFailure('invalid_params', `scan "${scanId}" has no source file recorded and is not loaded; nothing to export from`);
  const path = scan.sourcePath ?? `memory:${scanId}`;
  if (!inMemory) {
    const st = await stat(path).catch(() => null);
    if (!st?.isFile()) throw new BadInputError(path, `the scan's source file is missing (scan "${scanId}")`);
  }
  const reader = inMemory ? memoryReader(path, inMemory) : await openScan(path);
  try {
    const { pointCount, faceCount } = reader.info;
    const target: LabelTarget = faceCount > 0 && scan.pointCount === faceCount && scan.pointCount !== pointCount ? 'faces' : 'points';
    const expected = target === 'faces' ? faceCount : pointCount;
    if (expected !== scan.pointCount)
      throw new BadInputError(
        path,
        `holds ${pointCount} points${faceCount ? ` and ${faceCount} faces` : ''} but project scan "${scanId}" has ${scan.pointCount} labels; the file changed since import, so labels would not line up`,
      );
    return { scan, path, reader, target };
  } catch (e) {
    await reader.close();
    throw e;
  }
}

/** A scan that exists only in memory (the generated demo) read through the same chunk contract. */
function memoryReader(path: string, scan: Scan): ScanReader {
  const { min, max } = computeBounds(scan.positions);
  const abs = (v: [number, number, number]) => v.map((x, k) => x + scan.origin[k]!) as [number, number, number];
  const faceCount = scan.mesh ? scan.mesh.indices.length / 3 : 0;
  return inMemoryReader(path, {
    info: {
      format: scan.format,
      version: '',
      pointCount: scan.pointCount,
      faceCount,
      boundsMin: abs(min),
      boundsMax: abs(max),
      origin: scan.origin,
      attributes: scan.attributes.map(({ name, type, components }) => ({ name, type, components })),
      crs: scan.crs,
      details: {},
      source: scan.source,
    },
    positions: scan.positions,
    attributes: scan.attributes,
    mesh: scan.mesh,
  });
}
