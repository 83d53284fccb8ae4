import { BadInputError } from '../../../errors';
import type { LabelLayerData, ScanMesh } from '../../model';
import type { OpenOptions, PointChunk, ReadOptions, ScanInfo, ScanReader } from '../types';
import { BoundsAccumulator, checkedOrigin } from '../stream/bounds';
import { ChunkBuilder, chunkCapacity } from '../stream/chunkBuilder';
import { FileSource } from '../stream/fileSource';
import { isLabelName } from '../stream/labels';
import { quoteLine, readLines, splitWhitespace } from '../stream/lines';
import { decodeAsciiPoint, decodeBinaryPoint, fieldBlockStrides, interleavedStrides } from './decode';
import { MAX_HEADER_BYTES, findPcdHeaderEnd, parsePcdHeader, sniffPcd } from './header';
import type { PcdHeader } from './header';
import { pcdLayout, writePcdAttributes } from './layout';
import type { PcdLayout } from './layout';
import { LZF_MAX_RATIO, LzfError, lzfDecompress } from './lzf';

/** Where a point came from, for error messages. */
type Where = { byte: number } | { line: number };

/** Called once per point in file order with its flat field values. */
type PointVisitor = (values: Float64Array, fileIndex: number, where: Where) => void;

/** Refuse to inflate binary_compressed data beyond this; larger clouds need a streaming format. */
const MAX_DECOMPRESSED_BYTES = 2 ** 31 - 1;
const BINARY_BLOCK_BYTES = 1 << 20;

export async function openPcd(path: string, _options: OpenOptions = {}): Promise<ScanReader> {
  const src = await FileSource.open(path);
  try {
    return await PcdReader.create(src);
  } catch (e) {
    await src.close();
    throw e;
  }
}

/**
 * PCD reader. Organized clouds (HEIGHT > 1) mark missing measurements with NaN coordinates: those
 * points are dropped, counted in details.invalidPoints, and the kept points carry an 'index'
 * attribute (uint32 row * WIDTH + column) so labels can be mapped back onto the image grid.
 * NaN coordinates in an unorganized cloud are an error.
 */
class PcdReader implements ScanReader {
  private constructor(
    private readonly src: FileSource,
    private readonly header: PcdHeader,
    private readonly layout: PcdLayout,
    private readonly keepIndex: boolean,
    readonly info: ScanInfo,
  ) {}

  get path(): string {
    return this.src.path;
  }

  static async create(src: FileSource): Promise<PcdReader> {
    const head = await src.read(0, MAX_HEADER_BYTES);
    if (!sniffPcd(head)) throw new BadInputError(src.name, 'not a PCD file: no "# .PCD" or VERSION/FIELDS header', { byte: 0 });
    const end = findPcdHeaderEnd(head);
    if (end === null) throw new BadInputError(src.name, `no DATA line within the first ${MAX_HEADER_BYTES} bytes`, { byte: head.length });
    const header = parsePcdHeader(head.toString('latin1', 0, end.end), end.end, end.lines, src.name);
    const layout = pcdLayout(header, src.name);
    checkDataSize(src, header);

    const organized = header.height > 1;
    const bounds = new BoundsAccumulator();
    let invalid = 0;
    await forEachPoint(src, header, layout, (values, i, where) => {
      const x = values[layout.x]!;
      const y = values[layout.y]!;
      const z = values[layout.z]!;
      if (Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z)) bounds.add(x, y, z);
      else if (organized) invalid++;
      else throw new BadInputError(src.name, `point ${i} has a non-finite coordinate (${x}, ${y}, ${z}) in an unorganized cloud`, where);
    });
    const keepIndex = invalid > 0;
    const { min, max } = bounds.result();
    const attributes = keepIndex ? [...layout.attributes, { name: 'index', type: 'uint32' as const, components: 1 }] : layout.attributes;
    const details: ScanInfo['details'] = {
      data: header.data,
      width: header.width,
      height: header.height,
      organized,
      filePoints: header.points,
    };
    if (organized) details.invalidPoints = invalid;
    if (header.viewpoint.length > 0) details.viewpoint = header.viewpoint.join(' ');
    if (layout.skipped.length > 0) details.paddingFields = layout.skipped.length;
    const info: ScanInfo = {
      format: 'pcd',
      version: header.version,
      pointCount: header.points - invalid,
      faceCount: 0,
      boundsMin: min,
      boundsMax: max,
      origin: checkedOrigin(src.name, min, max),
      attributes,
      crs: null,
      details,
      source: {
        format: 'pcd',
        version: header.version,
        fields: header.fields.map(({ name, size, type, count }) => ({ name, size, type, count })),
        width: header.width,
        height: header.height,
        viewpoint: header.viewpoint,
        data: header.data,
      },
    };
    return new PcdReader(src, header, layout, keepIndex, info);
  }

  async *chunks(options: ReadOptions = {}): AsyncIterable<PointChunk> {
    const { layout, keepIndex } = this;
    const builder = new ChunkBuilder(this.info.origin, this.info.attributes, chunkCapacity(options.chunkPoints));
    const indexColumn = this.info.attributes.length - 1;
    const queue = forEachPointBatched(this.src, this.header, layout, (values, fileIndex) => {
      const x = values[layout.x]!;
      const y = values[layout.y]!;
      const z = values[layout.z]!;
      if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) return; // organized-cloud hole
      const i = builder.push(x, y, z);
      writePcdAttributes(layout, values, builder.columns, i);
      if (keepIndex) builder.columns[indexColumn]![i] = fileIndex;
    });
    for await (const _ of queue) yield* builder.drain(options.signal);
    builder.flush();
    yield* builder.drain(options.signal);
  }

  async mesh(): Promise<ScanMesh | null> {
    return null;
  }

  labelAttributes(): { name: string; attribute: string; target: LabelLayerData['target'] }[] {
    return this.layout.attributes
      .filter((a) => a.components === 1 && isLabelName(a.name))
      .map((a) => ({ name: a.name, attribute: a.name, target: 'points' as const }));
  }

  close(): Promise<void> {
    return this.src.close();
  }
}

/** Rejects POINTS/size combinations the file cannot hold, before anything is allocated. */
function checkDataSize(src: FileSource, header: PcdHeader): void {
  const available = src.size - header.dataOffset;
  if (header.data === 'binary') {
    const needed = header.points * header.pointSize;
    if (needed > available) {
      throw new BadInputError(
        src.name,
        `header declares ${header.points} points of ${header.pointSize} bytes (${needed} bytes) but only ${available} bytes follow`,
        { byte: header.dataOffset },
      );
    }
  } else if (header.data === 'ascii') {
    // every value takes at least one character and one separator
    const needed = header.points * 2 * header.fields.reduce((n, f) => n + f.count, 0);
    if (needed > available + 1) {
      throw new BadInputError(src.name, `header declares ${header.points} points but only ${available} bytes of text follow`, {
        byte: header.dataOffset,
      });
    }
  }
}

async function forEachPoint(src: FileSource, header: PcdHeader, layout: PcdLayout, visit: PointVisitor): Promise<void> {
  for await (const _ of forEachPointBatched(src, header, layout, visit));
}

/** Visits every point in file order, yielding after each block so callers can hand out chunks. */
function forEachPointBatched(src: FileSource, header: PcdHeader, layout: PcdLayout, visit: PointVisitor): AsyncGenerator<void> {
  switch (header.data) {
    case 'ascii':
      return asciiPoints(src, header, layout, visit);
    case 'binary':
      return binaryPoints(src, header, layout, visit);
    case 'binary_compressed':
      return compressedPoints(src, header, layout, visit);
  }
}

async function* asciiPoints(src: FileSource, header: PcdHeader, layout: PcdLayout, visit: PointVisitor): AsyncGenerator<void> {
  const values = new Float64Array(layout.valueCount);
  let i = 0;
  let lastLine = header.headerLines;
  for await (const block of readLines(src, header.dataOffset, header.headerLines + 1)) {
    for (let j = 0; j < block.lines.length; j++) {
      const text = block.lines[j]!;
      const line = block.firstLine + j;
      lastLine = line;
      const tokens = splitWhitespace(text);
      if (tokens.length === 0) continue;
      if (i === header.points) {
        throw new BadInputError(src.name, `more data lines than the ${header.points} POINTS declared: ${quoteLine(text)}`, { line });
      }
      const problem = decodeAsciiPoint(tokens, layout, values);
      if (problem !== null) throw new BadInputError(src.name, `point ${i}: ${problem}: ${quoteLine(text)}`, { line });
      visit(values, i, { line });
      i++;
    }
    yield;
  }
  if (i < header.points) {
    throw new BadInputError(src.name, `file ends after ${i} of ${header.points} points (truncated file or lying POINTS)`, {
      line: lastLine + 1,
    });
  }
}

async function* binaryPoints(src: FileSource, header: PcdHeader, layout: PcdLayout, visit: PointVisitor): AsyncGenerator<void> {
  const values = new Float64Array(layout.valueCount);
  const { fieldBase, stride } = interleavedStrides(header);
  const perBlock = Math.max(1, Math.floor(BINARY_BLOCK_BYTES / Math.max(1, header.pointSize)));
  for (let first = 0; first < header.points; first += perBlock) {
    const n = Math.min(perBlock, header.points - first);
    const byte = header.dataOffset + first * header.pointSize;
    const buf = await src.read(byte, n * header.pointSize);
    if (buf.length < n * header.pointSize) {
      throw new BadInputError(src.name, `file ends inside point ${first + Math.floor(buf.length / header.pointSize)}`, {
        byte: byte + buf.length,
      });
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let k = 0; k < n; k++) {
      decodeBinaryPoint(view, k, header, layout, fieldBase, stride, values);
      visit(values, first + k, { byte: byte + k * header.pointSize });
    }
    yield;
  }
}

/**
 * binary_compressed: uint32 compressed size, uint32 uncompressed size, then one LZF stream holding
 * the fields one after another. The whole cloud has to be inflated at once (the field blocks are
 * not interleaved), so both sizes are checked against the file and the header first.
 */
async function* compressedPoints(src: FileSource, header: PcdHeader, layout: PcdLayout, visit: PointVisitor): AsyncGenerator<void> {
  const at = header.dataOffset;
  const sizes = await src.read(at, 8);
  if (sizes.length < 8) throw new BadInputError(src.name, 'binary_compressed data is missing its two size words', { byte: at });
  const compressed = sizes.readUInt32LE(0);
  const uncompressed = sizes.readUInt32LE(4);
  const expected = header.points * header.pointSize;
  if (uncompressed !== expected) {
    throw new BadInputError(
      src.name,
      `binary_compressed uncompressed size ${uncompressed} does not match ${header.points} points x ${header.pointSize} bytes = ${expected}`,
      { byte: at + 4 },
    );
  }
  if (compressed > src.size - at - 8) {
    throw new BadInputError(
      src.name,
      `binary_compressed size ${compressed} runs past the end of the file (${src.size - at - 8} bytes left)`,
      {
        byte: at,
      },
    );
  }
  if (uncompressed > MAX_DECOMPRESSED_BYTES || uncompressed > compressed * LZF_MAX_RATIO) {
    throw new BadInputError(src.name, `binary_compressed data of ${compressed} bytes cannot inflate to ${uncompressed} bytes`, {
      byte: at,
    });
  }
  const input = await src.read(at + 8, compressed);
  let data: Uint8Array;
  try {
    data = lzfDecompress(input, uncompressed);
  } catch (e) {
    if (e instanceof LzfError) throw new BadInputError(src.name, `corrupt LZF data: ${e.message}`, { byte: at + 8 + e.at });
    throw e;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const values = new Float64Array(layout.valueCount);
  const { fieldBase, stride } = fieldBlockStrides(header);
  const where = { byte: at + 8 };
  for (let i = 0; i < header.points; i++) {
    decodeBinaryPoint(view, i, header, layout, fieldBase, stride, values);
    visit(values, i, where);
    if ((i & 0xffff) === 0xffff) yield;
  }
  yield;
}
