import type { ExportLabels } from '../labels';
import { NO_LABEL } from '../labels';
import type { LasPlan } from './plan';
import { stridedCopy } from './stridedCopy';

/** What the header needs about the records actually written. */
export class RecordStats {
  written = 0;
  readonly min: [number, number, number] = [0x7fffffff, 0x7fffffff, 0x7fffffff];
  readonly max: [number, number, number] = [-0x80000000, -0x80000000, -0x80000000];
  /** Points per return number 1-15 (index 0 = return number 0, which LAS does not count). */
  readonly byReturn = new Float64Array(16);
  /** Whether bounds and return counts were measured (subsets and format upgrades) or the source's stand. */
  tracked = false;
}

export interface LabelWrite {
  labels: ExportLabels;
  /** Class written for unlabeled points (ignored when keepSourceClass). */
  unlabeledCode: number;
  keepSourceClass: boolean;
}

/**
 * Copies `count` source records (starting at global point `first`) into `out` in the output
 * layout, writing classification, instance and confidence from the labels. Returns the number of
 * records written (points not kept are skipped). Coordinates are copied as the stored integers, so
 * with scale and offset unchanged they are bit-identical to the source.
 */
export function writeRecords(raw: Uint8Array, count: number, first: number, plan: LasPlan, lw: LabelWrite, out: Uint8Array, stats: RecordStats): number {
  return plan.outFormat.id === plan.inFormat.id ? copySameFormat(raw, count, first, plan, lw, out, stats) : upgradeLegacy(raw, count, first, plan, lw, out, stats);
}

function copySameFormat(raw: Uint8Array, count: number, first: number, plan: LasPlan, lw: LabelWrite, out: Uint8Array, stats: RecordStats): number {
  const { codes, instances, confidence, keep } = lw.labels;
  const inRl = plan.inRecordLength;
  const outRl = plan.outRecordLength;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);

  // 1. Records into their output slots, in the order written (global index per slot in `index`).
  let w = count;
  let index: Uint32Array | null = null;
  if (keep === null) {
    if (inRl === outRl) out.set(raw.subarray(0, count * inRl));
    else stridedCopy(raw, out, count, inRl, outRl);
  } else {
    index = new Uint32Array(count);
    w = 0;
    for (let i = 0; i < count; i++) if (keep[first + i] === 1) index[w++] = first + i;
    const src = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const words = inRl >> 2;
    for (let j = 0; j < w; j++) {
      const o = (index[j]! - first) * inRl;
      const at = j * outRl;
      let k = 0;
      for (let q = 0; q < words; q++, k += 4) dv.setUint32(at + k, src.getUint32(o + k, true), true);
      for (; k < inRl; k++) out[at + k] = raw[o + k]!;
    }
  }

  // 2. Label fields, one tight loop each (the record bytes are already in place). Slot j holds
  // point first + j, or index[j] for subsets.
  const unlabeled = lw.unlabeledCode;
  const keepSource = lw.keepSourceClass;
  const classAt = plan.outFormat.extended ? 16 : 15;
  const classMask = plan.outFormat.extended ? 0 : 0xe0;
  const { instanceAt, confidenceAt } = plan;
  for (let j = 0, at = 0; j < w; j++, at += outRl) {
    const i = index === null ? first + j : index[j]!;
    const code = codes[i]!;
    if (code === NO_LABEL) {
      if (!keepSource) out[at + classAt] = (out[at + classAt]! & classMask) | unlabeled;
      out[at + instanceAt] = 0;
      out[at + instanceAt + 1] = 0;
      out[at + instanceAt + 2] = 0;
      out[at + instanceAt + 3] = 0;
      out[at + confidenceAt] = 0;
    } else {
      out[at + classAt] = (out[at + classAt]! & classMask) | code;
      const inst = instances[i]!;
      out[at + instanceAt] = inst & 0xff;
      out[at + instanceAt + 1] = (inst >>> 8) & 0xff;
      out[at + instanceAt + 2] = (inst >>> 16) & 0xff;
      out[at + instanceAt + 3] = inst >>> 24;
      out[at + confidenceAt] = confidence[i]!;
    }
  }

  // 3. Bounds and return counts only for subsets: a full export keeps the source header's values.
  if (index !== null) trackStats(out, w, outRl, plan.outFormat.extended, stats);
  stats.written += w;
  return w;
}

function trackStats(out: Uint8Array, w: number, outRl: number, extended: boolean, stats: RecordStats): void {
  stats.tracked = true;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const mask = extended ? 0x0f : 0x07;
  let minX = stats.min[0], minY = stats.min[1], minZ = stats.min[2];
  let maxX = stats.max[0], maxY = stats.max[1], maxZ = stats.max[2];
  for (let j = 0, at = 0; j < w; j++, at += outRl) {
    const x = dv.getInt32(at, true);
    const y = dv.getInt32(at + 4, true);
    const z = dv.getInt32(at + 8, true);
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (z < minZ) minZ = z;
    if (z > maxZ) maxZ = z;
    stats.byReturn[out[at + 14]! & mask]!++;
  }
  stats.min[0] = minX;
  stats.min[1] = minY;
  stats.min[2] = minZ;
  stats.max[0] = maxX;
  stats.max[1] = maxY;
  stats.max[2] = maxZ;
}

/** LAS 1.4 scan angle unit: 0.006 degrees (legacy formats store whole degrees as int8). */
const SCAN_ANGLE_STEP = 0.006;

/**
 * Point formats 0-5 to 6-10 (class codes above 31): the same information in the extended
 * layout. Returns are widened (3 to 4 bits), flags move to their own byte, the scan angle rank
 * (whole degrees) becomes 0.006-degree steps; GPS time, RGB and wave packets keep their bytes.
 * Fields the old format lacks (GPS time of formats 0/2, NIR, scanner channel, overlap) are zero.
 */
function upgradeLegacy(raw: Uint8Array, count: number, first: number, plan: LasPlan, lw: LabelWrite, out: Uint8Array, stats: RecordStats): number {
  const { codes, instances, confidence, keep } = lw.labels;
  const { inFormat: inF, outFormat: outF, inRecordLength: inRl, outRecordLength: outRl, tailBytes, instanceAt, confidenceAt } = plan;
  const src = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dst = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let w = 0;
  for (let i = 0, o = 0; i < count; i++, o += inRl) {
    const g = first + i;
    if (keep !== null && keep[g] === 0) continue;
    const at = w * outRl;
    out.fill(0, at, at + outRl);
    for (let k = 0; k < 14; k++) out[at + k] = raw[o + k]!; // XYZ, intensity
    const b14 = raw[o + 14]!;
    const b15 = raw[o + 15]!;
    const ret = b14 & 0x07;
    out[at + 14] = ret | (((b14 >> 3) & 0x07) << 4);
    // synthetic, key-point, withheld keep bits 0-2; scan direction and edge of flight line go to 6 and 7.
    out[at + 15] = (b15 >> 5) | (((b14 >> 6) & 1) << 6) | ((b14 >> 7) << 7);
    const code = codes[g]!;
    out[at + 16] = code !== NO_LABEL ? code : lw.keepSourceClass ? b15 & 0x1f : lw.unlabeledCode;
    out[at + 17] = raw[o + 17]!; // user data
    dst.setInt16(at + 18, Math.round(src.getInt8(o + 16) / SCAN_ANGLE_STEP), true);
    dst.setUint16(at + 20, src.getUint16(o + 18, true), true); // point source id
    if (inF.gpsTime !== null) for (let k = 0; k < 8; k++) out[at + outF.gpsTime! + k] = raw[o + inF.gpsTime + k]!;
    if (inF.rgb !== null) for (let k = 0; k < 6; k++) out[at + outF.rgb! + k] = raw[o + inF.rgb + k]!;
    if (inF.wavePacket !== null) for (let k = 0; k < 29; k++) out[at + outF.wavePacket! + k] = raw[o + inF.wavePacket + k]!;
    for (let k = 0; k < tailBytes; k++) out[at + outF.baseLength + k] = raw[o + inF.baseLength + k]!;
    dst.setUint32(at + instanceAt, code === NO_LABEL ? 0 : instances[g]!, true);
    out[at + confidenceAt] = code === NO_LABEL ? 0 : confidence[g]!;
    stats.byReturn[ret]!++;
    for (let k = 0; k < 3; k++) {
      const v = src.getInt32(o + 4 * k, true);
      if (v < stats.min[k]!) stats.min[k] = v;
      if (v > stats.max[k]!) stats.max[k] = v;
    }
    w++;
  }
  stats.tracked = true;
  stats.written += w;
  return w;
}
