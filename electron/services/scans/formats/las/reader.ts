import { open as openFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { BadInputError } from '../../../errors';
import type { ScanMesh, SourceDetails } from '../../model';
import type { PointChunk, ReadOptions, ScanInfo, ScanReader } from '../types';
import { parseCopcInfo, type CopcInfo } from './copc';
import { resolveCrs } from './crs';
import { parseExtraBytes, type ExtraBytesDescriptor } from './extra-bytes';
import { MAX_HEADER_SIZE, parseLasHeader, type LasHeader, type Vec3 } from './header';
import { readAt } from './io';
import { ChunkTableError, decodeChunkTable, type LazChunk } from './laz-chunk-table';
import { LASZIP_RECORD_ID, LASZIP_USER_ID, parseLaszipVlr, type LaszipInfo } from './laszip-vlr';
import { chooseOrigin, type LasOrigin } from './origin';
import { fitsTarget, targetViews } from '../stream/target';
import { allocateDecoded, decodeInto, layoutAttributes, makeLayout, STANDARD_ATTRIBUTE_NAMES, type RecordLayout } from './records';
import { LasRecordSource, LazRecordSource, type RecordSource } from './record-source';
import { recordsOnWorkers, worthRecordWorkers } from './records-on-workers';
import { decodePool } from '../stream/decode-pool';
import { EVLR_HEADER_SIZE, findVlr, MAX_EVLR_LOAD_BYTES, parseEvlrHeader, parseVlrs, type LasVlr } from './vlr';

export const DEFAULT_CHUNK_POINTS = 1_000_000;

/** Everything an exporter needs to write the file back bit-exactly (ScanInfo.source / Scan.source). */
export interface LasSourceDetails extends SourceDetails {
  format: 'las';
  version: { major: number; minor: number };
  /** Point data record format (0-10) and the header byte as stored (with LAZ bits). */
  pointFormat: number;
  pointFormatByte: number;
  recordLength: number;
  pointCount: number;
  scale: Vec3;
  offset: Vec3;
  /** Integer n per axis: ScanInfo.origin = offset + n * scale; X_int = n + round(position / scale). */
  originSteps: Vec3;
  /** Per axis, whether the header bounds guarantee that recovery is exact (see origin.ts). */
  positionsExact: [boolean, boolean, boolean];
  compressed: boolean;
  /** The public header block exactly as stored (headerSize bytes). */
  headerBytes: Uint8Array;
  /** Each VLR, header + payload exactly as stored, in file order. */
  vlrs: { userId: string; recordId: number; description: string; bytes: Uint8Array }[];
  /** Bytes between the last VLR and the point data (padding some writers leave). */
  bytesAfterVlrs: Uint8Array;
  /** EVLRs (LAS 1.4): bytes as stored, or null when too large to load (offset/length say where). */
  evlrs: { userId: string; recordId: number; description: string; offset: number; length: number; bytes: Uint8Array | null }[];
  extraBytes: ExtraBytesDescriptor[];
  /** LAS point formats 4, 5, 9, 10: wave packet descriptors are present in the records but not decoded. */
  wavePacketsSkipped: boolean;
  laszip: LaszipInfo | null;
  copc: CopcInfo | null;
}

interface OpenedLas {
  header: LasHeader;
  layout: RecordLayout;
  origin: LasOrigin;
  chunks: LazChunk[] | null;
  laszip: LaszipInfo | null;
}

export async function openLas(path: string): Promise<ScanReader> {
  const file = basename(path);
  let fh: FileHandle;
  try {
    fh = await openFile(path, 'r');
  } catch (e) {
    throw new BadInputError(file, `cannot open: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const { info, opened } = await readStructure(fh, file);
    return new LasReader(path, file, info, fh, opened);
  } catch (e) {
    await fh.close();
    throw e;
  }
}

async function readStructure(fh: FileHandle, file: string): Promise<{ info: ScanInfo; opened: OpenedLas }> {
  const { size: fileSize } = await fh.stat();
  const head = await readAt(fh, 0, Math.min(fileSize, MAX_HEADER_SIZE));
  const header = parseLasHeader(head, file, fileSize);
  const headerBytes = head.slice(0, header.headerSize);

  const preamble = await readAt(fh, header.headerSize, header.offsetToPointData - header.headerSize);
  const { vlrs, trailing } = parseVlrs(preamble, header.headerSize, header.vlrCount, file);
  const evlrs = await readEvlrs(fh, header, fileSize, file);
  const allVlrs = [...vlrs, ...evlrs];

  const extraBytes = parseExtraBytes(allVlrs, header.pointFormat.baseLength, header.recordLength, STANDARD_ATTRIBUTE_NAMES, file);
  const layout = makeLayout(header.pointFormat, header.recordLength, extraBytes);
  const origin = chooseOrigin(header.scale, header.offset, header.min, header.max);
  const { crs, source: crsSource } = resolveCrs(allVlrs);
  const copc = parseCopcInfo(vlrs);

  let laszip: LaszipInfo | null = null;
  let chunks: LazChunk[] | null = null;
  if (header.compressed) {
    const v = findVlr(vlrs, LASZIP_USER_ID, LASZIP_RECORD_ID);
    if (!v)
      throw new BadInputError(file, "the point format is flagged as LAZ-compressed but there is no 'laszip encoded' VLR", { byte: 104 });
    // laz-perf decodes the LAZ point formats without wave packets only.
    if (![0, 1, 2, 3, 6, 7, 8].includes(header.pointFormat.id))
      throw new BadInputError(
        file,
        `LAZ with point format ${header.pointFormat.id} (wave packets) is not supported; decompress it to LAS first`,
        { byte: 104 },
      );
    laszip = parseLaszipVlr(v, header.recordLength, file);
    if ((laszip.compressor === 3) !== header.pointFormat.extended)
      throw new BadInputError(file, `LASzip compressor ${laszip.compressor} does not fit point format ${header.pointFormat.id}`, {
        byte: v.offset + 54,
      });
    chunks = header.pointCount === 0 ? [] : await readChunkTable(fh, header, laszip, fileSize, file);
  }

  const source: LasSourceDetails = {
    format: 'las',
    version: { major: header.versionMajor, minor: header.versionMinor },
    pointFormat: header.pointFormat.id,
    pointFormatByte: header.pointFormatByte,
    recordLength: header.recordLength,
    pointCount: header.pointCount,
    scale: header.scale,
    offset: header.offset,
    originSteps: origin.steps,
    positionsExact: origin.exact,
    compressed: header.compressed,
    headerBytes,
    vlrs: vlrs.map((v) => ({ userId: v.userId, recordId: v.recordId, description: v.description, bytes: v.raw! })),
    bytesAfterVlrs: trailing,
    evlrs: evlrs.map((v) => ({
      userId: v.userId,
      recordId: v.recordId,
      description: v.description,
      offset: v.offset,
      length: EVLR_HEADER_SIZE + v.dataLength,
      bytes: v.raw,
    })),
    extraBytes,
    wavePacketsSkipped: header.pointFormat.wavePacket !== null,
    laszip,
    copc,
  };

  const details: ScanInfo['details'] = {
    point_format: header.pointFormat.id,
    record_length: header.recordLength,
    scale: header.scale.join(' '),
    offset: header.offset.join(' '),
    compression: laszip
      ? `LASzip ${laszip.compressor === 3 ? 'layered' : 'pointwise'} ${laszip.version}, ${laszip.chunkSize === null ? 'variable chunks' : `chunks of ${laszip.chunkSize}`}`
      : 'none',
    vlrs: vlrs.length,
    system_identifier: header.systemIdentifier,
    generating_software: header.generatingSoftware,
    creation: `${header.creationYear} day ${header.creationDay}`,
    global_encoding: header.globalEncoding,
    file_source_id: header.fileSourceId,
    positions_exact: origin.exact.every(Boolean),
  };
  if (chunks) details.laz_chunks = chunks.length;
  if (header.versionMinor >= 4) details.evlrs = evlrs.length;
  if (crsSource) details.crs_source = crsSource;
  if (extraBytes.length) details.extra_bytes = extraBytes.map((d) => `${d.name} (${d.rawType ?? `${d.byteSize} bytes`})`).join(', ');
  if (header.pointFormat.wavePacket !== null) details.wave_packets = 'present, not decoded';
  if (copc) {
    details.copc_spacing = copc.spacing;
    details.copc_half_size = copc.halfSize;
  }

  const info: ScanInfo = {
    format: copc && header.compressed ? 'copc' : header.compressed ? 'laz' : 'las',
    version: `${header.versionMajor}.${header.versionMinor}`,
    pointCount: header.pointCount,
    faceCount: 0,
    boundsMin: header.min,
    boundsMax: header.max,
    origin: origin.origin,
    attributes: layoutAttributes(layout),
    crs,
    details,
    source,
  };
  return { info, opened: { header, layout, origin, chunks, laszip } };
}

async function readEvlrs(fh: FileHandle, h: LasHeader, fileSize: number, file: string): Promise<LasVlr[]> {
  if (h.versionMinor < 4 || h.evlrCount === 0) return [];
  const pointsEnd = h.compressed ? h.offsetToPointData : h.offsetToPointData + h.pointCount * h.recordLength;
  if (h.evlrStart < pointsEnd || h.evlrStart > fileSize)
    throw new BadInputError(file, `EVLR start ${h.evlrStart} is outside the file area after the points (${pointsEnd}-${fileSize})`, {
      byte: 235,
    });
  if (h.evlrCount * EVLR_HEADER_SIZE > fileSize - h.evlrStart)
    throw new BadInputError(
      file,
      `header claims ${h.evlrCount} EVLRs but only ${fileSize - h.evlrStart} bytes follow byte ${h.evlrStart}`,
      { byte: 243 },
    );
  const out: LasVlr[] = [];
  let at = h.evlrStart;
  for (let i = 0; i < h.evlrCount; i++) {
    const head = await readAt(fh, at, EVLR_HEADER_SIZE);
    const e = parseEvlrHeader(head, at, i, fileSize, file);
    let raw: Uint8Array | null = null;
    if (e.dataLength <= MAX_EVLR_LOAD_BYTES) {
      raw = await readAt(fh, at, EVLR_HEADER_SIZE + e.dataLength);
      if (raw.length < EVLR_HEADER_SIZE + e.dataLength)
        throw new BadInputError(file, `EVLR ${i} is cut off by the end of the file`, { byte: at });
    }
    out.push({ ...e, raw, data: raw ? raw.subarray(EVLR_HEADER_SIZE) : null });
    at += EVLR_HEADER_SIZE + e.dataLength;
  }
  return out;
}

/** Upper bound of the compressed size of one chunk-table entry (two arithmetic-coded 32-bit values). */
const MAX_TABLE_BYTES_PER_CHUNK = 40;

async function readChunkTable(fh: FileHandle, h: LasHeader, lz: LaszipInfo, fileSize: number, file: string): Promise<LazChunk[]> {
  const pointerAt = h.offsetToPointData;
  if (pointerAt + 8 > fileSize) throw new BadInputError(file, 'file ends before the LAZ chunk table pointer', { byte: pointerAt });
  const pointer = new DataView((await readAt(fh, pointerAt, 8)).buffer);
  let tableOffset = Number(pointer.getBigInt64(0, true));
  if (tableOffset === -1) {
    // Written by a streaming writer: the real pointer is the file's last 8 bytes.
    const tail = new DataView((await readAt(fh, fileSize - 8, 8)).buffer);
    tableOffset = Number(tail.getBigInt64(0, true));
  }
  const firstChunkOffset = pointerAt + 8;
  if (!(tableOffset >= firstChunkOffset && tableOffset + 8 <= fileSize))
    throw new BadInputError(
      file,
      `LAZ chunk table offset ${tableOffset} is outside the file (compressed points start at ${firstChunkOffset}, file is ${fileSize} bytes)`,
      {
        byte: pointerAt,
      },
    );
  const tableHead = new DataView((await readAt(fh, tableOffset, 8)).buffer);
  const chunkCount = tableHead.getUint32(4, true);
  const span = tableOffset - firstChunkOffset;
  if (chunkCount > span)
    throw new BadInputError(file, `LAZ chunk table lists ${chunkCount} chunks but the compressed data is only ${span} bytes`, {
      byte: tableOffset + 4,
    });
  const tableBytes = await readAt(fh, tableOffset, Math.min(fileSize - tableOffset, 8 + chunkCount * MAX_TABLE_BYTES_PER_CHUNK));
  let chunks: LazChunk[];
  try {
    chunks = decodeChunkTable(tableBytes, { firstChunkOffset, tableOffset, fixedChunkSize: lz.chunkSize, pointCount: h.pointCount });
  } catch (e) {
    if (e instanceof ChunkTableError) throw new BadInputError(file, `LAZ ${e.message}`, { byte: tableOffset });
    throw e;
  }
  // A compressed point takes a fraction of a bit at the very least; far denser claims are lies that would spin the decoder.
  for (const c of chunks)
    if (c.pointCount > c.byteLength * 4096)
      throw new BadInputError(file, `LAZ chunk ${c.index} claims ${c.pointCount} points in only ${c.byteLength} bytes`, { byte: c.offset });
  return chunks;
}

class LasReader implements ScanReader {
  constructor(
    readonly path: string,
    private readonly file: string,
    readonly info: ScanInfo,
    private readonly fh: FileHandle,
    private readonly opened: OpenedLas,
  ) {}

  async *chunks(options: ReadOptions = {}): AsyncIterable<PointChunk> {
    const { header, layout, origin, chunks, laszip } = this.opened;
    const perChunk = Math.max(1, Math.floor(options.chunkPoints ?? DEFAULT_CHUNK_POINTS));
    const target = fitsTarget(options.target, this.info.pointCount, this.info.attributes) ? options.target : null;
    // Large uncompressed files streamed: records decode on the worker pool (every core), in file order.
    // Not with a target: readScan then decodes in place on this thread, because copying worker chunks
    // in and the workers' own memory would take it past 40 bytes per point.
    const pool = !chunks && !target && worthRecordWorkers(header.pointCount, perChunk) ? await decodePool() : null;
    if (pool) {
      const onWorkers = recordsOnWorkers(pool, this.fh, this.path, this.file, header, layout, origin.steps, perChunk, options.signal);
      for await (const c of onWorkers) yield { start: c.start, count: c.count, positions: c.positions, attributes: c.attributes };
      return;
    }
    const source: RecordSource = chunks
      ? new LazRecordSource(this.fh, header, chunks, laszip!.layerCount, this.file)
      : new LasRecordSource(this.fh, header, this.file);
    try {
      let start = 0;
      for (;;) {
        options.signal?.throwIfAborted();
        const batch = await source.next(perChunk);
        if (!batch) break;
        // In place when the caller gave the scan's columns (a LAZ chunk table may overrun the header's count: then fresh arrays).
        const decoded =
          target && start + batch.count <= this.info.pointCount ? targetViews(target, start, batch.count) : allocateDecoded(layout, batch.count);
        decodeInto(batch.raw, batch.count, layout, origin.steps, header.scale, decoded);
        yield { start, count: batch.count, positions: decoded.positions, attributes: decoded.attributes };
        start += batch.count;
      }
    } finally {
      source.close();
    }
  }

  async mesh(): Promise<ScanMesh | null> {
    return null;
  }

  labelAttributes() {
    return [{ name: 'classification', attribute: 'classification', target: 'points' as const }];
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
