import { join } from 'node:path';
import { ProjectDb, repositories } from '../../../electron/services/db/index';
import { decodeIndexRuns, decodeValueRuns } from '../../../electron/services/labels/codec';

/**
 * Rebuilds a user layer from the edit log alone: the "after" values of every applied edit, in id
 * order, over an unlabeled start. If chunk rows and edit log were ever committed separately, this
 * disagrees with the stored labels. Also runs PRAGMA integrity_check.
 */
export function replayFromLog(dir: string, scanId: string): { integrity: string[]; classes: Uint8Array; editIds: Map<number, string> } {
  const db = ProjectDb.open(join(dir, 'project.sqlite'));
  try {
    const repos = repositories(db);
    const integrity = db.integrityCheck();
    const scan = repos.scans.get(scanId)!;
    const layer = repos.layers.byName(scanId, 'user')!;
    const classes = new Uint8Array(scan.pointCount).fill(0xff);
    const edits = repos.edits.list(scanId, 1_000_000).reverse();
    const editIds = new Map(edits.map((e) => [e.id, e.state]));
    for (const e of edits) {
      if (e.state !== 'applied') continue;
      for (const c of repos.edits.chunks(e.id)) {
        const idx = decodeIndexRuns(c.indices);
        const after = decodeValueRuns(c.after);
        const base = c.chunkKey * layer.chunkSize;
        for (let k = 0; k < idx.length; k++) classes[base + idx[k]!] = after.classes[k]!;
      }
    }
    return { integrity, classes, editIds };
  } finally {
    db.close();
  }
}
