/** A set of point ids as one bit each: order-free inserts, ascending output (octree nodes arrive in any order). */
export class IdBitset {
  private readonly words: Uint32Array;
  private count = 0;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  add(id: number) {
    const w = id >>> 5;
    const bit = 1 << (id & 31);
    const old = this.words[w]!;
    if ((old & bit) === 0) {
      this.words[w] = old | bit;
      this.count++;
    }
  }

  get length(): number {
    return this.count;
  }

  /** The ids, ascending. */
  toArray(): Uint32Array {
    const out = new Uint32Array(this.count);
    const { words } = this;
    let at = 0;
    for (let w = 0; w < words.length; w++) {
      let bits = words[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        out[at++] = w * 32 + (31 - Math.clz32(low));
        bits ^= low;
      }
    }
    return out;
  }
}
