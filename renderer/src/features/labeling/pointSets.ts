import type { PointSet } from '../../../../common/contracts/project';

/** Small sets travel as index lists; large ones as base64 uint32 LE (a quarter of the JSON size, no per-number parse). */
export function toPointSet(indices: Uint32Array): PointSet {
  if (indices.length <= 2048) return { indices: Array.from(indices) };
  const bytes = new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength);
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return { base64: btoa(binary) };
}

export function fromBase64U32(base64: string): Uint32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Uint32Array(bytes.buffer, 0, bytes.length >> 2);
}
