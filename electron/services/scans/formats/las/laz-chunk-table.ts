import { ArithmeticDecoder, IntegerDecompressor } from './arithmetic-decoder';

/** One compressed chunk: where its bytes are and how many points it holds. */
export interface LazChunk {
  index: number;
  /** Absolute file offset of the chunk's first byte. */
  offset: number;
  byteLength: number;
  /** Index of the chunk's first point in file order. */
  firstPoint: number;
  pointCount: number;
}

export class ChunkTableError extends Error {}

/**
 * Decodes a LASzip chunk table: u32 version (0), u32 chunk count, then per chunk an arithmetic-coded
 * point count (only when chunks are variable-sized) and byte count, each predicted from the
 * previous chunk's value. `firstChunkOffset` is where chunk 0 starts (just after the 8-byte table
 * pointer that opens the point data); `tableOffset` is where the table itself starts.
 *
 * Validates what a reader relies on before anything is allocated from it: the chunk bytes tile
 * exactly the range between the first chunk and the table, and the point counts add up to the
 * header's count.
 */
export function decodeChunkTable(
  table: Uint8Array,
  opts: { firstChunkOffset: number; tableOffset: number; fixedChunkSize: number | null; pointCount: number },
): LazChunk[] {
  if (table.length < 8) throw new ChunkTableError('chunk table is truncated (needs 8 bytes)');
  const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const version = dv.getUint32(0, true);
  if (version !== 0) throw new ChunkTableError(`chunk table version ${version} (expected 0)`);
  const count = dv.getUint32(4, true);
  const span = opts.tableOffset - opts.firstChunkOffset;
  // Every chunk holds at least one byte, so the count is bounded by the compressed span.
  if (count > span) throw new ChunkTableError(`chunk table lists ${count} chunks but the compressed data is only ${span} bytes`);
  if (opts.fixedChunkSize !== null) {
    const expected = Math.ceil(opts.pointCount / opts.fixedChunkSize);
    if (count !== expected)
      throw new ChunkTableError(
        `chunk table lists ${count} chunks but ${opts.pointCount} points in chunks of ${opts.fixedChunkSize} need ${expected}`,
      );
  }
  if (count === 0) {
    if (opts.pointCount !== 0) throw new ChunkTableError(`chunk table is empty but the header claims ${opts.pointCount} points`);
    return [];
  }

  const dec = new ArithmeticDecoder(table.subarray(8));
  const ic = new IntegerDecompressor(dec, 2);
  const chunks: LazChunk[] = [];
  let prevPoints = 0;
  let prevBytes = 0;
  let offset = opts.firstChunkOffset;
  let firstPoint = 0;
  for (let i = 0; i < count; i++) {
    let points: number;
    if (opts.fixedChunkSize === null) {
      prevPoints = ic.decompress(prevPoints, 0);
      points = prevPoints >>> 0;
    } else points = Math.min(opts.fixedChunkSize, opts.pointCount - firstPoint);
    prevBytes = ic.decompress(prevBytes, 1);
    const bytes = prevBytes >>> 0;
    if (dec.overrun > 4) throw new ChunkTableError(`chunk table is truncated at chunk ${i}`);
    if (bytes === 0 || offset + bytes > opts.tableOffset)
      throw new ChunkTableError(`chunk ${i} claims ${bytes} bytes at ${offset}, outside the compressed data (ends at ${opts.tableOffset})`);
    if (points === 0 && opts.fixedChunkSize !== null) throw new ChunkTableError(`chunk ${i} holds no points`);
    chunks.push({ index: i, offset, byteLength: bytes, firstPoint, pointCount: points });
    offset += bytes;
    firstPoint += points;
  }
  if (offset !== opts.tableOffset)
    throw new ChunkTableError(`chunks end at byte ${offset} but the chunk table starts at ${opts.tableOffset}`);
  if (firstPoint !== opts.pointCount)
    throw new ChunkTableError(`chunk table holds ${firstPoint} points but the header claims ${opts.pointCount}`);
  return chunks;
}
