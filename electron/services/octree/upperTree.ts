import { compact, type ChildPoints, type LodBuilder, type PendingNode } from './lodBuilder';
import { allocRecords, RECORD_BYTES } from './records';

/**
 * Builds the nodes above the chunks, bottom-up, with the same rule the workers apply inside a chunk:
 * each upper node samples from its children's pending points, and the children are then final.
 * Ends by emitting the root. Runs on the main thread: it touches only the chunk roots' points,
 * a small fraction of the scan.
 */
export function buildUpperTree(builder: LodBuilder, chunkRoots: PendingNode[]): void {
  const pending = new Map<string, PendingNode>(chunkRoots.map((p) => [p.name, p]));
  const deepest = chunkRoots.reduce((m, p) => Math.max(m, p.level), 0);
  for (let level = deepest - 1; level >= 0; level--) {
    const parents = new Set<string>();
    for (const name of pending.keys()) if (name.length - 1 === level + 1) parents.add(name.slice(0, level + 1));
    for (const parent of [...parents].sort()) {
      const kids: { octant: number; node: PendingNode }[] = [];
      for (let o = 0; o < 8; o++) {
        const node = pending.get(parent + o);
        if (node) kids.push({ octant: o, node });
      }
      const combined = allocRecords(kids.reduce((s, k) => s + k.node.records.count, 0));
      const children: ChildPoints[] = [];
      let at = 0;
      for (const { octant, node } of kids) {
        combined.bytes.set(node.records.bytes, at * RECORD_BYTES);
        const points = new Uint32Array(node.records.count);
        for (let i = 0; i < points.length; i++) points[i] = at + i;
        children.push({ octant, points, childMask: node.childMask });
        at += node.records.count;
        pending.delete(node.name);
      }
      const result = builder.subsample(combined, parent, level, children);
      pending.set(parent, { name: parent, level, childMask: result.childMask, records: compact(combined, result.points) });
    }
  }
  const root = pending.get('r');
  if (!root) throw new Error('octree: no root after merging chunks');
  builder.emit(root.records, null, 'r', 0, root.childMask);
}
