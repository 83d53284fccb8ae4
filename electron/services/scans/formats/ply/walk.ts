import { BadInputError } from '../../../errors';
import type { FileSource } from '../stream/fileSource';
import { readLines, splitWhitespace } from '../stream/lines';
import type { PlyHeader } from './header';
import { decodeAsciiRecord, decodeBinaryRecord, fixedRecordSize, minBinaryRecordSize, newRecordValues } from './records';
import type { RecordValues } from './records';

/** Where a record or element starts: byte offset always, line number for ascii files (0 for binary). */
export interface Position {
  byte: number;
  line: number;
}

export type RecordVisitor = (values: RecordValues, index: number, at: Position) => void;

export interface WalkRange {
  /** First element to read, and where it starts. */
  element: number;
  start: Position;
  /** Stop before this element. */
  until: number;
  /** One visitor per element index; null elements are skipped as fast as the encoding allows. */
  visitors: (RecordVisitor | null)[];
  onElementStart?: (element: number, at: Position) => void;
}

const BLOCK_BYTES = 1 << 20;
/** No legitimate PLY record (one face, one vertex) comes near this; a bigger one is a lying list count. */
const MAX_RECORD_BYTES = 64 << 20;

/**
 * Streams the records of a range of elements, calling each element's visitor synchronously per
 * record. Yields after every block read so a caller generator can hand out what the visitors built.
 */
export function walkElements(src: FileSource, header: PlyHeader, range: WalkRange): AsyncGenerator<void> {
  return header.encoding === 'ascii' ? walkAscii(src, header, range) : walkBinary(src, header, range);
}

async function* walkBinary(src: FileSource, header: PlyHeader, range: WalkRange): AsyncGenerator<void> {
  const le = header.encoding === 'binary_little_endian';
  let pos = range.start.byte;
  for (let e = range.element; e < range.until; e++) {
    const el = header.elements[e]!;
    range.onElementStart?.(e, { byte: pos, line: 0 });
    const visit = range.visitors[e] ?? null;
    const fixed = fixedRecordSize(el);
    if (el.count * minBinaryRecordSize(el) > src.size - pos) {
      throw new BadInputError(
        src.name,
        `element "${el.name}" declares ${el.count} records of at least ${minBinaryRecordSize(el)} bytes but only ${src.size - pos} bytes remain`,
        { byte: pos },
      );
    }
    if (visit === null && fixed !== null) {
      pos += el.count * fixed;
      continue;
    }
    const values = newRecordValues(el);
    let window = BLOCK_BYTES;
    let i = 0;
    while (i < el.count) {
      const buf = await src.read(pos, window);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const atEof = pos + buf.length >= src.size;
      let at = 0;
      while (i < el.count) {
        const end = decodeBinaryRecord(view, at, buf.length, el, le, values);
        if (end === -2) {
          throw new BadInputError(src.name, `element "${el.name}" record ${i}: negative list count`, { byte: pos + at });
        }
        if (end < 0) break;
        visit?.(values, i, { byte: pos + at, line: 0 });
        at = end;
        i++;
      }
      pos += at;
      if (i < el.count) {
        if (atEof) {
          throw new BadInputError(
            src.name,
            `file ends inside element "${el.name}" record ${i} of ${el.count} (truncated file or list count running past the end)`,
            { byte: pos },
          );
        }
        if (at === 0) {
          if (window >= MAX_RECORD_BYTES) {
            throw new BadInputError(src.name, `element "${el.name}" record ${i} is larger than ${MAX_RECORD_BYTES} bytes`, { byte: pos });
          }
          window *= 4;
        }
      }
      yield;
    }
  }
}

async function* walkAscii(src: FileSource, header: PlyHeader, range: WalkRange): AsyncGenerator<void> {
  let e = range.element;
  let i = 0;
  const valuesFor = new Map<number, RecordValues>();
  let lastLine = range.start.line - 1;
  let lastEnd = range.start.byte;
  // Elements with zero records start (and end) wherever the next line is.
  const skipFinished = (at: Position): void => {
    while (e < range.until && i >= header.elements[e]!.count) {
      e++;
      i = 0;
      if (e < range.until && header.elements[e]!.count === 0) range.onElementStart?.(e, at);
    }
  };
  if (e < range.until && header.elements[e]!.count === 0) range.onElementStart?.(e, range.start);
  skipFinished(range.start);
  if (e >= range.until) return;
  for await (const block of readLines(src, range.start.byte, range.start.line)) {
    for (let j = 0; j < block.lines.length; j++) {
      const line = block.firstLine + j;
      const at: Position = { byte: block.offsets[j]!, line };
      skipFinished(at);
      if (e >= range.until) return;
      const text = block.lines[j]!;
      lastLine = line;
      lastEnd = at.byte + Buffer.byteLength(text) + 1;
      const tokens = splitWhitespace(text);
      if (tokens.length === 0) continue; // tolerate blank lines between records
      const el = header.elements[e]!;
      if (i === 0) range.onElementStart?.(e, at);
      let values = valuesFor.get(e);
      if (!values) valuesFor.set(e, (values = newRecordValues(el)));
      const problem = decodeAsciiRecord(tokens, el, values);
      if (problem !== null) throw new BadInputError(src.name, `element "${el.name}" record ${i}: ${problem}`, { line });
      range.visitors[e]?.(values, i, at);
      i++;
    }
    yield;
  }
  skipFinished({ byte: Math.min(lastEnd, src.size), line: lastLine + 1 });
  if (e < range.until) {
    const el = header.elements[e]!;
    throw new BadInputError(src.name, `file ends after ${i} of ${el.count} "${el.name}" records (truncated file or lying count)`, {
      line: lastLine + 1,
    });
  }
}
