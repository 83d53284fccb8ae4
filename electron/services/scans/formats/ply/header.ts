import { BadInputError } from '../../../errors';

/** PLY scalar types by their canonical (sized) names, which coincide with the model's AttributeType. */
export type PlyScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** Both spellings the PLY spec allows: the original C names and the sized names. */
const TYPE_NAMES: Record<string, PlyScalarType> = {
  char: 'int8',
  int8: 'int8',
  uchar: 'uint8',
  uint8: 'uint8',
  short: 'int16',
  int16: 'int16',
  ushort: 'uint16',
  uint16: 'uint16',
  int: 'int32',
  int32: 'int32',
  uint: 'uint32',
  uint32: 'uint32',
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
};

export const SCALAR_BYTES: Record<PlyScalarType, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

export function isIntegerType(t: PlyScalarType): boolean {
  return t !== 'float32' && t !== 'float64';
}

export interface PlyScalarProperty {
  kind: 'scalar';
  name: string;
  type: PlyScalarType;
}

export interface PlyListProperty {
  kind: 'list';
  name: string;
  countType: PlyScalarType;
  itemType: PlyScalarType;
}

export type PlyProperty = PlyScalarProperty | PlyListProperty;

export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
}

export type PlyEncoding = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

export interface PlyHeader {
  encoding: PlyEncoding;
  version: string;
  comments: string[];
  objInfo: string[];
  elements: PlyElement[];
  /** `comment TextureFile <name>` entries, in order: texnumber indexes this list. */
  textureFiles: string[];
  /** Byte offset of the first data byte (just after "end_header\n"). */
  dataOffset: number;
  /** Number of header lines; ascii data starts on line headerLines + 1. */
  headerLines: number;
}

/** The header must end within this many bytes; a larger one means this is not a PLY header. */
export const MAX_HEADER_BYTES = 1 << 20;

export function sniffPly(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x70 && head[1] === 0x6c && head[2] === 0x79 && (head[3] === 0x0a || head[3] === 0x0d);
}

/** Offset just past the "end_header" line, or -1 when `head` does not contain it. */
export function findHeaderEnd(head: Uint8Array): number {
  const marker = Buffer.from('end_header');
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  for (let at = buf.indexOf(marker); at !== -1; at = buf.indexOf(marker, at + 1)) {
    // Must start a line and be followed by the line end.
    if (at > 0 && buf[at - 1] !== 0x0a) continue;
    let end = at + marker.length;
    while (buf[end] === 0x20 || buf[end] === 0x09) end++;
    if (buf[end] === 0x0d) end++;
    if (buf[end] === 0x0a) return end + 1;
    if (end >= buf.length) return -1;
  }
  return -1;
}

/** Parses the header text (everything before `dataOffset`). `file` names the file in errors. */
export function parsePlyHeader(text: string, dataOffset: number, file: string): PlyHeader {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  const fail = (line: number, msg: string): never => {
    throw new BadInputError(file, msg, { line });
  };
  if (lines[0]?.trim() !== 'ply') fail(1, 'not a PLY file: the first line must be "ply"');
  let encoding: PlyEncoding | null = null;
  let version = '';
  const comments: string[] = [];
  const objInfo: string[] = [];
  const textureFiles: string[] = [];
  const elements: PlyElement[] = [];
  let sawEnd = false;
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const words = raw.trim().split(/\s+/);
    const keyword = words[0] ?? '';
    if (keyword === '') continue;
    if (keyword === 'comment') {
      const body = raw.trim().slice('comment'.length).trim();
      comments.push(body);
      const tex = /^TextureFile\s+(.+)$/i.exec(body);
      if (tex) textureFiles.push(tex[1]!.trim());
    } else if (keyword === 'obj_info') {
      objInfo.push(raw.trim().slice('obj_info'.length).trim());
    } else if (keyword === 'format') {
      if (encoding !== null) fail(lineNo, 'second "format" line');
      const enc = words[1];
      if (enc !== 'ascii' && enc !== 'binary_little_endian' && enc !== 'binary_big_endian') {
        fail(lineNo, `unknown PLY format "${enc ?? ''}" (expected ascii, binary_little_endian or binary_big_endian)`);
      }
      encoding = enc as PlyEncoding;
      version = words[2] ?? '';
      if (version !== '1.0') fail(lineNo, `unsupported PLY version "${version}" (expected 1.0)`);
    } else if (keyword === 'element') {
      if (words.length !== 3) fail(lineNo, 'expected "element <name> <count>"');
      const count = parseCount(words[2]!);
      if (count === null) fail(lineNo, `element count "${words[2]!}" is not a non-negative integer`);
      if (elements.some((e) => e.name === words[1])) fail(lineNo, `element "${words[1]!}" is declared twice`);
      elements.push({ name: words[1]!, count: count!, properties: [] });
    } else if (keyword === 'property') {
      const element = elements[elements.length - 1];
      if (!element) fail(lineNo, 'property before any element');
      const prop = parseProperty(words, (msg) => fail(lineNo, msg));
      if (element!.properties.some((p) => p.name === prop.name)) {
        fail(lineNo, `property "${prop.name}" is declared twice in element "${element!.name}"`);
      }
      element!.properties.push(prop);
    } else if (keyword === 'end_header') {
      sawEnd = true;
      break;
    } else {
      fail(lineNo, `unexpected header line ${JSON.stringify(raw.trim().slice(0, 60))}`);
    }
  }
  if (!sawEnd) fail(lines.length, 'header has no end_header line');
  if (encoding === null) fail(2, 'header has no "format" line');
  return { encoding: encoding!, version, comments, objInfo, elements, textureFiles, dataOffset, headerLines: countLines(text) };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function parseCount(word: string): number | null {
  if (!/^\d+$/.test(word)) return null;
  const n = Number(word);
  return Number.isSafeInteger(n) ? n : null;
}

function scalarType(name: string | undefined, fail: (msg: string) => never): PlyScalarType {
  const t = name === undefined ? undefined : TYPE_NAMES[name];
  if (t === undefined) return fail(`unknown property type "${name ?? ''}"`);
  return t;
}

function parseProperty(words: string[], fail: (msg: string) => never): PlyProperty {
  if (words[1] === 'list') {
    if (words.length !== 5) fail('expected "property list <count type> <item type> <name>"');
    const countType = scalarType(words[2], fail);
    if (!isIntegerType(countType)) fail(`list count type "${words[2]!}" must be an integer type`);
    return { kind: 'list', countType, itemType: scalarType(words[3], fail), name: words[4]! };
  }
  if (words.length !== 3) fail('expected "property <type> <name>"');
  return { kind: 'scalar', type: scalarType(words[1], fail), name: words[2]! };
}
