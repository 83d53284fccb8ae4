/**
 * Byte builders for the LAS records the exporter adds or rewrites: VLR/EVLR headers and extra
 * bytes descriptors (LAS 1.4 R15, section 2.5 and the Extra Bytes VLR, LASF_Spec record 4).
 */
export const VLR_HEADER_BYTES = 54;
export const EVLR_HEADER_BYTES = 60;
export const EXTRA_BYTES_USER_ID = 'LASF_Spec';
export const EXTRA_BYTES_RECORD_ID = 4;
export const DESCRIPTOR_BYTES = 192;

/** Extra bytes data_type codes (1-10) for the element types the exporter writes. */
export const EB_TYPE = { uint8: 1, uint32: 5 } as const;

function putText(target: Uint8Array, at: number, length: number, text: string): void {
  for (let i = 0; i < length; i++) target[at + i] = i < text.length ? text.charCodeAt(i) & 0x7f : 0;
}

export function vlrHeader(userId: string, recordId: number, dataLength: number, description: string): Uint8Array {
  if (dataLength > 0xffff) throw new RangeError(`a VLR holds at most 65535 bytes, not ${dataLength}`);
  const b = new Uint8Array(VLR_HEADER_BYTES);
  const dv = new DataView(b.buffer);
  putText(b, 2, 16, userId);
  dv.setUint16(18, recordId, true);
  dv.setUint16(20, dataLength, true);
  putText(b, 22, 32, description);
  return b;
}

/** Rewrites the payload length of a VLR (54-byte header) or EVLR (60-byte header) kept as bytes. */
export function withPayload(record: Uint8Array, extended: boolean, payload: Uint8Array): Uint8Array {
  const headerBytes = extended ? EVLR_HEADER_BYTES : VLR_HEADER_BYTES;
  if (!extended && payload.length > 0xffff) throw new RangeError(`a VLR holds at most 65535 bytes, not ${payload.length}`);
  const out = new Uint8Array(headerBytes + payload.length);
  out.set(record.subarray(0, headerBytes));
  const dv = new DataView(out.buffer);
  if (extended) dv.setBigUint64(20, BigInt(payload.length), true);
  else dv.setUint16(20, payload.length, true);
  out.set(payload, headerBytes);
  return out;
}

/** One descriptor; `dataType` 0 with `options` = byte count describes opaque bytes. */
export function extraBytesDescriptor(name: string, dataType: number, options: number, description: string): Uint8Array {
  const b = new Uint8Array(DESCRIPTOR_BYTES);
  b[2] = dataType;
  b[3] = options;
  putText(b, 4, 32, name);
  putText(b, 160, 32, description);
  return b;
}
