import { BadInputError } from '../../../errors';

export const VLR_HEADER_SIZE = 54;
export const EVLR_HEADER_SIZE = 60;
/** EVLR payloads larger than this (waveform data, big COPC hierarchies) are referenced, not loaded. */
export const MAX_EVLR_LOAD_BYTES = 16 * 1024 * 1024;

export interface LasVlr {
  extended: boolean;
  userId: string;
  recordId: number;
  description: string;
  /** File offset of the record header. */
  offset: number;
  dataLength: number;
  /** Header + payload exactly as in the file (null for an EVLR too large to load). */
  raw: Uint8Array | null;
  /** The payload (a view into `raw`). */
  data: Uint8Array | null;
}

const decoder = new TextDecoder('latin1');
const cstr = (b: Uint8Array): string => {
  const end = b.indexOf(0);
  return decoder.decode(end >= 0 ? b.subarray(0, end) : b);
};

/**
 * Splits the bytes between the public header and the point data into VLRs. `region` starts at file
 * offset `regionOffset`; every record must end inside it. Returns the VLRs and the bytes left over
 * after the last one (some writers pad there; an exact rewrite keeps them).
 */
export function parseVlrs(region: Uint8Array, regionOffset: number, count: number, file: string): { vlrs: LasVlr[]; trailing: Uint8Array } {
  const dv = new DataView(region.buffer, region.byteOffset, region.byteLength);
  const vlrs: LasVlr[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + VLR_HEADER_SIZE > region.length)
      throw new BadInputError(file, `VLR ${i} header runs past the start of the point data (byte ${regionOffset + region.length})`, {
        byte: regionOffset + p,
      });
    const dataLength = dv.getUint16(p + 20, true);
    const end = p + VLR_HEADER_SIZE + dataLength;
    if (end > region.length)
      throw new BadInputError(
        file,
        `VLR ${i} claims ${dataLength} bytes of data, running past the start of the point data (byte ${regionOffset + region.length})`,
        { byte: regionOffset + p + 20 },
      );
    const raw = region.slice(p, end);
    vlrs.push({
      extended: false,
      userId: cstr(raw.subarray(2, 18)),
      recordId: dv.getUint16(p + 18, true),
      description: cstr(raw.subarray(22, 54)),
      offset: regionOffset + p,
      dataLength,
      raw,
      data: raw.subarray(VLR_HEADER_SIZE),
    });
    p = end;
  }
  return { vlrs, trailing: region.slice(p) };
}

/** Parses a 60-byte EVLR header read at `offset`; checks the payload fits in the file. */
export function parseEvlrHeader(
  head: Uint8Array,
  offset: number,
  index: number,
  fileSize: number,
  file: string,
): Omit<LasVlr, 'raw' | 'data'> {
  if (head.length < EVLR_HEADER_SIZE)
    throw new BadInputError(file, `EVLR ${index} header is cut off by the end of the file`, { byte: offset });
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const length = dv.getBigUint64(20, true);
  const room = BigInt(fileSize - offset - EVLR_HEADER_SIZE);
  if (length > room)
    throw new BadInputError(file, `EVLR ${index} claims ${length} bytes of data but the file ends ${room} bytes after its header`, {
      byte: offset + 20,
    });
  return {
    extended: true,
    userId: cstr(head.subarray(2, 18)),
    recordId: dv.getUint16(18, true),
    description: cstr(head.subarray(28, 60)),
    offset,
    dataLength: Number(length),
  };
}

export function findVlr(vlrs: readonly LasVlr[], userId: string, recordId: number): LasVlr | undefined {
  return vlrs.find((v) => v.userId === userId && v.recordId === recordId && v.data !== null);
}
