import { nodeLayout, type NodeAttribute } from './format';
import { RECORD_SLOTS, RECORD_WORDS, type Records } from './records';

const { HALF, H_INTENSITY, H_CLASS, H_RED } = RECORD_SLOTS;

/**
 * Turns records into a node blob: one contiguous block per attribute (format.ts nodeLayout).
 * `alloc` gives the node's bytes (4-aligned; a NodeBlock's slice in workers, which may hold old bytes).
 * `pick` lists the records in node order; null means all records in order.
 * `colorMax` is the scan's largest 16-bit colour value: at most 255 means the file stored 8-bit
 * values in 16-bit fields, which are kept as they are; otherwise colour is scaled down by 257.
 */
export function encodeNode(
  records: Records,
  pick: Uint32Array | null,
  attributes: readonly NodeAttribute[],
  colorMax: number,
  alloc: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes),
): Uint8Array {
  const n = pick ? pick.length : records.count;
  const { blocks, byteSize } = nodeLayout(attributes, n);
  const target = alloc(byteSize);
  const blob = target.buffer;
  const base = target.byteOffset;
  const { f32, u32, u16 } = records;
  for (const { attribute, byteOffset, byteLength } of blocks) {
    // A reused buffer holds old bytes: clear the alignment padding after the block.
    const end = byteOffset + byteLength;
    target.fill(0, end, Math.min(byteSize, Math.ceil(end / 4) * 4));
    switch (attribute.name) {
      case 'position': {
        const out = new Float32Array(blob, base + byteOffset, n * 3);
        for (let i = 0; i < n; i++) {
          const w = (pick ? pick[i]! : i) * RECORD_WORDS;
          out[i * 3] = f32[w]!;
          out[i * 3 + 1] = f32[w + 1]!;
          out[i * 3 + 2] = f32[w + 2]!;
        }
        break;
      }
      case 'color': {
        const out = new Uint8Array(blob, base + byteOffset, n * 3);
        const eightBit = colorMax <= 255;
        for (let i = 0; i < n; i++) {
          const h = (pick ? pick[i]! : i) * HALF + H_RED;
          for (let k = 0; k < 3; k++) {
            const v = u16[h + k]!;
            out[i * 3 + k] = eightBit ? v : Math.round(v / 257);
          }
        }
        break;
      }
      case 'intensity':
      case 'classification': {
        const out = new Uint16Array(blob, base + byteOffset, n);
        const slot = attribute.name === 'intensity' ? H_INTENSITY : H_CLASS;
        for (let i = 0; i < n; i++) out[i] = u16[(pick ? pick[i]! : i) * HALF + slot]!;
        break;
      }
      case 'index': {
        const out = new Uint32Array(blob, base + byteOffset, n);
        for (let i = 0; i < n; i++) out[i] = u32[(pick ? pick[i]! : i) * RECORD_WORDS + 3]!;
        break;
      }
    }
  }
  return target;
}
