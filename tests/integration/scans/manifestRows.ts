import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const dataDir = path.resolve(repoRoot, '../shared/data');

export interface ManifestRow {
  /** Path relative to shared/data. */
  file: string;
  format: string;
  /** "points / faces" column: plain count, or per-element counts for PLY ("vertex 1,110, face 1,973"). */
  points: number;
  elements: Record<string, number>;
  attributes: string;
}

const num = (s: string): number => Number(s.replace(/,/g, ''));

/** Rows of the shared data MANIFEST.md tables for files with one of `extensions`. */
export function manifestRows(extensions: string[]): ManifestRow[] {
  const text = readFileSync(path.join(dataDir, 'MANIFEST.md'), 'utf8');
  const rows: ManifestRow[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const file = /^`(.+)`$/.exec(cells[1] ?? '')?.[1];
    if (!file || !extensions.some((e) => file.toLowerCase().endsWith(e)) || cells.length < 8) continue;
    const counts = cells[6]!;
    const elements: Record<string, number> = {};
    for (const m of counts.matchAll(/([a-z_]+) ([\d,]+)/g)) elements[m[1]!] = num(m[2]!);
    rows.push({ file, format: cells[5]!, points: elements.vertex ?? num(counts), elements, attributes: cells[7]! });
  }
  return rows;
}
