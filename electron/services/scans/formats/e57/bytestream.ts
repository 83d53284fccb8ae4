import type { FieldEncoding } from './describe';

/**
 * One prototype field's bytestream. Each data packet carries a slice of every field's stream; a
 * value may straddle two packets (bit-packed integers are a continuous LSB-first bit stream), so
 * the unconsumed tail is kept and the next packet's bytes appended to it.
 */
export class FieldStream {
  private bytes = new Uint8Array(0);
  private bitPos = 0;

  constructor(readonly encoding: FieldEncoding) {}

  private get bitsPerValue(): number {
    return this.encoding.kind === 'float' ? this.encoding.bytes * 8 : this.encoding.bits;
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const consumed = this.bitPos >>> 3;
    const rest = this.bytes.subarray(consumed);
    const next = new Uint8Array(rest.length + chunk.length);
    next.set(rest, 0);
    next.set(chunk, rest.length);
    this.bytes = next;
    this.bitPos -= consumed * 8;
  }

  /** Whole values ready to decode (Infinity for zero-width constant fields). */
  available(): number {
    const width = this.bitsPerValue;
    if (width === 0) return Infinity;
    return Math.floor((this.bytes.length * 8 - this.bitPos) / width);
  }

  /** Decodes `count` values (count <= available()) into `out` as float64 (scaled for ScaledIntegers). */
  decode(count: number, out: Float64Array): void {
    const e = this.encoding;
    if (e.kind === 'float') {
      const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
      let at = this.bitPos >>> 3;
      if (e.bytes === 4) for (let i = 0; i < count; i++, at += 4) out[i] = view.getFloat32(at, true);
      else for (let i = 0; i < count; i++, at += 8) out[i] = view.getFloat64(at, true);
      this.bitPos = at * 8;
      return;
    }
    const { bits, minimum, scale, offset } = e;
    const identity = scale === 1 && offset === 0;
    let pos = this.bitPos;
    for (let i = 0; i < count; i++, pos += bits) {
      const raw = (bits === 0 ? 0 : bits <= 32 ? this.readBits(pos, bits) : this.readWide(pos, bits)) + minimum;
      out[i] = identity ? raw : raw * scale + offset;
    }
    this.bitPos = pos;
  }

  /** Up to 32 bits at bit position `pos`: a 40-bit window is still exact in a double. */
  private readBits(pos: number, bits: number): number {
    const b = this.bytes;
    const i = pos >>> 3;
    const window =
      (b[i] ?? 0) + (b[i + 1] ?? 0) * 0x100 + (b[i + 2] ?? 0) * 0x10000 + (b[i + 3] ?? 0) * 0x1000000 + (b[i + 4] ?? 0) * 0x100000000;
    return Math.floor(window / 2 ** (pos & 7)) % 2 ** bits;
  }

  /** 33..64 bits; exact up to 2^53, which covers every coordinate a scanner writes. */
  private readWide(pos: number, bits: number): number {
    return this.readBits(pos, 32) + this.readBits(pos + 32, bits - 32) * 0x100000000;
  }
}
