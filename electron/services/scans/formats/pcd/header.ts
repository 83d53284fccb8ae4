import type { AttributeType } from '../../../../../common/contracts/scans';
import { BadInputError } from '../../../errors';

export type PcdDataKind = 'ascii' | 'binary' | 'binary_compressed';

export interface PcdField {
  name: string;
  /** Bytes per component. */
  size: number;
  type: 'F' | 'I' | 'U';
  count: number;
  /** Byte offset of the field within a binary record. */
  offset: number;
  /** How the values are kept in the model (64-bit integers become float64). */
  attributeType: AttributeType;
}

export interface PcdHeader {
  version: string;
  fields: PcdField[];
  width: number;
  height: number;
  points: number;
  viewpoint: number[];
  data: PcdDataKind;
  /** Bytes per point in binary records (sum of size * count). */
  pointSize: number;
  /** Byte offset just after the DATA line. */
  dataOffset: number;
  /** Number of header lines; ascii data starts on line headerLines + 1. */
  headerLines: number;
}

export const MAX_HEADER_BYTES = 1 << 16;

const TYPES: Record<string, AttributeType> = {
  F4: 'float32',
  F8: 'float64',
  I1: 'int8',
  I2: 'int16',
  I4: 'int32',
  U1: 'uint8',
  U2: 'uint16',
  U4: 'uint32',
  // The model has no 64-bit integers; doubles hold them exactly up to 2^53.
  I8: 'float64',
  U8: 'float64',
};

const KEYWORDS = ['VERSION', 'FIELDS', 'COLUMNS', 'SIZE', 'TYPE', 'COUNT', 'WIDTH', 'HEIGHT', 'VIEWPOINT', 'POINTS', 'DATA'];

/** PCD files start with a "# .PCD" comment or directly with a header keyword. */
export function sniffPcd(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 256)).toString('latin1');
  if (/^#\s*\.PCD/i.test(text)) return true;
  const first = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'));
  return first !== undefined && /^(VERSION|FIELDS)\s/.test(first);
}

/** Offset just past the DATA line and the number of header lines, or null when `head` has no DATA line. */
export function findPcdHeaderEnd(head: Uint8Array): { end: number; lines: number } | null {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  let start = 0;
  for (let lines = 1; start < buf.length; lines++) {
    const nl = buf.indexOf(10, start);
    if (nl === -1) return null;
    if (buf.toString('latin1', start, Math.min(nl, start + 5)) === 'DATA ') return { end: nl + 1, lines };
    start = nl + 1;
  }
  return null;
}

function positiveInt(word: string | undefined): number | null {
  if (word === undefined || !/^\d+$/.test(word)) return null;
  const n = Number(word);
  return Number.isSafeInteger(n) ? n : null;
}

export function parsePcdHeader(text: string, dataOffset: number, headerLines: number, file: string): PcdHeader {
  const values = new Map<string, { words: string[]; line: number }>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    const key = words[0]!.toUpperCase();
    if (!KEYWORDS.includes(key)) throw new BadInputError(file, `unknown PCD header keyword "${words[0]!.slice(0, 40)}"`, { line: i + 1 });
    if (values.has(key)) throw new BadInputError(file, `header keyword ${key} appears twice`, { line: i + 1 });
    values.set(key, { words: words.slice(1), line: i + 1 });
  });
  const fail = (key: string, msg: string): never => {
    throw new BadInputError(file, msg, { line: values.get(key)?.line ?? headerLines });
  };

  const names = (values.get('FIELDS') ?? values.get('COLUMNS'))?.words;
  if (!names || names.length === 0) return fail('FIELDS', 'header has no FIELDS line');
  const n = names.length;
  const dataWord = values.get('DATA')?.words[0]?.toLowerCase();
  if (dataWord !== 'ascii' && dataWord !== 'binary' && dataWord !== 'binary_compressed') {
    return fail('DATA', `DATA must be ascii, binary or binary_compressed, not "${dataWord ?? ''}"`);
  }
  const data: PcdDataKind = dataWord;
  const list = (key: string, fallback: string[] | null): string[] => {
    const words = values.get(key)?.words ?? fallback;
    if (words === null) return fail(key, `header has no ${key} line`);
    if (words.length !== n) fail(key, `${key} has ${words.length} entries for ${n} fields`);
    return words;
  };
  // v0.5 ascii files may omit SIZE/TYPE: their values are plain floats.
  const bare = data === 'ascii' && !values.has('SIZE') && !values.has('TYPE');
  const sizes = list('SIZE', bare ? names.map(() => '4') : null);
  const types = list('TYPE', bare ? names.map(() => 'F') : null);
  const counts = list(
    'COUNT',
    names.map(() => '1'),
  );

  const fields: PcdField[] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const size = positiveInt(sizes[i]);
    const type = types[i]!.toUpperCase();
    const count = positiveInt(counts[i]);
    const attributeType = TYPES[`${type}${size ?? ''}`];
    if (size === null || attributeType === undefined)
      fail('TYPE', `field "${names[i]!}" has unsupported TYPE ${types[i]!} SIZE ${sizes[i]!}`);
    if (count === null || count === 0) fail('COUNT', `field "${names[i]!}" has invalid COUNT "${counts[i]!}"`);
    fields.push({ name: names[i]!, size: size!, type: type as PcdField['type'], count: count!, offset, attributeType: attributeType! });
    offset += size! * count!;
  }

  const pointsWord = values.get('POINTS')?.words[0];
  const points = pointsWord === undefined ? null : positiveInt(pointsWord);
  if (pointsWord !== undefined && points === null) fail('POINTS', `POINTS "${pointsWord}" is not a non-negative integer`);
  const widthWord = values.get('WIDTH')?.words[0];
  const width = widthWord === undefined ? points : positiveInt(widthWord);
  if (width === null) return fail('WIDTH', 'header needs WIDTH or POINTS as a non-negative integer');
  const heightWord = values.get('HEIGHT')?.words[0];
  const height = heightWord === undefined ? 1 : positiveInt(heightWord);
  if (height === null) return fail('HEIGHT', `HEIGHT "${heightWord ?? ''}" is not a non-negative integer`);
  const total = width * height;
  if (points !== null && points !== total) fail('POINTS', `POINTS ${points} does not equal WIDTH x HEIGHT = ${total}`);
  const viewpoint = (values.get('VIEWPOINT')?.words ?? []).map(Number);
  if (viewpoint.some((v) => !Number.isFinite(v))) fail('VIEWPOINT', 'VIEWPOINT has non-numeric values');

  return {
    version: values.get('VERSION')?.words[0] ?? '',
    fields,
    width,
    height,
    points: total,
    viewpoint,
    data,
    pointSize: offset,
    dataOffset,
    headerLines,
  };
}
