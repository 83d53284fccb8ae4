/**
 * Image preprocessing for SAM-family encoders (the contract's section 1.3, 2.3, 3): resize to the
 * model frame, normalise, lay out. Input is the rendered view's RGB8, row-major, top row first.
 */
export const SAM_MEAN = [123.675, 116.28, 103.53];
export const SAM_STD = [58.395, 57.12, 57.375];
/** ImageNet statistics on 0..1, as SAM2 / HF processors use them (x255 = the SAM numbers). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** SAM's ResizeLongestSide.get_preprocess_shape: long side -> target, rounded half up. */
export function longSideShape(width: number, height: number, target = 1024): { width: number; height: number; scale: number } {
  const scale = target / Math.max(width, height);
  return { width: Math.floor(width * scale + 0.5), height: Math.floor(height * scale + 0.5), scale };
}

/** Bilinear (half-pixel centres) resize of RGB8 to float RGB 0..255, HWC. */
export function resizeRgb(rgb: Uint8Array, w: number, h: number, nw: number, nh: number): Float32Array {
  const out = new Float32Array(nw * nh * 3);
  if (nw === w && nh === h) {
    for (let i = 0; i < out.length; i++) out[i] = rgb[i]!;
    return out;
  }
  const sx = w / nw;
  const sy = h / nh;
  for (let y = 0; y < nh; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < nw; x++) {
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w - 1, x0 + 1);
      const tx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = rgb[(y0 * w + x0) * 3 + c]!;
        const b = rgb[(y0 * w + x1) * 3 + c]!;
        const d = rgb[(y1 * w + x0) * 3 + c]!;
        const e = rgb[(y1 * w + x1) * 3 + c]!;
        out[(y * nw + x) * 3 + c] = (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty;
      }
    }
  }
  return out;
}

/**
 * HWC float 0..255 -> NCHW float [1, 3, size, size]: (x / scale - mean) / std, zero padding at the
 * bottom and right (after normalisation, as SAM's preprocess does).
 */
export function normalizePadNchw(hwc: Float32Array, w: number, h: number, size: number, mean: number[], std: number[], scale: 1 | 255): Float32Array {
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) {
    const m = mean[c]!;
    const s = std[c]!;
    const plane = c * size * size;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) out[plane + y * size + x] = (hwc[(y * w + x) * 3 + c]! / (scale === 255 ? 1 : 255) - m) / s;
  }
  return out;
}

/** RGB8 -> NCHW float 0..1 at the original size (EfficientSAM normalises and resizes in-graph). */
export function nchwUnit(rgb: Uint8Array, w: number, h: number): Float32Array {
  const out = new Float32Array(3 * w * h);
  for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) out[c * w * h + p] = rgb[p * 3 + c]! / 255;
  return out;
}
