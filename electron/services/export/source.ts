import { stat } from 'node:fs/promises';
import { ServiceFailure } from '../../../common/result';
import type { ProjectScan } from '../../../common/contracts/project';
import { BadInputError } from '../errors';
import type { ProjectStore } from '../labels/index';
import type { ScanReader } from '../scans/formats/types';
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
export async function openExportSource(store: ProjectStore, scanId: string): Promise<ExportSource> {
  const scan = store.getScan(scanId);
  if (!scan.sourcePath) throw new ServiceFailure('invalid_params', `scan "${scanId}" has no source file recorded; nothing to export from`);
  const path = scan.sourcePath;
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new BadInputError(path, `the scan's source file is missing (scan "${scanId}")`);
  const reader = await openScan(path);
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
