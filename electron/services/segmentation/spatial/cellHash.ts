/**
 * Open-addressing hash from an integer cell coordinate (i, j, k) to a dense index. Written by hand
 * because a JS Map keyed by strings or composed numbers costs ~10x more per lookup, and neighbour
 * queries do tens of millions of lookups per click on large scans.
 */
export class CellHash {
  private keysI: Int32Array;
  private keysJ: Int32Array;
  private keysK: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.mask = cap - 1;
    this.keysI = new Int32Array(cap);
    this.keysJ = new Int32Array(cap);
    this.keysK = new Int32Array(cap);
    this.values = new Int32Array(cap).fill(-1);
  }

  private slot(i: number, j: number, k: number): number {
    let h = Math.imul(i, 0x9e3779b1) ^ Math.imul(j, 0x85ebca77) ^ Math.imul(k, 0xc2b2ae3d);
    h ^= h >>> 15;
    return h & this.mask;
  }

  get(i: number, j: number, k: number): number {
    let s = this.slot(i, j, k);
    for (;;) {
      const v = this.values[s]!;
      if (v < 0) return -1;
      if (this.keysI[s] === i && this.keysJ[s] === j && this.keysK[s] === k) return v;
      s = (s + 1) & this.mask;
    }
  }

  /** Index stored for (i, j, k), inserting `value` if the key is new. */
  getOrInsert(i: number, j: number, k: number, value: number): number {
    if (this.size * 2 >= this.mask) this.grow();
    let s = this.slot(i, j, k);
    for (;;) {
      const v = this.values[s]!;
      if (v < 0) {
        this.keysI[s] = i;
        this.keysJ[s] = j;
        this.keysK[s] = k;
        this.values[s] = value;
        this.size++;
        return value;
      }
      if (this.keysI[s] === i && this.keysJ[s] === j && this.keysK[s] === k) return v;
      s = (s + 1) & this.mask;
    }
  }

  private grow() {
    const { keysI, keysJ, keysK, values } = this;
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.keysI = new Int32Array(cap);
    this.keysJ = new Int32Array(cap);
    this.keysK = new Int32Array(cap);
    this.values = new Int32Array(cap).fill(-1);
    this.size = 0;
    for (let s = 0; s < values.length; s++) if (values[s]! >= 0) this.getOrInsert(keysI[s]!, keysJ[s]!, keysK[s]!, values[s]!);
  }
}
