import { describe, expect, it } from 'vitest';
import { BufferedWriter, type ByteSink } from '../../../electron/services/export/sink';

/**
 * A sink that records every array it is handed and a copy of its bytes at that moment (the
 * writer reuses its buffer once a write settles), to check order and zero-copy writes.
 */
function recordingSink(): ByteSink & { writes: Uint8Array[]; bytes(): number[] } {
  const writes: Uint8Array[] = [];
  const copies: number[][] = [];
  return {
    writes,
    bytes: () => copies.flat(),
    write: async (b) => {
      writes.push(b);
      copies.push([...b]);
    },
    writeAt: async () => undefined,
    sync: async () => undefined,
    close: async () => undefined,
  };
}

describe('BufferedWriter.writeUnbuffered', () => {
  it('flushes buffered bytes first, then hands the array itself to the sink, and keeps the position', async () => {
    const sink = recordingSink();
    const out = new BufferedWriter(sink, 64);
    await out.write(Uint8Array.of(1, 2, 3));
    const batch = Uint8Array.of(4, 5, 6, 7, 8);
    await out.writeUnbuffered(batch);
    await out.write(Uint8Array.of(9));
    expect(out.position).toBe(9);
    await out.flush();
    expect(sink.bytes()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sink.writes[1]).toBe(batch); // no copy of the kernel's output
  });
});
