/**
 * The adaptive arithmetic decoder and integer corrector of the LASzip format, implemented from the
 * LAZ specification's description. laz-perf decodes point chunks but does not expose the chunk
 * table, which LASzip stores compressed with exactly this coder; without the table we could not
 * seek to a chunk, so we decode it ourselves. Only decompression, only what the chunk table uses.
 *
 * All arithmetic is on unsigned 32-bit values: `>>> 0` after every step mirrors C's U32 wrap-around.
 */

const MIN_LENGTH = 0x01000000;
const MAX_LENGTH = 0xffffffff;
const BIT_LENGTH_SHIFT = 13;
const BIT_MAX_COUNT = 1 << BIT_LENGTH_SHIFT;
const SYMBOL_LENGTH_SHIFT = 15;
const SYMBOL_MAX_COUNT = 1 << SYMBOL_LENGTH_SHIFT;

/** Byte source that yields 0 past its end and counts how far it ran over (truncation check). */
class ByteStream {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  next(): number {
    const b = this.bytes[this.pos++];
    return b ?? 0;
  }
  get overrun(): number {
    return Math.max(0, this.pos - this.bytes.length);
  }
}

export class SymbolModel {
  readonly distribution: Uint32Array;
  readonly counts: Uint32Array;
  readonly table: Uint32Array | null;
  readonly tableShift: number;
  readonly lastSymbol: number;
  private totalCount = 0;
  private updateCycle: number;
  symbolsUntilUpdate: number;

  constructor(readonly symbols: number) {
    this.lastSymbol = symbols - 1;
    if (symbols > 16) {
      let tableBits = 3;
      while (symbols > 1 << (tableBits + 2)) tableBits++;
      this.table = new Uint32Array((1 << tableBits) + 2);
      this.tableShift = SYMBOL_LENGTH_SHIFT - tableBits;
    } else {
      this.table = null;
      this.tableShift = 0;
    }
    this.distribution = new Uint32Array(symbols);
    this.counts = new Uint32Array(symbols).fill(1);
    this.updateCycle = symbols;
    this.symbolsUntilUpdate = symbols;
    this.update();
    this.symbolsUntilUpdate = this.updateCycle = (symbols + 6) >>> 1;
  }

  update(): void {
    this.totalCount += this.updateCycle;
    if (this.totalCount > SYMBOL_MAX_COUNT) {
      this.totalCount = 0;
      for (let n = 0; n < this.symbols; n++) {
        this.counts[n] = (this.counts[n]! + 1) >>> 1;
        this.totalCount += this.counts[n]!;
      }
    }
    const scale = Math.floor(0x80000000 / this.totalCount);
    let sum = 0;
    let s = 0;
    const table = this.table;
    for (let k = 0; k < this.symbols; k++) {
      // (scale * sum) is a U32 product in C; both factors keep it below 2^31 here, so no wrap.
      this.distribution[k] = Math.floor((scale * sum) / 2 ** (31 - SYMBOL_LENGTH_SHIFT));
      sum += this.counts[k]!;
      if (table) {
        const w = this.distribution[k]! >>> this.tableShift;
        while (s < w) table[++s] = k - 1;
      }
    }
    if (table) {
      table[0] = 0;
      const size = table.length - 2;
      while (s <= size) table[++s] = this.symbols - 1;
    }
    this.updateCycle = (5 * this.updateCycle) >>> 2;
    const maxCycle = (this.symbols + 6) << 3;
    if (this.updateCycle > maxCycle) this.updateCycle = maxCycle;
    this.symbolsUntilUpdate = this.updateCycle;
  }
}

export class BitModel {
  bit0Count = 1;
  bitCount = 2;
  bit0Prob = 1 << (BIT_LENGTH_SHIFT - 1);
  private updateCycle = 4;
  bitsUntilUpdate = 4;

  update(): void {
    this.bitCount += this.updateCycle;
    if (this.bitCount > BIT_MAX_COUNT) {
      this.bitCount = (this.bitCount + 1) >>> 1;
      this.bit0Count = (this.bit0Count + 1) >>> 1;
      if (this.bit0Count === this.bitCount) this.bitCount++;
    }
    const scale = Math.floor(0x80000000 / this.bitCount);
    this.bit0Prob = Math.floor((this.bit0Count * scale) / 2 ** (31 - BIT_LENGTH_SHIFT));
    this.updateCycle = (5 * this.updateCycle) >>> 2;
    if (this.updateCycle > 64) this.updateCycle = 64;
    this.bitsUntilUpdate = this.updateCycle;
  }
}

export class ArithmeticDecoder {
  private readonly stream: ByteStream;
  private length = MAX_LENGTH;
  private value = 0;

  constructor(bytes: Uint8Array) {
    this.stream = new ByteStream(bytes);
    const s = this.stream;
    this.value = ((s.next() << 24) | (s.next() << 16) | (s.next() << 8) | s.next()) >>> 0;
  }

  /** Bytes requested beyond the end of the input: > 0 means the input was truncated. */
  get overrun(): number {
    return this.stream.overrun;
  }

  get bytesRead(): number {
    return this.stream.pos;
  }

  decodeBit(m: BitModel): number {
    const x = m.bit0Prob * (this.length >>> BIT_LENGTH_SHIFT);
    const sym = this.value >= x ? 1 : 0;
    if (sym === 0) {
      this.length = x;
      m.bit0Count++;
    } else {
      this.value = (this.value - x) >>> 0;
      this.length = (this.length - x) >>> 0;
    }
    if (this.length < MIN_LENGTH) this.renormalize();
    if (--m.bitsUntilUpdate === 0) m.update();
    return sym;
  }

  decodeSymbol(m: SymbolModel): number {
    let sym: number;
    let x: number;
    let y = this.length;
    const dist = m.distribution;
    if (m.table) {
      this.length = this.length >>> SYMBOL_LENGTH_SHIFT;
      const dv = Math.floor(this.value / this.length);
      const t = dv >>> m.tableShift;
      sym = m.table[t]!;
      let n = m.table[t + 1]! + 1;
      while (n > sym + 1) {
        const k = (sym + n) >>> 1;
        if (dist[k]! > dv) n = k;
        else sym = k;
      }
      x = dist[sym]! * this.length;
      if (sym !== m.lastSymbol) y = dist[sym + 1]! * this.length;
    } else {
      x = sym = 0;
      this.length = this.length >>> SYMBOL_LENGTH_SHIFT;
      let n = m.symbols;
      let k = n >>> 1;
      do {
        const z = this.length * dist[k]!;
        if (z > this.value) {
          n = k;
          y = z;
        } else {
          sym = k;
          x = z;
        }
        k = (sym + n) >>> 1;
      } while (k !== sym);
    }
    this.value = (this.value - x) >>> 0;
    this.length = (y - x) >>> 0;
    if (this.length < MIN_LENGTH) this.renormalize();
    m.counts[sym]!++;
    if (--m.symbolsUntilUpdate === 0) m.update();
    return sym;
  }

  readBits(bits: number): number {
    if (bits > 19) {
      const low = this.readShort();
      const high = this.readBits(bits - 16);
      return ((high << 16) | low) >>> 0;
    }
    this.length = this.length >>> bits;
    const sym = Math.floor(this.value / this.length);
    this.value = (this.value - this.length * sym) >>> 0;
    if (this.length < MIN_LENGTH) this.renormalize();
    return sym;
  }

  private readShort(): number {
    this.length = this.length >>> 16;
    const sym = Math.floor(this.value / this.length);
    this.value = (this.value - this.length * sym) >>> 0;
    if (this.length < MIN_LENGTH) this.renormalize();
    return sym;
  }

  private renormalize(): void {
    do {
      this.value = ((this.value << 8) | this.stream.next()) >>> 0;
      this.length = (this.length << 8) >>> 0;
    } while (this.length < MIN_LENGTH);
  }
}

/**
 * LASzip's IntegerCompressor in its 32-bit, no-range configuration (the only one the chunk table
 * uses): a value is coded as a correction to a prediction, first the correction's bit length k
 * (one symbol model per context), then the correction itself.
 */
export class IntegerDecompressor {
  private readonly bitsModels: SymbolModel[];
  private readonly zeroBit = new BitModel();
  private readonly correctors: SymbolModel[] = [];
  private static readonly BITS_HIGH = 8;

  constructor(
    private readonly dec: ArithmeticDecoder,
    contexts: number,
  ) {
    this.bitsModels = Array.from({ length: contexts }, () => new SymbolModel(33));
    for (let i = 1; i <= 32; i++) {
      this.correctors[i] = new SymbolModel(i <= IntegerDecompressor.BITS_HIGH ? 1 << i : 1 << IntegerDecompressor.BITS_HIGH);
    }
  }

  /** Returns the decoded signed 32-bit value. */
  decompress(prediction: number, context: number): number {
    return (prediction + this.readCorrector(this.bitsModels[context]!)) | 0;
  }

  private readCorrector(model: SymbolModel): number {
    const k = this.dec.decodeSymbol(model);
    if (k === 0) return this.dec.decodeBit(this.zeroBit);
    if (k >= 32) return -0x80000000;
    let c: number;
    const high = IntegerDecompressor.BITS_HIGH;
    if (k <= high) c = this.dec.decodeSymbol(this.correctors[k]!);
    else {
      const lowBits = k - high;
      c = this.dec.decodeSymbol(this.correctors[k]!);
      c = c * 2 ** lowBits + this.dec.readBits(lowBits);
    }
    // Corrections of bit length k cover [-(2^k - 1), -2^(k-1)] and [2^(k-1)+1, 2^k].
    return c >= 2 ** (k - 1) ? c + 1 : c - (2 ** k - 1);
  }
}
