import { BadInputError } from '../../../errors';
import type { LabelLayerData, ScanMesh } from '../../model';
import type { OpenOptions, PointChunk, ReadOptions, ScanInfo, ScanReader } from '../types';
import { BoundsAccumulator, checkedOrigin } from '../stream/bounds';
import { ChunkBuilder, chunkCapacity } from '../stream/chunkBuilder';
import { FileSource } from '../stream/fileSource';
import { isLabelName } from '../stream/labels';
import { quoteLine, readLines } from '../stream/lines';
import {
  DELIMITER_NAMES,
  allNumeric,
  cleanName,
  defaultRoles,
  detectDelimiter,
  isComment,
  parseField,
  rolesFromMapping,
  rolesFromNames,
  splitFields,
  usesDecimalComma,
} from './columns';
import type { ColumnRole, Delimiter } from './columns';
import { ColumnStats, resolvePlan } from './plan';
import type { ColumnPlan } from './plan';

/** How data lines are read, fixed by the first pass. */
interface LineFormat {
  delimiter: Delimiter;
  decimalComma: boolean;
  columnCount: number;
  /** Columns that must parse as numbers (all of them unless an explicit mapping ignores some). */
  used: boolean[];
  dataStart: { byte: number; line: number };
}

const DELIMITER_OPTION: Record<string, Delimiter> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\t': '\t',
  tab: '\t',
  ' ': ' ',
  space: ' ',
  whitespace: ' ',
};

export async function openXyz(path: string, options: OpenOptions = {}): Promise<ScanReader> {
  const src = await FileSource.open(path);
  try {
    return await XyzReader.create(src, options);
  } catch (e) {
    await src.close();
    throw e;
  }
}

/**
 * Parses one data line into `values` (NaN at unused columns). Returns null or what is wrong.
 */
function parseLine(trimmed: string, fmt: LineFormat, values: Float64Array): string | null {
  const tokens = splitFields(trimmed, fmt.delimiter);
  if (tokens.length !== fmt.columnCount) {
    return `expected ${fmt.columnCount} columns separated by ${DELIMITER_NAMES[fmt.delimiter]}, found ${tokens.length}`;
  }
  for (let c = 0; c < tokens.length; c++) {
    if (!fmt.used[c]) {
      values[c] = NaN;
      continue;
    }
    const v = parseField(tokens[c]!, fmt.decimalComma);
    if (v === undefined) return `column ${c + 1} is not a number`;
    values[c] = v;
  }
  return null;
}

/** Header names from a comment line just above the data ("//X,Y,Z,R,G,B" from CloudCompare). */
function namesFromComment(comment: string | null, fmt: { delimiter: Delimiter; columnCount: number }): string[] | null {
  if (comment === null) return null;
  const names = splitFields(cleanName(comment), fmt.delimiter).map(cleanName);
  const lower = names.map((n) => n.toLowerCase());
  const hasAxes = ['x', 'y', 'z'].every((a) => lower.includes(a));
  return names.length === fmt.columnCount && hasAxes && !allNumeric(names, false) ? names : null;
}

class XyzReader implements ScanReader {
  private constructor(
    private readonly src: FileSource,
    private readonly fmt: LineFormat,
    private readonly plan: ColumnPlan,
    readonly info: ScanInfo,
  ) {}

  get path(): string {
    return this.src.path;
  }

  static async create(src: FileSource, options: OpenOptions): Promise<XyzReader> {
    let forced: Delimiter | undefined;
    if (options.delimiter !== undefined) {
      forced = DELIMITER_OPTION[options.delimiter.toLowerCase()] ?? DELIMITER_OPTION[options.delimiter];
      if (forced === undefined) throw new BadInputError(src.name, `unsupported delimiter option ${JSON.stringify(options.delimiter)}`);
    }
    let fmt: LineFormat | null = null;
    let roles: (ColumnRole | null)[] = [];
    let header: string[] | null = null;
    let headerText: string | null = null;
    let lastComment: string | null = null;
    let stats: ColumnStats[] = [];
    let values = new Float64Array(0);
    const bounds = new BoundsAccumulator();
    let plan: ColumnPlan | null = null;

    for await (const block of readLines(src, 0, 1)) {
      for (let j = 0; j < block.lines.length; j++) {
        const line = block.firstLine + j;
        const text = line === 1 ? block.lines[j]!.replace(/^\uFEFF/, '') : block.lines[j]!;
        const trimmed = text.trim();
        if (trimmed === '') continue;
        if (isComment(trimmed)) {
          lastComment = trimmed;
          continue;
        }
        if (fmt === null) {
          const delimiter = forced ?? detectDelimiter(trimmed);
          const decimalComma = usesDecimalComma(trimmed, delimiter);
          const tokens = splitFields(trimmed, delimiter);
          // with an explicit mapping only the mapped columns must be numbers (others may hold names, ids...)
          if (options.columns) {
            const mapped = rolesFromMapping(options.columns, tokens.length);
            if (typeof mapped === 'string') throw new BadInputError(src.name, mapped, { line });
          }
          const mappedColumns = options.columns ? Object.values(options.columns) : null;
          const numeric = mappedColumns
            ? mappedColumns.every((c) => tokens[c] !== undefined && parseField(tokens[c], decimalComma) !== undefined)
            : allNumeric(tokens, decimalComma);
          if (!numeric) {
            if (header !== null || tokens.length < 3) {
              throw new BadInputError(src.name, `expected numeric x y z columns: ${quoteLine(text)}`, { line });
            }
            headerText = trimmed;
            header = tokens.map(cleanName);
            continue;
          }
          if (tokens.length < 3) throw new BadInputError(src.name, `expected at least 3 columns (x y z): ${quoteLine(text)}`, { line });
          const columnCount = tokens.length;
          // the data line decides the delimiter; split the header row the same way
          if (headerText !== null) header = splitFields(headerText, delimiter).map(cleanName);
          if (header !== null && header.length !== columnCount) {
            throw new BadInputError(src.name, `header names ${header.length} columns but data lines have ${columnCount}`, { line });
          }
          header ??= namesFromComment(lastComment, { delimiter, columnCount });
          if (options.columns) {
            const mapped = rolesFromMapping(options.columns, columnCount);
            if (typeof mapped === 'string') throw new BadInputError(src.name, mapped, { line });
            roles = mapped;
          } else {
            roles = header ? rolesFromNames(header) : defaultRoles(columnCount);
          }
          fmt = {
            delimiter,
            decimalComma,
            columnCount,
            used: roles.map((r) => r !== null),
            dataStart: { byte: block.offsets[j]!, line },
          };
          stats = roles.map(() => new ColumnStats());
          values = new Float64Array(columnCount);
          plan = resolvePlan(roles, stats); // positions only; attributes are resolved after the pass
        }
        const problem = parseLine(trimmed, fmt, values);
        if (problem !== null) throw new BadInputError(src.name, `${problem}: ${quoteLine(text)}`, { line });
        const x = values[plan!.x]!;
        const y = values[plan!.y]!;
        const z = values[plan!.z]!;
        if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
          throw new BadInputError(src.name, `non-finite coordinate: ${quoteLine(text)}`, { line });
        }
        bounds.add(x, y, z);
        for (let c = 0; c < stats.length; c++) if (fmt.used[c]) stats[c]!.add(values[c]!);
      }
    }
    if (fmt === null) throw new BadInputError(src.name, 'no data lines (expected lines of x y z numbers)', { byte: 0 });
    const finalPlan = resolvePlan(roles, stats);
    const { min, max } = bounds.result();
    const details: ScanInfo['details'] = {
      delimiter: DELIMITER_NAMES[fmt.delimiter],
      columns: fmt.columnCount,
      header: header !== null,
    };
    if (header) details.columnNames = header.join(' ');
    if (fmt.decimalComma) details.decimalComma = true;
    const info: ScanInfo = {
      format: 'xyz',
      version: '',
      pointCount: bounds.count,
      faceCount: 0,
      boundsMin: min,
      boundsMax: max,
      origin: checkedOrigin(src.name, min, max),
      attributes: finalPlan.attributes.map((a) => a.info),
      crs: null,
      details,
      source: {
        format: 'xyz',
        delimiter: fmt.delimiter,
        decimalComma: fmt.decimalComma,
        columnNames: header,
        columns: finalPlan.attributes.map((a) => ({ name: a.info.name, columns: a.columns })),
        xyzColumns: [finalPlan.x, finalPlan.y, finalPlan.z],
      },
    };
    return new XyzReader(src, fmt, finalPlan, info);
  }

  async *chunks(options: ReadOptions = {}): AsyncIterable<PointChunk> {
    const { fmt, plan } = this;
    if (this.info.pointCount === 0) return;
    const builder = new ChunkBuilder(this.info.origin, this.info.attributes, chunkCapacity(options.chunkPoints));
    const values = new Float64Array(fmt.columnCount);
    for await (const block of readLines(this.src, fmt.dataStart.byte, fmt.dataStart.line)) {
      for (let j = 0; j < block.lines.length; j++) {
        const text = block.lines[j]!;
        const trimmed = text.trim();
        if (trimmed === '' || isComment(trimmed)) continue;
        const problem = parseLine(trimmed, fmt, values);
        if (problem !== null) throw new BadInputError(this.src.name, `${problem}: ${quoteLine(text)}`, { line: block.firstLine + j });
        const i = builder.push(values[plan.x]!, values[plan.y]!, values[plan.z]!);
        const columns = builder.columns;
        plan.attributes.forEach((a, k) => {
          const column = columns[k]!;
          const n = a.columns.length;
          for (let c = 0; c < n; c++) {
            const v = values[a.columns[c]!]!;
            column[i * n + c] = a.convert ? a.convert(v) : v;
          }
        });
      }
      yield* builder.drain(options.signal);
    }
    builder.flush();
    yield* builder.drain(options.signal);
  }

  async mesh(): Promise<ScanMesh | null> {
    return null;
  }

  labelAttributes(): { name: string; attribute: string; target: LabelLayerData['target'] }[] {
    return this.info.attributes
      .filter((a) => a.components === 1 && isLabelName(a.name))
      .map((a) => ({ name: a.name, attribute: a.name, target: 'points' as const }));
  }

  close(): Promise<void> {
    return this.src.close();
  }
}

/** True when the first data line of `head` is plain numbers (3+ columns) and the bytes are text. */
export function sniffXyz(head: Uint8Array): boolean {
  const n = Math.min(head.length, 4096);
  for (let i = 0; i < n; i++) if (head[i] === 0) return false;
  const lines = Buffer.from(head.buffer, head.byteOffset, n).toString('latin1').split('\n');
  // the last line may be cut off by the head boundary
  for (const raw of lines.slice(0, -1)) {
    const t = raw.trim();
    if (t === '' || isComment(t)) continue;
    const delimiter = detectDelimiter(t);
    const tokens = splitFields(t, delimiter);
    if (allNumeric(tokens, usesDecimalComma(t, delimiter))) return tokens.length >= 3;
    // a header row: accept only when the next content line is numeric
    if (!/^[A-Za-z_"'/ ,;\t]+$/.test(t)) return false;
  }
  return false;
}
