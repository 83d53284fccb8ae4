import { ServiceFailure } from '../../../common/result';

interface Held {
  scanId: string;
  ids: Uint32Array;
}

/**
 * Selections computed in the core (polygon over a whole LOD scan, ground filter, superpoint) kept
 * under a short handle, so an edit can name a selection of tens of millions of points without the
 * ids crossing the RPC transport twice (a WebSocket frame is capped at 1 MiB client -> core).
 * Only the most recent few are kept: a selection is a transient UI state, not project data.
 */
export class SelectionCache {
  private readonly held = new Map<string, Held>();
  private next = 1;

  constructor(private readonly capacity = 8) {}

  put(scanId: string, ids: Uint32Array): string {
    const id = `sel-${this.next++}`;
    this.held.set(id, { scanId, ids });
    while (this.held.size > this.capacity) this.held.delete(this.held.keys().next().value!);
    return id;
  }

  /** The ids of a held selection; it must belong to the scan the edit targets. */
  get(scanId: string, selectionId: string): Uint32Array {
    const s = this.held.get(selectionId);
    if (!s) throw new ServiceFailure('not_found', `selection ${selectionId} is no longer held (only the last ${this.capacity} are): select again`);
    if (s.scanId !== scanId) throw new ServiceFailure('invalid_params', `selection ${selectionId} belongs to scan ${s.scanId}, not ${scanId}`);
    return s.ids;
  }

  /** Forget every selection (project closed or scans reloaded: ids may no longer mean the same points). */
  clear(): void {
    this.held.clear();
  }
}
