import type { PointSet } from '../../../common/contracts/project';
import { ServiceFailure } from '../../../common/result';
import { BadInputError } from '../errors';

/** Resolves a selection handle held by the caller (the core's selection cache). */
export type SelectionResolver = (selectionId: string) => Uint32Array;

/** Contract point set -> indices. Ranges are half-open [start, end). */
export function pointSetToIndices(ps: PointSet, resolveSelection?: SelectionResolver): Uint32Array {
  if ('indices' in ps) return Uint32Array.from(ps.indices);
  if ('selection' in ps) {
    if (!resolveSelection) throw new ServiceFailure('invalid_params', `selection ${ps.selection} can only be used through the core that made it`);
    return resolveSelection(ps.selection);
  }
  if ('ranges' in ps) {
    let n = 0;
    for (const [a, b] of ps.ranges) {
      if (b < a) throw new ServiceFailure('invalid_params', `range [${a}, ${b}) ends before it starts`);
      n += b - a;
    }
    if (n > 0xffffffff) throw new ServiceFailure('invalid_params', 'ranges cover too many points');
    const out = new Uint32Array(n);
    let k = 0;
    for (const [a, b] of ps.ranges) for (let i = a; i < b; i++) out[k++] = i;
    return out;
  }
  const bytes = Buffer.from(ps.base64, 'base64');
  if (bytes.length % 4 !== 0) throw new ServiceFailure('invalid_params', `base64 point set has ${bytes.length} bytes, not a multiple of 4`);
  return uint32le(bytes);
}

function uint32le(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

/**
 * A point-id file for the CLI: text (one decimal index per line, blank lines ignored) or raw
 * uint32 little endian. Text is recognised by having only printable ASCII and whitespace: uint32
 * indices below 2^24 always carry a zero byte, so real binary files never pass (override with format).
 */
export function parseIndexFile(bytes: Uint8Array, file: string, format: 'auto' | 'text' | 'u32' = 'auto'): Uint32Array {
  const isText = format === 'text' || (format === 'auto' && looksLikeText(bytes));
  if (!isText) {
    if (bytes.length % 4 !== 0) throw new BadInputError(file, `binary point ids must be uint32 LE, but the file has ${bytes.length} bytes (not a multiple of 4)`);
    return uint32le(bytes);
  }
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').split(/\r?\n/);
  const out: number[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (!/^\d+$/.test(line)) throw new BadInputError(file, `expected a point index, got "${line.slice(0, 40)}"`, { line: i + 1 });
    const n = Number(line);
    if (n > 0xffffffff) throw new BadInputError(file, `point index ${line} exceeds uint32`, { line: i + 1 });
    out.push(n);
  });
  return Uint32Array.from(out);
}

function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const printable = b >= 0x20 && b < 0x7f;
    const space = b === 0x0a || b === 0x0d || b === 0x09;
    if (!printable && !space) return false;
  }
  return true;
}
