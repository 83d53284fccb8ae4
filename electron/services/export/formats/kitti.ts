import { ServiceFailure } from '../../../../common/result';
import { NO_LABEL, type ExportLabels } from '../labels';
import type { BufferedWriter } from '../sink';

/** SemanticKITTI packs both ids into one uint32: the upper 16 bits hold the instance. */
export const KITTI_MAX_ID = 0xffff;

/**
 * SemanticKITTI `.label`: one little-endian uint32 per source point, in source order, `instance << 16
 * | semantic` (0 = unlabeled). It has no point data of its own: it is read next to the scan it
 * labels, so every point is written (labeled-only exports would break the alignment).
 */
export async function writeKitti(labels: ExportLabels, unlabeledCode: number, out: BufferedWriter, signal?: AbortSignal): Promise<{ points: number }> {
  if (labels.keep) throw new ServiceFailure('invalid_params', 'a SemanticKITTI .label file must hold every point of the scan in order; labeled-only export is not available for it');
  if (unlabeledCode < 0 || unlabeledCode > KITTI_MAX_ID) throw new ServiceFailure('invalid_params', `SemanticKITTI cannot store the unlabeled code ${unlabeledCode} (semantic ids are 0-${KITTI_MAX_ID})`);
  if (labels.maxCode > KITTI_MAX_ID)
    throw new ServiceFailure('invalid_params', `class code ${labels.maxCode} does not fit SemanticKITTI's 16-bit semantic id; give the class an export code of ${KITTI_MAX_ID} or less`);
  const { codes, instances, count } = labels;
  const BATCH = 1 << 20;
  const buf = new Uint8Array(Math.min(BATCH, Math.max(1, count)) * 4);
  const dv = new DataView(buf.buffer);
  for (let b = 0; b < count; b += BATCH) {
    signal?.throwIfAborted();
    const end = Math.min(count, b + BATCH);
    for (let i = b; i < end; i++) {
      const code = codes[i]!;
      const inst = code === NO_LABEL ? 0 : instances[i]!;
      if (inst > KITTI_MAX_ID) throw new ServiceFailure('invalid_params', `instance id ${inst} (point ${i}) does not fit SemanticKITTI's 16-bit instance id`);
      dv.setUint32((i - b) * 4, ((inst << 16) | (code === NO_LABEL ? unlabeledCode : code)) >>> 0, true);
    }
    await out.write(buf.slice(0, (end - b) * 4));
  }
  return { points: count };
}
