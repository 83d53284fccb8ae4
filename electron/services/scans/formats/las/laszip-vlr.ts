import { BadInputError } from '../../../errors';
import type { LasVlr } from './vlr';

export const LASZIP_USER_ID = 'laszip encoded';
export const LASZIP_RECORD_ID = 22204;

/** LASzip item types (LAZ specification). */
const ITEM = {
  BYTE: 0,
  POINT10: 6,
  GPSTIME11: 7,
  RGB12: 8,
  WAVEPACKET13: 9,
  POINT14: 10,
  RGB14: 11,
  RGBNIR14: 12,
  WAVEPACKET14: 13,
  BYTE14: 14,
} as const;

export interface LaszipItem {
  type: number;
  size: number;
  version: number;
}

export interface LaszipInfo {
  /** 2 = pointwise chunked (formats 0-5), 3 = layered chunked (formats 6-10). */
  compressor: number;
  version: string;
  /** Points per chunk, or null when chunks vary in size (COPC) and the chunk table lists counts. */
  chunkSize: number | null;
  items: LaszipItem[];
  /** Layered chunks only: how many per-layer byte counts open each chunk. */
  layerCount: number;
}

/** Number of separately sized layers an item contributes to a layered (LAS 1.4) chunk. */
function layersOf(item: LaszipItem): number {
  switch (item.type) {
    case ITEM.POINT14:
      return 9; // XY+returns, Z, class, flags, intensity, scan angle, user data, point source, GPS time
    case ITEM.RGB14:
    case ITEM.WAVEPACKET14:
      return 1;
    case ITEM.RGBNIR14:
      return 2;
    case ITEM.BYTE14:
      return item.size;
    default:
      return 0;
  }
}

export function parseLaszipVlr(vlr: LasVlr, recordLength: number, file: string): LaszipInfo {
  const d = vlr.data!;
  const at = vlr.offset + 54;
  if (d.length < 34) throw new BadInputError(file, `LASzip VLR is ${d.length} bytes (expected at least 34)`, { byte: at });
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const compressor = dv.getUint16(0, true);
  const chunkSizeRaw = dv.getUint32(12, true);
  const itemCount = dv.getUint16(32, true);
  if (d.length < 34 + 6 * itemCount)
    throw new BadInputError(file, `LASzip VLR lists ${itemCount} items but holds only ${d.length} bytes`, { byte: at + 32 });
  const items: LaszipItem[] = [];
  for (let i = 0; i < itemCount; i++)
    items.push({ type: dv.getUint16(34 + 6 * i, true), size: dv.getUint16(36 + 6 * i, true), version: dv.getUint16(38 + 6 * i, true) });
  if (compressor !== 2 && compressor !== 3)
    throw new BadInputError(
      file,
      compressor === 1
        ? 'LAZ without chunks (LASzip compressor 1) is not supported; re-compress with a current laszip'
        : `unknown LASzip compressor ${compressor} (expected 2 or 3)`,
      { byte: at },
    );
  const itemBytes = items.reduce((s, it) => s + it.size, 0);
  if (itemBytes !== recordLength)
    throw new BadInputError(file, `LASzip items describe ${itemBytes}-byte points but the header says ${recordLength}`, { byte: at + 32 });
  if (chunkSizeRaw === 0) throw new BadInputError(file, 'LASzip chunk size is 0', { byte: at + 12 });
  const layered = compressor === 3;
  return {
    compressor,
    version: `${d[4]}.${d[5]}r${dv.getUint16(6, true)}`,
    chunkSize: chunkSizeRaw === 0xffffffff ? null : chunkSizeRaw,
    items,
    layerCount: layered ? items.reduce((s, it) => s + layersOf(it), 0) : 0,
  };
}
