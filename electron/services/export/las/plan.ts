import { ServiceFailure } from '../../../../common/result';
import type { LasSourceDetails } from '../../scans/formats/las';
import { HEADER_SIZE_BY_MINOR, type LasHeader } from '../../scans/formats/las/header';
import { pointFormat, type PointFormat } from '../../scans/formats/las/point-format';
import { EB_TYPE, EXTRA_BYTES_RECORD_ID, EXTRA_BYTES_USER_ID, extraBytesDescriptor, vlrHeader, withPayload } from './vlrBytes';

/** Names of the extra bytes fields the exporter adds; reused (overwritten) when the source has them. */
export const INSTANCE_FIELD = 'label_instance';
export const CONFIDENCE_FIELD = 'label_confidence';

/** Point formats 0-5 keep the class in 5 bits; a larger code moves the file to the LAS 1.4 format with the same fields. */
const UPGRADE: Record<number, number> = { 0: 6, 1: 6, 2: 7, 3: 7, 4: 9, 5: 10 };
export const LEGACY_MAX_CLASS = 31;
export const MAX_CLASS = 255;

export type EvlrOut = { bytes: Uint8Array } | { sourceOffset: number; length: number };

/** How the output file is laid out; everything the record loop and the header writer need. */
export interface LasPlan {
  versionMinor: number;
  headerSize: number;
  inFormat: PointFormat;
  outFormat: PointFormat;
  inRecordLength: number;
  outRecordLength: number;
  /** Source record bytes after the format's own fields (extra bytes), copied after the output format's fields. */
  tailBytes: number;
  /** Byte offsets of the label fields inside an output record. */
  instanceAt: number;
  confidenceAt: number;
  vlrs: Uint8Array[];
  bytesAfterVlrs: Uint8Array;
  evlrs: EvlrOut[];
  offsetToPointData: number;
  notes: string[];
}

export interface LasPlanInput {
  source: LasSourceDetails;
  header: LasHeader;
  /** Largest class code the export writes (labels and the unlabeled code). */
  maxCode: number;
  lasVersion?: '1.2' | '1.4';
}

const fail = (msg: string) => new ServiceFailure('invalid_params', msg);

export function planLas({ source, header, maxCode, lasVersion }: LasPlanInput): LasPlan {
  const notes: string[] = [];
  const inFormat = header.pointFormat;
  if (maxCode > MAX_CLASS)
    throw fail(`class code ${maxCode} cannot be stored in LAS (classification is one byte, 0-${MAX_CLASS}); give the class an export code of ${MAX_CLASS} or less`);
  if (header.globalEncoding & 0x2)
    throw fail('the source keeps its waveform data inside the LAS file; exporting it is not supported (the wave packet descriptors would point at nothing)');

  let outFormat = inFormat;
  let versionMinor = lasVersion ? Number(lasVersion.split('.')[1]) : header.versionMinor;
  if (!inFormat.extended && maxCode > LEGACY_MAX_CLASS) {
    if (lasVersion === '1.2')
      throw fail(`class code ${maxCode} needs LAS 1.4 (point formats 0-5 of LAS 1.2 hold classes 0-${LEGACY_MAX_CLASS}); export LAS 1.4 or map the class to a smaller export code`);
    outFormat = pointFormat(UPGRADE[inFormat.id]!)!;
    versionMinor = 4;
    notes.push(`point format ${inFormat.id} upgraded to ${outFormat.id} (LAS 1.4) for class codes above ${LEGACY_MAX_CLASS}`);
  }
  if (outFormat.extended && versionMinor < 4) throw fail(`point format ${outFormat.id} exists only in LAS 1.4; export LAS 1.4`);
  if (versionMinor < 4 && header.pointCount > 0xffffffff) throw fail(`${header.pointCount} points need LAS 1.4 (64-bit counts)`);

  // VLRs that describe the compressed or COPC layout of the source no longer apply to plain LAS.
  const dropped = (userId: string, recordId: number) => (userId === 'laszip encoded' && recordId === 22204) || userId === 'copc';
  let vlrs = source.vlrs.filter((v) => !dropped(v.userId, v.recordId)).map((v) => v.bytes);
  let evlrs = source.evlrs.filter((v) => !dropped(v.userId, v.recordId));
  if (source.vlrs.length - vlrs.length + source.evlrs.length - evlrs.length > 0) notes.push('LASzip/COPC records dropped (the output is uncompressed LAS)');
  if (versionMinor < 4 && evlrs.length > 0)
    throw fail(`the source has ${evlrs.length} extended VLR(s) (${evlrs.map((e) => `${e.userId}/${e.recordId}`).join(', ')}) that LAS 1.${versionMinor} cannot hold; export LAS 1.4`);

  // Label fields: overwrite fields a previous ScanLabel export added, else append after every existing byte.
  const tailBytes = header.recordLength - inFormat.baseLength;
  const existing = (name: string, rawType: string) => source.extraBytes.find((d) => d.name === name && d.rawType === rawType && !d.scale && !d.offset);
  const oldInstance = existing(INSTANCE_FIELD, 'uint32');
  const oldConfidence = existing(CONFIDENCE_FIELD, 'uint8');
  const toOut = (recordOffset: number) => recordOffset - inFormat.baseLength + outFormat.baseLength;
  let outRecordLength = outFormat.baseLength + tailBytes;
  const added: Uint8Array[] = [];
  if (!oldInstance || !oldConfidence) {
    const described = source.extraBytes.reduce((end, d) => Math.max(end, d.recordOffset + d.byteSize), inFormat.baseLength);
    // Appended fields are located by their order, so bytes no descriptor covers get an opaque one first.
    for (let gap = header.recordLength - described; gap > 0; gap -= 255)
      added.push(extraBytesDescriptor('unknown', 0, Math.min(gap, 255), 'bytes kept from the source'));
  }
  let instanceAt: number;
  if (oldInstance) instanceAt = toOut(oldInstance.recordOffset);
  else {
    instanceAt = outRecordLength;
    outRecordLength += 4;
    added.push(extraBytesDescriptor(INSTANCE_FIELD, EB_TYPE.uint32, 0, 'ScanLabel instance id (0 = none)'));
  }
  let confidenceAt: number;
  if (oldConfidence) confidenceAt = toOut(oldConfidence.recordOffset);
  else {
    confidenceAt = outRecordLength;
    outRecordLength += 1;
    added.push(extraBytesDescriptor(CONFIDENCE_FIELD, EB_TYPE.uint8, 0, 'ScanLabel label confidence 0-255'));
  }
  if (outRecordLength > 0xffff) throw fail(`point records would grow to ${outRecordLength} bytes, beyond LAS's 65535`);

  if (added.length > 0) {
    const payload = concat(added);
    // Descriptors are read in record order across all extra bytes records, so extend the last one.
    const isEb = (userId: string, recordId: number) => userId === EXTRA_BYTES_USER_ID && recordId === EXTRA_BYTES_RECORD_ID;
    const lastEvlr = findLastIndex(evlrs, (e) => isEb(e.userId, e.recordId));
    const lastVlr = findLastIndex(source.vlrs, (v) => isEb(v.userId, v.recordId));
    if (lastEvlr >= 0) {
      const e = evlrs[lastEvlr]!;
      if (!e.bytes) throw fail(`the source's extra bytes EVLR is ${e.length} bytes, too large to rewrite`);
      evlrs = evlrs.map((x, i) => (i === lastEvlr ? { ...x, bytes: withPayload(e.bytes!, true, concat([e.bytes!.subarray(60), payload])) } : x));
    } else if (lastVlr >= 0 && source.vlrs[lastVlr]!.bytes.length - 54 + payload.length <= 0xffff) {
      const v = source.vlrs[lastVlr]!;
      const merged = withPayload(v.bytes, false, concat([v.bytes.subarray(54), payload]));
      vlrs = vlrs.map((b) => (b === v.bytes ? merged : b));
    } else {
      if (payload.length > 0xffff) throw fail('too many extra bytes descriptors for one VLR');
      vlrs = [...vlrs, concat([vlrHeader(EXTRA_BYTES_USER_ID, EXTRA_BYTES_RECORD_ID, payload.length, 'Extra Bytes'), payload])];
    }
  }

  const headerSize = versionMinor === header.versionMinor ? header.headerSize : HEADER_SIZE_BY_MINOR[versionMinor]!;
  const offsetToPointData = headerSize + vlrs.reduce((s, v) => s + v.length, 0) + source.bytesAfterVlrs.length;
  return {
    versionMinor,
    headerSize,
    inFormat,
    outFormat,
    inRecordLength: header.recordLength,
    outRecordLength,
    tailBytes,
    instanceAt,
    confidenceAt,
    vlrs,
    bytesAfterVlrs: source.bytesAfterVlrs,
    evlrs: evlrs.map((e) => (e.bytes ? { bytes: e.bytes } : { sourceOffset: e.offset, length: e.length })),
    offsetToPointData,
    notes,
  };
}

function findLastIndex<T>(list: readonly T[], pred: (t: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i]!)) return i;
  return -1;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
