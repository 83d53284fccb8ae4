import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { BadInputError } from '../../errors';
import type { LasSourceDetails } from '../../scans/formats/las';
import { MAX_HEADER_SIZE, parseLasHeader, type LasHeader } from '../../scans/formats/las/header';
import { readAt, readInto } from '../../scans/formats/las/io';
import { ChunkTableError, decodeChunkTable, type LazChunk } from '../../scans/formats/las/laz-chunk-table';
import { LasRecordSource, LazRecordSource, type RecordSource } from '../../scans/formats/las/record-source';

/**
 * The source file's point records exactly as stored (LAZ decompressed through laz-perf), in file
 * order, a batch at a time. The LAS exporter copies these bytes and patches only the label fields,
 * so every attribute it does not touch, including ones ScanLabel does not decode (wave packets,
 * undescribed extra bytes), reaches the output unchanged.
 */
export interface RawRecords {
  header: LasHeader;
  next(maxPoints: number): Promise<{ raw: Uint8Array; count: number } | null>;
  /**
   * The next records (at most `target.length / recordLength`) into `target`; returns how many, 0 at
   * the end. Uncompressed files are read straight into it (no intermediate copy). Use either this
   * or `next` for one pass, not both.
   */
  readInto(target: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

export async function openRawRecords(path: string, source: LasSourceDetails): Promise<RawRecords> {
  const file = basename(path);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new BadInputError(path, `cannot open the scan's source: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const { size } = await fh.stat();
    const header = parseLasHeader(await readAt(fh, 0, Math.min(size, MAX_HEADER_SIZE)), file, size);
    let records: RecordSource;
    if (header.compressed) {
      if (!source.laszip) throw new BadInputError(file, 'compressed points but no LASzip description', { byte: 104 });
      const chunks = header.pointCount === 0 ? [] : await readLazChunkTable(fh, header, source.laszip.chunkSize, size, file);
      records = new LazRecordSource(fh, header, chunks, source.laszip.layerCount, file);
    } else records = new LasRecordSource(fh, header, file);
    const rl = header.recordLength;
    let direct = 0;
    return {
      header,
      next: (maxPoints) => records.next(maxPoints),
      readInto: async (target) => {
        const max = Math.floor(target.length / rl);
        if (header.compressed) {
          const batch = await records.next(max);
          if (!batch) return 0;
          target.set(batch.raw.subarray(0, batch.count * rl));
          return batch.count;
        }
        const count = Math.min(max, header.pointCount - direct);
        if (count <= 0) return 0;
        const at = header.offsetToPointData + direct * rl;
        const got = await readInto(fh, at, target.subarray(0, count * rl));
        if (got < count * rl) throw new BadInputError(file, `point data ends early: expected ${count} records of ${rl} bytes here`, { byte: at + got });
        direct += count;
        return count;
      },
      close: async () => {
        records.close();
        await fh.close();
      },
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** Upper bound of one compressed chunk-table entry (two arithmetic-coded 32-bit values). */
const MAX_TABLE_BYTES_PER_CHUNK = 40;

/**
 * Locates and decodes the LAZ chunk table (the pointer after the VLRs, or the file's last 8 bytes
 * when a streaming writer left -1 there). The importer validated the same file at import time;
 * this repeats the bounds checks because the file is read again now.
 */
async function readLazChunkTable(fh: FileHandle, h: LasHeader, chunkSize: number | null, fileSize: number, file: string): Promise<LazChunk[]> {
  const pointerAt = h.offsetToPointData;
  if (pointerAt + 8 > fileSize) throw new BadInputError(file, 'file ends before the LAZ chunk table pointer', { byte: pointerAt });
  let tableOffset = Number(new DataView((await readAt(fh, pointerAt, 8)).buffer).getBigInt64(0, true));
  if (tableOffset === -1) tableOffset = Number(new DataView((await readAt(fh, fileSize - 8, 8)).buffer).getBigInt64(0, true));
  const firstChunkOffset = pointerAt + 8;
  if (!(tableOffset >= firstChunkOffset && tableOffset + 8 <= fileSize))
    throw new BadInputError(file, `LAZ chunk table offset ${tableOffset} is outside the file`, { byte: pointerAt });
  const count = new DataView((await readAt(fh, tableOffset, 8)).buffer).getUint32(4, true);
  if (count > tableOffset - firstChunkOffset) throw new BadInputError(file, `LAZ chunk table lists ${count} chunks, more than its data can hold`, { byte: tableOffset + 4 });
  const table = await readAt(fh, tableOffset, Math.min(fileSize - tableOffset, 8 + count * MAX_TABLE_BYTES_PER_CHUNK));
  try {
    return decodeChunkTable(table, { firstChunkOffset, tableOffset, fixedChunkSize: chunkSize, pointCount: h.pointCount });
  } catch (e) {
    if (e instanceof ChunkTableError) throw new BadInputError(file, `LAZ ${e.message}`, { byte: tableOffset });
    throw e;
  }
}
