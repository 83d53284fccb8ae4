import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HIERARCHY_FILE } from '../octree/format';
import { OCTREE_DIR, SCANS_DIR } from '../octree/importScan';
import { OctreeStore } from '../octree/octreeStore';

/**
 * The open project's scan octrees as OctreeStores, for selections that cull through them. Opened on
 * first use and kept (the hierarchy is parsed once); closed when the project changes or a scan is
 * re-imported (`drop`).
 */
export class SelectionOctrees {
  private readonly stores = new Map<string, Promise<OctreeStore | null>>();

  async get(projectDir: string, scanId: string): Promise<OctreeStore | null> {
    const key = `${projectDir}\u0000${scanId}`;
    let store = this.stores.get(key);
    if (!store) {
      const dir = join(projectDir, SCANS_DIR, scanId, OCTREE_DIR);
      // No octree yet (or not any more): not cached, an import may add one later.
      if (!existsSync(join(dir, HIERARCHY_FILE))) return null;
      store = OctreeStore.open(dir).catch(() => null);
      this.stores.set(key, store);
    }
    return store;
  }

  /** Forget one scan's store (its octree was rebuilt), or every store. */
  drop(scanId?: string) {
    for (const [key, store] of [...this.stores]) {
      if (scanId !== undefined && key.split('\u0000')[1] !== scanId) continue;
      this.stores.delete(key);
      void store.then((s) => s?.close()).catch(() => undefined);
    }
  }
}
