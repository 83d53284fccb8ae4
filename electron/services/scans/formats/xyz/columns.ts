import { parseNumber } from '../stream/numbers';

/** Field separators we detect; ' ' stands for any run of spaces and tabs. */
export type Delimiter = ',' | ';' | '\t' | ' ';

export const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', ' ': 'space' };

export function isComment(trimmed: string): boolean {
  return trimmed.startsWith('#') || trimmed.startsWith('//');
}

/** Picks the separator of a data or header line: explicit separators beat whitespace. */
export function detectDelimiter(line: string): Delimiter {
  if (line.includes(';')) return ';';
  if (line.includes(',')) return ',';
  if (line.includes('\t')) return '\t';
  return ' ';
}

export function splitFields(line: string, delimiter: Delimiter): string[] {
  const t = line.trim();
  if (t === '') return [];
  if (delimiter === ' ' || delimiter === '\t') return t.split(/[ \t]+/);
  return t.split(delimiter).map((f) => f.trim());
}

/** Numbers written with a decimal comma ("1,5;2,5") in semicolon or whitespace separated files. */
export function usesDecimalComma(line: string, delimiter: Delimiter): boolean {
  return delimiter !== ',' && /\d,\d/.test(line) && !line.includes('.');
}

export function parseField(token: string, decimalComma: boolean): number | undefined {
  return parseNumber(decimalComma ? token.replace(',', '.') : token);
}

export function allNumeric(tokens: string[], decimalComma: boolean): boolean {
  return tokens.length > 0 && tokens.every((t) => parseField(t, decimalComma) !== undefined);
}

/** What a column (or group of columns) becomes. */
export type ColumnKind = 'x' | 'y' | 'z' | 'color' | 'normal' | 'intensity' | 'classification' | 'scalar';

export interface ColumnRole {
  kind: ColumnKind;
  /** Component within color/normal groups. */
  component: number;
  /** Attribute name for scalars. */
  name: string;
}

const NAME_ROLES: Record<string, [ColumnKind, number]> = {
  x: ['x', 0],
  y: ['y', 0],
  z: ['z', 0],
  r: ['color', 0],
  red: ['color', 0],
  g: ['color', 1],
  green: ['color', 1],
  b: ['color', 2],
  blue: ['color', 2],
  nx: ['normal', 0],
  ny: ['normal', 1],
  nz: ['normal', 2],
  normal_x: ['normal', 0],
  normal_y: ['normal', 1],
  normal_z: ['normal', 2],
  intensity: ['intensity', 0],
  i: ['intensity', 0],
  classification: ['classification', 0],
  class: ['classification', 0],
  label: ['classification', 0],
};

/** Header names as written, without comment markers or quotes: "//X" -> "X", "\"red\"" -> "red". */
export function cleanName(name: string): string {
  return name
    .replace(/^\/\/+|^#+/, '')
    .replace(/^["']|["']$/g, '')
    .trim();
}

function roleFor(name: string, column: number): ColumnRole {
  const known = NAME_ROLES[name.toLowerCase()];
  if (known) return { kind: known[0], component: known[1], name };
  return { kind: 'scalar', component: 0, name: name === '' ? `column_${column + 1}` : name };
}

/** Roles from header names; missing x/y/z fall back to the first three columns. */
export function rolesFromNames(names: string[]): ColumnRole[] {
  const seen = new Set<string>();
  const roles = names.map((n, i) => {
    const role = roleFor(cleanName(n), i);
    // a repeated x/y/z/intensity/... column is kept as a plain scalar
    const key = `${role.kind}:${role.component}`;
    if (role.kind !== 'scalar' && seen.has(key)) return { ...role, kind: 'scalar' as const, component: 0 };
    seen.add(key);
    return role;
  });
  for (const [k, axis] of (['x', 'y', 'z'] as const).entries()) {
    if (!roles.some((r) => r.kind === axis) && roles[k]) roles[k] = { kind: axis, component: 0, name: axis };
  }
  return completeGroups(roles);
}

/** Roles for numeric-only files: x y z, then the usual layouts (i | r g b | i r g b | r g b nx ny nz). */
export function defaultRoles(columnCount: number): ColumnRole[] {
  const extra: Record<number, string[]> = {
    4: ['intensity'],
    6: ['red', 'green', 'blue'],
    7: ['intensity', 'red', 'green', 'blue'],
    9: ['red', 'green', 'blue', 'nx', 'ny', 'nz'],
  };
  const names = ['x', 'y', 'z', ...(extra[columnCount] ?? [])];
  return Array.from({ length: columnCount }, (_, i) => roleFor(names[i] ?? '', i));
}

/** Roles from an explicit mapping { x: 0, y: 1, z: 2, intensity: 3, red: 4 ... }; unmapped columns are ignored. */
export function rolesFromMapping(mapping: Record<string, number>, columnCount: number): (ColumnRole | null)[] | string {
  const roles: (ColumnRole | null)[] = Array.from({ length: columnCount }, () => null);
  for (const [name, column] of Object.entries(mapping)) {
    if (!Number.isInteger(column) || column < 0 || column >= columnCount) {
      return `column mapping puts "${name}" at column ${column} but lines have ${columnCount} columns (0-based)`;
    }
    roles[column] = roleFor(name, column);
  }
  for (const axis of ['x', 'y', 'z']) {
    if (!roles.some((r) => r?.kind === axis)) return `column mapping has no "${axis}"`;
  }
  return completeGroups(roles);
}

/** A colour or normal needs all three channels; a partial group keeps its columns as plain scalars. */
function completeGroups<T extends ColumnRole | null>(roles: T[]): T[] {
  for (const kind of ['color', 'normal'] as const) {
    const comps = roles.filter((r) => r?.kind === kind).map((r) => r!.component);
    const complete = comps.length === 3 && new Set(comps).size === 3;
    if (!complete) {
      roles.forEach((r, i) => {
        if (r?.kind === kind) roles[i] = { kind: 'scalar', component: 0, name: r.name } as T;
      });
    }
  }
  return roles;
}
