import { nodeLayout, type NodeAttribute } from '../../../../common/geometry/octreeLayout';

/** A node's attributes as the point material reads them, each in its own (transferable) buffer. */
export interface DecodedNode {
  pointCount: number;
  position: Float32Array;
  color: Uint8Array;
  intensity: Uint16Array;
  classification: Uint16Array;
  /** Original point index of each point (the store's point id). */
  index: Uint32Array;
  /** User labels, uint16 (0xffff unlabeled); null when the scan is not in a project. */
  labels: Uint16Array | null;
  predicted: Uint16Array | null;
  confidence: Uint8Array | null;
}

/** Default grey of scans without colour, as the chunk path serves it. */
const NO_COLOR = 200;

/**
 * Splits a node blob (docs/octree-format.md) into one array per attribute, filling the attributes the
 * scan lacks with the values the chunk path uses, so every colour mode works the same on both paths.
 */
export function decodeNodeBlob(
  attributes: readonly NodeAttribute[],
  pointCount: number,
  blob: ArrayBuffer,
): Omit<DecodedNode, 'labels' | 'predicted' | 'confidence'> {
  const n = pointCount;
  let position: Float32Array | null = null;
  let color: Uint8Array | null = null;
  let intensity: Uint16Array | null = null;
  let classification: Uint16Array | null = null;
  let index: Uint32Array | null = null;
  const layout = nodeLayout(attributes, n);
  if (blob.byteLength < layout.byteSize) throw new Error(`node blob has ${blob.byteLength} bytes, expected ${layout.byteSize}`);
  for (const { attribute, byteOffset } of layout.blocks) {
    const len = n * attribute.components;
    // slice(): each attribute gets its own buffer, so it can be transferred and uploaded on its own.
    switch (attribute.name) {
      case 'position':
        position = new Float32Array(blob.slice(byteOffset, byteOffset + len * 4));
        break;
      case 'color':
        color = new Uint8Array(blob.slice(byteOffset, byteOffset + len));
        break;
      case 'intensity':
        intensity = new Uint16Array(blob.slice(byteOffset, byteOffset + len * 2));
        break;
      case 'classification':
        classification = new Uint16Array(blob.slice(byteOffset, byteOffset + len * 2));
        break;
      case 'index':
        index = new Uint32Array(blob.slice(byteOffset, byteOffset + len * 4));
        break;
    }
  }
  if (!position || !index) throw new Error('node blob lacks position or index');
  return {
    pointCount: n,
    position,
    index,
    color: color ?? new Uint8Array(n * 3).fill(NO_COLOR),
    intensity: intensity ?? new Uint16Array(n),
    classification: classification ?? new Uint16Array(n),
  };
}

export type Histogram = Record<string, number>;

/** One count per uint16 code, reused between calls (zeroed again as the counts are read out). */
let counts: Uint32Array | null = null;

/**
 * Points per class code in a uint16 label array (0xffff counted as 'unlabeled' unless skipped). Runs in
 * the decoder workers, so the page only adds up a few small records per node.
 */
export function histogram(labels: Uint16Array, skipUnlabeled: boolean): Histogram {
  counts ??= new Uint32Array(0x10000);
  const table = counts;
  const seen: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    const c = table[v]!;
    table[v] = c + 1;
    if (c === 0) seen.push(v);
  }
  const out: Histogram = {};
  for (const v of seen) {
    const c = table[v]!;
    table[v] = 0;
    if (v === 0xffff) {
      if (!skipUnlabeled) out.unlabeled = c;
    } else out[String(v)] = c;
  }
  return out;
}
