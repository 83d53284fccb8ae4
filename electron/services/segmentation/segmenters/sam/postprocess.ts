/**
 * Mask post-processing for decoders that return 256 x 256 low-res logits (sam2, edgesam, hf-sam):
 * SAM's geometry (bilinear 256 -> 1024, crop the padding, bilinear to the image size) composed into
 * one bilinear lookup per output pixel, thresholded at 0 (SAM's mask_threshold).
 */
export type MaskFrame =
  /** Long side scaled to 1024, padded bottom/right: valid region newW x newH. */
  | { kind: 'long-side'; newWidth: number; newHeight: number }
  /** Stretched to 1024 x 1024 (SAM2, EfficientSAM). */
  | { kind: 'stretch' };

export function lowResToMask(logits: Float32Array, offset: number, frame: MaskFrame, width: number, height: number, threshold = 0): Uint8Array {
  const out = new Uint8Array(width * height);
  const fw = frame.kind === 'stretch' ? 1024 : frame.newWidth;
  const fh = frame.kind === 'stretch' ? 1024 : frame.newHeight;
  const sx = fw / width;
  const sy = fh / height;
  for (let y = 0; y < height; y++) {
    // Output pixel centre -> 1024-frame coordinate -> low-res coordinate (half-pixel both times).
    const Y = (y + 0.5) * sy - 0.5;
    const ly = Math.min(255, Math.max(0, (Y + 0.5) / 4 - 0.5));
    const y0 = Math.floor(ly);
    const y1 = Math.min(255, y0 + 1);
    const ty = ly - y0;
    for (let x = 0; x < width; x++) {
      const X = (x + 0.5) * sx - 0.5;
      const lx = Math.min(255, Math.max(0, (X + 0.5) / 4 - 0.5));
      const x0 = Math.floor(lx);
      const x1 = Math.min(255, x0 + 1);
      const tx = lx - x0;
      const a = logits[offset + y0 * 256 + x0]!;
      const b = logits[offset + y0 * 256 + x1]!;
      const c = logits[offset + y1 * 256 + x0]!;
      const d = logits[offset + y1 * 256 + x1]!;
      const v = (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
      out[y * width + x] = v > threshold ? 1 : 0;
    }
  }
  return out;
}

/** Full-resolution logits (sam1 `masks`, EfficientSAM `output_masks`) -> binary mask. */
export function thresholdLogits(logits: Float32Array, offset: number, count: number, threshold = 0): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = logits[offset + i]! > threshold ? 1 : 0;
  return out;
}

/** Index of the largest score in [from, to). */
export function argmax(scores: ArrayLike<number>, from = 0, to = scores.length): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}
