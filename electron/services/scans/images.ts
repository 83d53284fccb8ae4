import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { BadInputError } from '../errors';
import type { ScanTexture } from './model';

/**
 * Decodes texture images that scan formats reference (PLY/OBJ texture files, glTF images) into the
 * RGBA8 ScanTexture the model uses. Pure JS decoders (pngjs, jpeg-js) so it runs in any Node
 * context, worker threads included, without native builds.
 */

export type ImageKind = 'png' | 'jpeg';

/** Identifies PNG/JPEG by magic bytes; null for anything else (WebP, KTX2, BMP...). */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Largest texture we agree to decode: 16k x 16k RGBA is 1 GiB, beyond that the file is hostile or broken. */
const MAX_PIXELS = 16384 * 16384;

/**
 * Decodes PNG or JPEG bytes. `file` names the image in error messages (the image file, or
 * "model.glb image 2"). Throws BadInputError for unsupported or corrupt images.
 */
export function decodeImage(bytes: Uint8Array, name: string, file: string = name): ScanTexture {
  const kind = sniffImage(bytes);
  if (kind === null) throw new BadInputError(file, 'image is neither PNG nor JPEG (unsupported image format)', { byte: 0 });
  try {
    if (kind === 'png') {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (png.width * png.height > MAX_PIXELS) throw new BadInputError(file, `PNG is ${png.width}x${png.height}, too large`);
      return {
        name,
        width: png.width,
        height: png.height,
        rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
      };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 2048 });
    return { name, width: img.width, height: img.height, rgba: img.data };
  } catch (err) {
    if (err instanceof BadInputError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new BadInputError(file, `corrupt ${kind.toUpperCase()} image: ${message}`);
  }
}
