/**
 * LZF decompression for PCD binary_compressed. Hand-written: the format is ~30 lines and the npm
 * LZF packages are unmaintained or native; this one also validates every reference so a corrupt
 * stream fails with a position instead of reading out of bounds.
 */
export class LzfError extends Error {
  constructor(
    message: string,
    /** Offset in the compressed input where the problem was found. */
    readonly at: number,
  ) {
    super(message);
    this.name = 'LzfError';
  }
}

/** Largest expansion LZF allows: a 3-byte back reference produces at most 264 bytes. */
export const LZF_MAX_RATIO = 88;

export function lzfDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      // literal run of ctrl + 1 bytes
      const len = ctrl + 1;
      if (ip + len > input.length) throw new LzfError('literal run goes past the end of the compressed data', ip - 1);
      if (op + len > outputLength) throw new LzfError('data decompresses to more bytes than declared', ip - 1);
      out.set(input.subarray(ip, ip + len), op);
      ip += len;
      op += len;
    } else {
      // back reference: length in the top 3 bits (7 = extended), distance in 13 bits
      const at = ip - 1;
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= input.length) throw new LzfError('back reference cut off', at);
        len += input[ip++]!;
      }
      if (ip >= input.length) throw new LzfError('back reference cut off', at);
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++]! - 1;
      len += 2;
      if (ref < 0) throw new LzfError('back reference points before the start of the output', at);
      if (op + len > outputLength) throw new LzfError('data decompresses to more bytes than declared', at);
      // byte by byte: the source may overlap the bytes being written (run-length style)
      for (let k = 0; k < len; k++) out[op + k] = out[ref + k]!;
      op += len;
    }
  }
  if (op !== outputLength) throw new LzfError(`data decompresses to ${op} bytes, header declares ${outputLength}`, input.length);
  return out;
}
