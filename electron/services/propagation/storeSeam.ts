import { LOCKED } from '../labels/flags';

/**
 * Conversions between the label store's layers and propagation's arrays. The store marks
 * "unlabelled" with the schema's all-ones code (0xff / 0xffff) and keeps a LOCKED bit in each
 * point's flags; propagation uses 0 for unlabelled (LAS "never classified") and a 0/1 lock mask.
 */
export function fromStoreLayer(classes: Uint8Array | Uint16Array, flags: Uint8Array, codeWidth: 1 | 2): { userLabels: Uint16Array; locked: Uint8Array } {
  const unlabeled = codeWidth === 1 ? 0xff : 0xffff;
  const userLabels = new Uint16Array(classes.length);
  const locked = new Uint8Array(classes.length);
  for (let p = 0; p < classes.length; p++) {
    const c = classes[p]!;
    userLabels[p] = c === unlabeled ? 0 : c;
    locked[p] = flags[p]! & LOCKED ? 1 : 0;
  }
  return { userLabels, locked };
}

/** The predicted layer in the store's coding (0 -> unlabelled code). */
export function toStoreClasses(predicted: Uint16Array, codeWidth: 1 | 2): Uint8Array | Uint16Array {
  const unlabeled = codeWidth === 1 ? 0xff : 0xffff;
  const out = codeWidth === 1 ? new Uint8Array(predicted.length) : new Uint16Array(predicted.length);
  for (let p = 0; p < predicted.length; p++) out[p] = predicted[p] === 0 ? unlabeled : predicted[p]!;
  return out;
}
