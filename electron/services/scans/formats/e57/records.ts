import { BadInputError } from '../../../errors';
import { FieldStream } from './bytestream';
import type { ScanDesc } from './describe';
import { isInChecksum, logicalToPhysical, physicalToLogical } from './pages';
import type { PagedReader } from './pages';
import { PACKET_HEADER_SIZE, PACKET_TYPE, SECTION_HEADER_SIZE, packetHead, parseSectionHeader, splitDataPacket } from './packets';

/** Decoded records of one data packet: one float64 column per prototype field. */
export interface RecordBatch {
  count: number;
  columns: Float64Array[];
}

/**
 * Streams a scan's CompressedVector records packet by packet. Memory stays at one packet plus the
 * undecoded tail of each bytestream, whatever the record count.
 */
export async function* readRecords(paged: PagedReader, scan: ScanDesc, file: string, signal?: AbortSignal): AsyncGenerator<RecordBatch> {
  if (scan.recordCount === 0) return;
  const where = `scan ${scan.index} ("${scan.name}")`;
  if (isInChecksum(scan.fileOffset))
    throw new BadInputError(file, `${where}: points fileOffset ${scan.fileOffset} points into a page checksum`, { byte: scan.fileOffset });
  const sectionStart = physicalToLogical(scan.fileOffset);
  const header = parseSectionHeader(await paged.read(sectionStart, SECTION_HEADER_SIZE), file, scan.fileOffset);
  const sectionEnd = sectionStart + header.sectionLogicalLength;
  if (sectionEnd > paged.logicalLength)
    throw new BadInputError(
      file,
      `${where}: binary section claims ${header.sectionLogicalLength} bytes, past the end of the file (truncated?)`,
      { byte: scan.fileOffset },
    );
  let pos = physicalToLogical(header.dataPhysicalOffset);
  if (isInChecksum(header.dataPhysicalOffset) || pos < sectionStart + SECTION_HEADER_SIZE || pos >= sectionEnd)
    throw new BadInputError(file, `${where}: first data packet offset ${header.dataPhysicalOffset} lies outside its section`, {
      byte: scan.fileOffset + 16,
    });

  const streams = scan.fields.map((f) => new FieldStream(f.encoding));
  if (streams.every((s) => s.available() === Infinity))
    throw new BadInputError(file, `${where}: every prototype field is a constant, no bytestream to read`, { byte: scan.fileOffset });
  let remaining = scan.recordCount;
  while (remaining > 0) {
    signal?.throwIfAborted();
    if (pos + PACKET_HEADER_SIZE > sectionEnd)
      throw new BadInputError(file, `${where}: section ends after ${scan.recordCount - remaining} of ${scan.recordCount} records`, {
        byte: logicalToPhysical(pos),
      });
    const { type, length } = packetHead(await paged.read(pos, PACKET_HEADER_SIZE));
    if (pos + length > sectionEnd)
      throw new BadInputError(file, `${where}: ${length}-byte packet runs past the end of its section`, { byte: logicalToPhysical(pos) });
    if (type === PACKET_TYPE.data) {
      const buffers = splitDataPacket(await paged.read(pos, length), streams.length, file, logicalToPhysical(pos));
      buffers.forEach((b, i) => streams[i]!.append(b));
      const count = Math.min(remaining, ...streams.map((s) => s.available()));
      if (count > 0) {
        const columns = streams.map((s) => {
          const column = new Float64Array(count);
          s.decode(count, column);
          return column;
        });
        remaining -= count;
        yield { count, columns };
      }
    } else if (type !== PACKET_TYPE.index && type !== PACKET_TYPE.empty) {
      throw new BadInputError(file, `${where}: unknown packet type ${type} (expected 0 index, 1 data or 2 empty)`, {
        byte: logicalToPhysical(pos),
      });
    }
    pos += length;
  }
}
