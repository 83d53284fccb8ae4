/** better-sqlite3 binds Buffers; wrap typed arrays without copying. */
export function toBlob(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
