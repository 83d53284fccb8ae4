import { useEffect, useMemo, useRef } from 'react';

export interface MaskImage {
  width: number;
  height: number;
  /** One bit per pixel, row-major, pixel i in bit (i & 7) of byte (i >> 3). */
  bitsBase64: string;
}

/** Unpacks the mask bits into one byte per pixel, and counts the set ones. */
export function unpackMask(m: MaskImage): { pixels: Uint8Array; set: number } {
  const bin = atob(m.bitsBase64);
  const pixels = new Uint8Array(m.width * m.height);
  let set = 0;
  for (let i = 0; i < pixels.length; i++) {
    const bit = ((bin.charCodeAt(i >> 3) || 0) >> (i & 7)) & 1;
    pixels[i] = bit;
    set += bit;
  }
  return { pixels, set };
}

/**
 * The segmenter's 2D mask of the primary view (the user's own view, at model resolution) as a small
 * inset: the view as it was when the prompt was sent, dimmed, with the mask in the preview colour.
 */
export function MaskInset({ mask, backdrop }: { mask: MaskImage; backdrop: HTMLCanvasElement | null }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { pixels, set } = useMemo(() => unpackMask(mask), [mask]);
  useEffect(() => {
    const ctx = canvasRef.current?.getContext('2d');
    if (!ctx) return;
    const { width, height } = mask;
    ctx.fillStyle = '#15171c';
    ctx.fillRect(0, 0, width, height);
    if (backdrop) {
      ctx.globalAlpha = 0.6;
      ctx.drawImage(backdrop, 0, 0, width, height);
      ctx.globalAlpha = 1;
    }
    const img = ctx.getImageData(0, 0, width, height);
    const d = img.data;
    for (let i = 0; i < pixels.length; i++) {
      if (!pixels[i]) continue;
      // The 3D preview's cyan, mixed over the view.
      d[i * 4] = (d[i * 4]! * 0.35) | 0;
      d[i * 4 + 1] = (d[i * 4 + 1]! * 0.35 + 0xe5 * 0.65) | 0;
      d[i * 4 + 2] = (d[i * 4 + 2]! * 0.35 + 0xff * 0.65) | 0;
      d[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [mask, pixels, backdrop]);
  return (
    <figure className="mask-inset" data-testid="mask-inset" data-mask-width={mask.width} data-mask-height={mask.height} data-mask-pixels={set}>
      <canvas ref={canvasRef} width={mask.width} height={mask.height} aria-label="Segmenter mask of the view" />
      <figcaption>2D mask · {mask.width}×{mask.height}</figcaption>
    </figure>
  );
}
