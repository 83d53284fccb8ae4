/**
 * A set of point ids as one bit each: order-free inserts, ascending output (octree nodes arrive in any order).
 * The words that hold a bit are listed as they fill, so a small selection over a huge scan (thousands of
 * ids among 100 M) lists its ids by sorting those few words instead of scanning all size / 32 of them.
 */
export class IdBitset {
  private readonly words: Uint32Array;
  private count = 0;
  /** Indices of the non-zero words, in fill order; null once there are so many that a full scan is cheaper. */
  private touched: Uint32Array | null = new Uint32Array(256);
  private touchedCount = 0;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  add(id: number) {
    const w = id >>> 5;
    const bit = 1 << (id & 31);
    const old = this.words[w]!;
    if ((old & bit) !== 0) return;
    this.words[w] = old | bit;
    this.count++;
    if (old === 0 && this.touched) this.touch(w);
  }

  get length(): number {
    return this.count;
  }

  /** The ids, ascending. */
  toArray(): Uint32Array {
    const out = new Uint32Array(this.count);
    const { words } = this;
    let at = 0;
    const emit = (w: number) => {
      let bits = words[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        out[at++] = w * 32 + (31 - Math.clz32(low));
        bits ^= low;
      }
    };
    if (this.touched) {
      const list = this.touched.subarray(0, this.touchedCount).sort();
      for (let i = 0; i < list.length; i++) emit(list[i]!);
    } else {
      for (let w = 0; w < words.length; w++) if (words[w] !== 0) emit(w);
    }
    return out;
  }

  private touch(w: number) {
    let list = this.touched!;
    if (this.touchedCount === list.length) {
      // Sorting k words costs ~k log k; past 1/16 of all words a linear scan of them is cheaper.
      if (list.length * 2 > this.words.length / 16) {
        this.touched = null;
        return;
      }
      const grown = new Uint32Array(list.length * 2);
      grown.set(list);
      this.touched = list = grown;
    }
    list[this.touchedCount++] = w;
  }
}
