/**
 * Per-element (point or face) vote accumulators over several views: how strongly each element was
 * seen, and how strongly it was inside the masks where seen. Sized to the scan once and reset
 * sparsely (only touched entries) so a click on a 10M point scan does not clear 80 MB each time.
 */
export class VoteBuffer {
  readonly seen: Float32Array;
  readonly inside: Float32Array;
  private touchedList: Int32Array;
  private touchedCount = 0;

  constructor(readonly size: number) {
    this.seen = new Float32Array(size);
    this.inside = new Float32Array(size);
    this.touchedList = new Int32Array(1024);
  }

  add(id: number, seenWeight: number, insideWeight: number): void {
    if (this.seen[id] === 0 && this.inside[id] === 0) {
      if (this.touchedCount === this.touchedList.length) {
        const t = new Int32Array(this.touchedList.length * 2);
        t.set(this.touchedList);
        this.touchedList = t;
      }
      this.touchedList[this.touchedCount++] = id;
    }
    this.seen[id]! += seenWeight;
    this.inside[id]! += insideWeight;
  }

  /** Ids with any vote, in first-touched order. */
  touched(): Int32Array {
    return this.touchedList.subarray(0, this.touchedCount);
  }

  reset(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const id = this.touchedList[i]!;
      this.seen[id] = 0;
      this.inside[id] = 0;
    }
    this.touchedCount = 0;
  }
}
