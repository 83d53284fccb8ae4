import type { AttributeType } from '../../../../../common/contracts/scans';
import { BadInputError } from '../../../errors';
import type { LasVlr } from './vlr';

export const EXTRA_BYTES_DESCRIPTOR_SIZE = 192;

/** Element types of the extra bytes VLR (data_type 1-10; 11-30 are the deprecated 2- and 3-component forms). */
const BASE_TYPES = [
  null,
  { raw: 'uint8', size: 1 },
  { raw: 'int8', size: 1 },
  { raw: 'uint16', size: 2 },
  { raw: 'int16', size: 2 },
  { raw: 'uint32', size: 4 },
  { raw: 'int32', size: 4 },
  { raw: 'uint64', size: 8 },
  { raw: 'int64', size: 8 },
  { raw: 'float32', size: 4 },
  { raw: 'float64', size: 8 },
] as const;

export type ExtraBytesRawType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64' | 'float32' | 'float64';

/** One extra-bytes field as the file describes it, with where it sits in the record. */
export interface ExtraBytesDescriptor {
  /** Attribute name (the descriptor's name, made unique). */
  name: string;
  description: string;
  /** data_type as stored (0 = undocumented bytes). */
  dataType: number;
  options: number;
  /** Element type in the file; null for undocumented bytes (read as uint8). */
  rawType: ExtraBytesRawType | null;
  components: number;
  /** Offset of the field inside a point record. */
  recordOffset: number;
  byteSize: number;
  /** Per component, only when the options bits say they are set. */
  scale: number[] | null;
  offset: number[] | null;
  noData: number[] | null;
  /** The 192 descriptor bytes as stored, for an exact rewrite. */
  raw: Uint8Array;
}

const OPT_NO_DATA = 1;
const OPT_SCALE = 8;
const OPT_OFFSET = 16;

/** Attribute type the decoded values use: scaled fields and 64-bit integers become float64. */
export function extraBytesAttributeType(d: ExtraBytesDescriptor): AttributeType {
  if (d.rawType === null) return 'uint8';
  if (d.scale || d.offset) return 'float64';
  if (d.rawType === 'uint64' || d.rawType === 'int64') return 'float64';
  return d.rawType;
}

/**
 * Reads the descriptors of every extra-bytes VLR (LASF_Spec / 4), in order: several VLRs are
 * concatenated (IGN LiDAR HD writes one per field). Fields follow the format's own bytes
 * back to back and must fit in the record.
 */
export function parseExtraBytes(
  vlrs: readonly LasVlr[],
  baseLength: number,
  recordLength: number,
  reservedNames: readonly string[],
  file: string,
): ExtraBytesDescriptor[] {
  const out: ExtraBytesDescriptor[] = [];
  const used = new Set(reservedNames);
  let recordOffset = baseLength;
  for (const vlr of vlrs) {
    if (vlr.userId !== 'LASF_Spec' || vlr.recordId !== 4 || !vlr.data) continue;
    const headerSize = vlr.extended ? 60 : 54;
    if (vlr.data.length % EXTRA_BYTES_DESCRIPTOR_SIZE !== 0)
      throw new BadInputError(file, `extra bytes VLR holds ${vlr.data.length} bytes, not a multiple of ${EXTRA_BYTES_DESCRIPTOR_SIZE}`, {
        byte: vlr.offset,
      });
    for (let q = 0; q < vlr.data.length; q += EXTRA_BYTES_DESCRIPTOR_SIZE) {
      const raw = vlr.data.slice(q, q + EXTRA_BYTES_DESCRIPTOR_SIZE);
      const at = vlr.offset + headerSize + q;
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const dataType = raw[2]!;
      const options = raw[3]!;
      let rawType: ExtraBytesRawType | null = null;
      let components = 1;
      let byteSize: number;
      if (dataType === 0) {
        byteSize = options;
        components = options;
        if (byteSize === 0) throw new BadInputError(file, 'undocumented extra bytes descriptor with size 0', { byte: at + 3 });
      } else if (dataType <= 30) {
        const base = BASE_TYPES[((dataType - 1) % 10) + 1]!;
        components = Math.floor((dataType - 1) / 10) + 1;
        rawType = base.raw;
        byteSize = base.size * components;
      } else throw new BadInputError(file, `extra bytes data type ${dataType} is not defined (expected 0 to 30)`, { byte: at + 2 });
      const perComponent = (start: number) => Array.from({ length: components }, (_, k) => dv.getFloat64(start + 24 * k, true));
      const numeric = rawType !== null;
      // no_data/min/max share the 8-byte "anytype" slot; only the float64 reading is kept here.
      // A flagged but unusable scale/offset (0, NaN) is treated as absent rather than poisoning every value.
      const scale = numeric && options & OPT_SCALE ? perComponent(112).map((s) => (Number.isFinite(s) && s !== 0 ? s : 1)) : null;
      const offset = numeric && options & OPT_OFFSET ? perComponent(136).map((o) => (Number.isFinite(o) ? o : 0)) : null;
      const noData = numeric && options & OPT_NO_DATA ? perComponent(40) : null;
      const nameBytes = raw.subarray(4, 36);
      const nul = nameBytes.indexOf(0);
      let name = new TextDecoder('latin1').decode(nul >= 0 ? nameBytes.subarray(0, nul) : nameBytes).trim() || `extra_${out.length}`;
      if (used.has(name)) {
        let k = 2;
        while (used.has(`${name}_${k}`)) k++;
        name = `${name}_${k}`;
      }
      used.add(name);
      const descBytes = raw.subarray(160, 192);
      const dnul = descBytes.indexOf(0);
      if (recordOffset + byteSize > recordLength)
        throw new BadInputError(
          file,
          `extra bytes field "${name}" needs bytes ${recordOffset}-${recordOffset + byteSize} of each record but records are ${recordLength} bytes`,
          { byte: at },
        );
      out.push({
        name,
        description: new TextDecoder('latin1').decode(dnul >= 0 ? descBytes.subarray(0, dnul) : descBytes).trim(),
        dataType,
        options,
        rawType,
        components,
        recordOffset,
        byteSize,
        scale,
        offset,
        noData,
        raw,
      });
      recordOffset += byteSize;
    }
  }
  return out;
}
