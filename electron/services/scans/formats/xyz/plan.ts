import type { AttributeInfo, AttributeType } from '../../../../../common/contracts/scans';
import type { ColumnRole } from './columns';

/** Per-column facts from the first pass, used to pick attribute types. */
export class ColumnStats {
  min = Infinity;
  max = -Infinity;
  integer = true;

  add(v: number): void {
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (this.integer && !Number.isInteger(v)) this.integer = false;
  }
}

export interface ResolvedAttribute {
  info: AttributeInfo;
  /** Source column of each component. */
  columns: number[];
  convert: ((v: number) => number) | null;
}

export interface ColumnPlan {
  x: number;
  y: number;
  z: number;
  attributes: ResolvedAttribute[];
}

const fits = (s: ColumnStats[], lo: number, hi: number): boolean => s.every((c) => c.integer && c.min >= lo && c.max <= hi);

/** Integers keep the narrowest fitting type; fractional values stay float64 (GPS time needs it). */
function scalarType(s: ColumnStats): AttributeType {
  if (fits([s], 0, 255)) return 'uint8';
  if (fits([s], 0, 65535)) return 'uint16';
  if (fits([s], -2147483648, 2147483647)) return 'int32';
  return 'float64';
}

/**
 * Turns column roles plus value statistics into attributes. Colours: 0..255 integers -> uint8,
 * 0..65535 -> uint16, fractions in 0..1 -> uint8 scaled; anything else is not a colour and stays as
 * three scalar columns under their names.
 */
export function resolvePlan(roles: (ColumnRole | null)[], stats: ColumnStats[]): ColumnPlan {
  const col = (kind: string): number => roles.findIndex((r) => r?.kind === kind);
  const attributes: ResolvedAttribute[] = [];
  const names = new Set<string>();
  const add = (name: string, type: AttributeType, columns: number[], convert: ResolvedAttribute['convert'] = null): void => {
    let unique = name;
    for (let k = 1; names.has(unique); k++) unique = `${name}_${k}`;
    names.add(unique);
    attributes.push({ info: { name: unique, type, components: columns.length }, columns, convert });
  };
  const group = (kind: 'color' | 'normal'): number[] =>
    [0, 1, 2].map((c) => roles.findIndex((r) => r?.kind === kind && r.component === c)).filter((i) => i >= 0);
  const asScalar = new Set<number>();

  const color = group('color');
  if (color.length === 3) {
    const s = color.map((i) => stats[i]!);
    if (fits(s, 0, 255)) add('color', 'uint8', color);
    else if (fits(s, 0, 65535)) add('color', 'uint16', color);
    else if (s.every((c) => c.min >= 0 && c.max <= 1)) add('color', 'uint8', color, (v) => Math.round(v * 255));
    else color.forEach((i) => asScalar.add(i));
  }
  const normal = group('normal');
  if (normal.length === 3) add('normal', 'float32', normal);

  roles.forEach((r, i) => {
    if (!r) return;
    const s = stats[i]!;
    if (r.kind === 'intensity') add('intensity', fits([s], 0, 65535) ? 'uint16' : 'float32', [i]);
    else if (r.kind === 'classification') {
      add('classification', fits([s], 0, 65535) ? 'uint16' : s.integer ? 'int32' : 'float32', [i]);
    } else if (r.kind === 'scalar' || asScalar.has(i)) add(r.name, scalarType(s), [i]);
  });
  return { x: col('x'), y: col('y'), z: col('z'), attributes };
}
