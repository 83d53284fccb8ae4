import { basename } from 'node:path';
import type { AttributeInfo } from '../../../../../common/contracts/scans';
import { BadInputError } from '../../../errors';
import type { ScanAttribute, ScanMesh } from '../../model';
import type { PointChunk, ReadOptions, ScanInfo, ScanReader } from '../types';
import type { E57Description, ScanDesc } from './describe';
import { describeE57 } from './describe';
import { E57_HEADER_SIZE, parseFileHeader } from './header';
import { PAGE_SIZE, PagedReader, physicalToLogical } from './pages';
import { PointConverter, rotationMatrix } from './points';
import type { PointBatch } from './points';
import { readRecords } from './records';
import type { ByteSource } from './source';
import { parseXml } from './xml';

const DEFAULT_CHUNK_POINTS = 65536;
/** XML beyond this is not a scan header but a corrupt length field. */
const MAX_XML_BYTES = 256 * 1024 * 1024;

interface ScanSummary {
  desc: ScanDesc;
  converter: PointConverter;
  validCount: number;
  invalidCount: number;
  min: [number, number, number];
  max: [number, number, number];
}

async function* scanPoints(
  source: ByteSource,
  file: string,
  scan: ScanDesc,
  converter: PointConverter,
  signal?: AbortSignal,
): AsyncGenerator<PointBatch> {
  const paged = new PagedReader(source, file);
  for await (const records of readRecords(paged, scan, file, signal)) yield converter.convert(records);
}

/** Box of the scan in file coordinates: its local cartesianBounds corners through the pose. */
function posedBounds(scan: ScanDesc): { min: [number, number, number]; max: [number, number, number] } | null {
  const b = scan.cartesianBounds;
  if (!b) return null;
  const r = rotationMatrix(scan.pose.rotation);
  const t = scan.pose.translation;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const p = [corner & 1 ? b.max[0] : b.min[0], corner & 2 ? b.max[1] : b.min[1], corner & 4 ? b.max[2] : b.min[2]];
    for (let k = 0; k < 3; k++) {
      const v = r[k * 3]! * p[0]! + r[k * 3 + 1]! * p[1]! + r[k * 3 + 2]! * p[2]! + t[k]!;
      min[k] = Math.min(min[k]!, v);
      max[k] = Math.max(max[k]!, v);
    }
  }
  return min.every(Number.isFinite) && max.every(Number.isFinite) ? { min, max } : null;
}

/**
 * Counts valid points and measures exact bounds. Needed when records can be skipped (invalid state,
 * NaN) so that pointCount is exact, or when the header has no usable bounds; otherwise the header's
 * recordCount and cartesianBounds are enough and the file is read once.
 */
async function summarise(source: ByteSource, file: string, desc: ScanDesc): Promise<ScanSummary> {
  const converter = new PointConverter(desc, file);
  const headerBounds = converter.coordinates === 'cartesian' ? posedBounds(desc) : null;
  if (!converter.mayHaveInvalid && headerBounds) return { desc, converter, validCount: desc.recordCount, invalidCount: 0, ...headerBounds };
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  let validCount = 0;
  let invalidCount = 0;
  for await (const batch of scanPoints(source, file, desc, converter)) {
    validCount += batch.count;
    invalidCount += batch.invalid;
    const xyz = batch.xyz;
    for (let i = 0; i < xyz.length; i += 3)
      for (let k = 0; k < 3; k++) {
        const v = xyz[i + k]!;
        if (v < min[k]!) min[k] = v;
        if (v > max[k]!) max[k] = v;
      }
  }
  return { desc, converter, validCount, invalidCount, min, max };
}

function infoFor(file: string, headerVersion: string, description: E57Description, scans: ScanSummary[]): ScanInfo {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const s of scans)
    if (s.validCount > 0)
      for (let k = 0; k < 3; k++) {
        min[k] = Math.min(min[k]!, s.min[k]!);
        max[k] = Math.max(max[k]!, s.max[k]!);
      }
  const empty = !min.every(Number.isFinite);
  const boundsMin: [number, number, number] = empty ? [0, 0, 0] : min;
  const boundsMax: [number, number, number] = empty ? [0, 0, 0] : max;
  // A whole-unit origin at the centre keeps float32 offsets small and the origin readable.
  const origin = boundsMin.map((v, k) => Math.round((v + boundsMax[k]!) / 2)) as [number, number, number];
  const attributes: AttributeInfo[] = [];
  if (scans.some((s) => s.converter.hasColor)) attributes.push({ name: 'color', type: 'uint8', components: 3 });
  if (scans.some((s) => s.converter.hasIntensity)) attributes.push({ name: 'intensity', type: 'float32', components: 1 });
  if (scans.length > 1) attributes.push({ name: 'scan_index', type: scans.length > 65535 ? 'uint32' : 'uint16', components: 1 });
  const coordinates = new Set(scans.map((s) => s.converter.coordinates));
  const ignored = new Set(scans.flatMap((s) => s.converter.ignoredFields));
  return {
    format: 'e57',
    version: headerVersion,
    pointCount: scans.reduce((n, s) => n + s.validCount, 0),
    faceCount: 0,
    boundsMin,
    boundsMax,
    origin,
    attributes,
    crs: description.coordinateMetadata || null,
    details: {
      scans: scans.length,
      records: scans.reduce((n, s) => n + s.desc.recordCount, 0),
      invalidPoints: scans.reduce((n, s) => n + s.invalidCount, 0),
      coordinates: [...coordinates].join('+') || 'none',
      scanNames: scans.map((s) => s.desc.name).join(', '),
      ignoredFields: [...ignored].join(', '),
      images2D: description.images2D,
      guid: description.guid,
      library: description.library,
      file,
    },
    source: {
      format: 'e57',
      guid: description.guid,
      scans: scans.map((s) => ({ name: s.desc.name, pose: s.desc.pose, records: s.desc.recordCount })),
    },
  };
}

class E57Reader implements ScanReader {
  constructor(
    readonly path: string,
    readonly info: ScanInfo,
    private readonly file: string,
    private readonly source: ByteSource,
    private readonly scans: ScanSummary[],
  ) {}

  async *chunks(options: ReadOptions = {}): AsyncIterable<PointChunk> {
    const capacity = Math.max(1, options.chunkPoints ?? DEFAULT_CHUNK_POINTS);
    const { origin, attributes } = this.info;
    const wantColor = attributes.some((a) => a.name === 'color');
    const wantIntensity = attributes.some((a) => a.name === 'intensity');
    const scanIndexType = attributes.find((a) => a.name === 'scan_index')?.type;
    let start = 0;
    let fill = 0;
    let positions = new Float32Array(capacity * 3);
    let color = wantColor ? new Uint8Array(capacity * 3) : null;
    let intensity = wantIntensity ? new Float32Array(capacity) : null;
    let scanIndex = scanIndexType === 'uint32' ? new Uint32Array(capacity) : scanIndexType ? new Uint16Array(capacity) : null;
    const take = (): PointChunk => {
      const chunkAttributes: ScanAttribute[] = [];
      if (color) chunkAttributes.push({ name: 'color', type: 'uint8', components: 3, values: color.subarray(0, fill * 3) });
      if (intensity) chunkAttributes.push({ name: 'intensity', type: 'float32', components: 1, values: intensity.subarray(0, fill) });
      if (scanIndex) chunkAttributes.push({ name: 'scan_index', type: scanIndexType!, components: 1, values: scanIndex.subarray(0, fill) });
      const chunk: PointChunk = { start, count: fill, positions: positions.subarray(0, fill * 3), attributes: chunkAttributes };
      start += fill;
      fill = 0;
      positions = new Float32Array(capacity * 3);
      color = color && new Uint8Array(capacity * 3);
      intensity = intensity && new Float32Array(capacity);
      scanIndex = scanIndex && (scanIndexType === 'uint32' ? new Uint32Array(capacity) : new Uint16Array(capacity));
      return chunk;
    };
    for (const [s, scan] of this.scans.entries()) {
      for await (const batch of scanPoints(this.source, this.file, scan.desc, scan.converter, options.signal)) {
        for (let i = 0; i < batch.count;) {
          const n = Math.min(batch.count - i, capacity - fill);
          for (let j = 0; j < n; j++) for (let k = 0; k < 3; k++) positions[(fill + j) * 3 + k] = batch.xyz[(i + j) * 3 + k]! - origin[k]!;
          if (color) {
            if (batch.color) color.set(batch.color.subarray(i * 3, (i + n) * 3), fill * 3);
            else color.fill(0, fill * 3, (fill + n) * 3);
          }
          if (intensity) {
            if (batch.intensity) intensity.set(batch.intensity.subarray(i, i + n), fill);
            else intensity.fill(0, fill, fill + n);
          }
          scanIndex?.fill(s, fill, fill + n);
          fill += n;
          i += n;
          if (fill === capacity) yield take();
        }
      }
    }
    if (fill > 0) yield take();
    if (start !== this.info.pointCount)
      throw new BadInputError(this.file, `read ${start} points but the file was measured at ${this.info.pointCount} (changed while open?)`);
  }

  async mesh(): Promise<ScanMesh | null> {
    return null;
  }

  labelAttributes(): { name: string; attribute: string; target: 'points' | 'faces' }[] {
    return [];
  }

  close(): Promise<void> {
    return this.source.close();
  }
}

/** Opens an E57 over any byte source: validates header and pages, parses the XML, sizes the scans. */
export async function openE57Source(source: ByteSource, path: string): Promise<ScanReader> {
  const file = basename(path);
  const head = await source.read(0, E57_HEADER_SIZE);
  const header = parseFileHeader(head, file, source.size);
  if (source.size < PAGE_SIZE) throw new BadInputError(file, `file is ${source.size} bytes, shorter than one 1024-byte page`, { byte: 0 });
  const paged = new PagedReader(source, file);
  await paged.read(0, E57_HEADER_SIZE); // verifies page 0's checksum
  if (header.xmlLogicalLength > MAX_XML_BYTES)
    throw new BadInputError(file, `XML section length ${header.xmlLogicalLength} is implausible`, { byte: 32 });
  const xml = await paged.read(physicalToLogical(header.xmlPhysicalOffset), header.xmlLogicalLength);
  const description = describeE57(parseXml(xml, file, header.xmlPhysicalOffset), file, header.xmlPhysicalOffset);
  const scans: ScanSummary[] = [];
  for (const desc of description.scans) scans.push(await summarise(source, file, desc));
  const info = infoFor(file, `${header.majorVersion}.${header.minorVersion}`, description, scans);
  return new E57Reader(path, info, file, source, scans);
}
