import { BadInputError } from '../../../errors';
import type { FileSource } from './fileSource';

/** A run of complete lines read from one block of the file. */
export interface LineBlock {
  lines: string[];
  /** 1-based line number of lines[0]. */
  firstLine: number;
  /** File byte offset where each line starts. */
  offsets: number[];
}

export interface LineOptions {
  blockBytes?: number;
  /** A longer line means binary data or a broken file; refuse it instead of buffering without bound. */
  maxLineBytes?: number;
}

/**
 * Streams the lines of a text file from `start` (a line start) in blocks, with line numbers and
 * byte offsets for error messages. Line ends may be LF or CRLF; the terminator is not included.
 */
export async function* readLines(src: FileSource, start: number, firstLine: number, options: LineOptions = {}): AsyncGenerator<LineBlock> {
  const blockBytes = options.blockBytes ?? 1 << 20;
  const maxLineBytes = options.maxLineBytes ?? 1 << 20;
  let pending: Buffer = Buffer.alloc(0);
  let pendingOffset = start;
  let offset = start;
  let lineNo = firstLine;
  while (offset < src.size) {
    const block = await src.read(offset, blockBytes);
    if (block.length === 0) break;
    offset += block.length;
    const data = pending.length > 0 ? Buffer.concat([pending, block]) : block;
    const lines: string[] = [];
    const offsets: number[] = [];
    const blockFirstLine = lineNo;
    let lineStart = 0;
    for (let nl = data.indexOf(10, 0); nl !== -1; nl = data.indexOf(10, lineStart)) {
      const end = nl > lineStart && data[nl - 1] === 13 ? nl - 1 : nl;
      lines.push(data.toString('utf8', lineStart, end));
      offsets.push(pendingOffset + lineStart);
      lineStart = nl + 1;
      lineNo++;
    }
    pending = data.subarray(lineStart);
    pendingOffset += lineStart;
    if (pending.length > maxLineBytes) {
      throw new BadInputError(src.name, `line is longer than ${maxLineBytes} bytes (binary data in a text file?)`, { line: lineNo });
    }
    if (lines.length > 0) yield { lines, firstLine: blockFirstLine, offsets };
  }
  if (pending.length > 0) {
    const end = pending[pending.length - 1] === 13 ? pending.length - 1 : pending.length;
    yield { lines: [pending.toString('utf8', 0, end)], firstLine: lineNo, offsets: [pendingOffset] };
  }
}

/** Splits a text record on runs of spaces/tabs; an empty or blank line gives []. */
export function splitWhitespace(line: string): string[] {
  const t = line.trim();
  return t.length === 0 ? [] : t.split(/[ \t]+/);
}

/** The offending text for an error message: trimmed and cut so a binary line cannot flood the log. */
export function quoteLine(line: string, max = 80): string {
  const t = line.trim();
  return JSON.stringify(t.length > max ? `${t.slice(0, max)}...` : t);
}
