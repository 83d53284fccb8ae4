import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BadInputError } from '../errors';
import type { Scan } from '../scans/model';

/**
 * Ground truth for the simulated annotator: a per-point value from the scan (LAS classification,
 * an extra-bytes field such as lidR's treeID, a PLY/PCD label field, a label layer) or from a
 * side file of one uint8 per point (the ISPRS filter test's derived ground flags).
 *
 * Values that are not finite or beyond +-2^53 mean "no value" (lidR writes DBL_MAX for points
 * outside every tree) and are treated like --ignore values: not scored, never clicked.
 */
export function gtValuesFromScan(scan: Scan, attr: string): Float64Array {
  const a = scan.attributes.find((x) => x.name === attr) ?? scan.attributes.find((x) => x.name.toLowerCase() === attr.toLowerCase());
  if (a) {
    if (a.components !== 1)
      throw new BadInputError(scan.name, `attribute "${a.name}" has ${a.components} components; ground truth needs one value per point`);
    return Float64Array.from(a.values);
  }
  const layer = scan.labelLayers.find((l) => l.name === attr && l.target === 'points');
  if (layer) return Float64Array.from(layer.values);
  const names = [
    ...scan.attributes.filter((x) => x.components === 1).map((x) => x.name),
    ...scan.labelLayers.filter((l) => l.target === 'points').map((l) => l.name),
  ];
  throw new BadInputError(scan.name, `no per-point attribute "${attr}" (has: ${[...new Set(names)].join(', ') || 'none'})`);
}

/** One uint8 per point, in the scan's point order. */
export async function gtValuesFromU8File(path: string, pointCount: number): Promise<Float64Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BadInputError(basename(path), code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`);
  }
  if (bytes.length !== pointCount)
    throw new BadInputError(
      basename(path),
      `holds ${bytes.length} values but the scan has ${pointCount} points (one uint8 per point expected)`,
    );
  return Float64Array.from(bytes);
}

export function isValue(v: number): boolean {
  return Number.isFinite(v) && Math.abs(v) <= 2 ** 53;
}

export interface SemanticTruth {
  /** Raw value of each class index, ascending. */
  values: number[];
  /** Points per class index, and share of the non-ignored points. */
  counts: number[];
  shares: number[];
  /** Class indices scored and clicked: not ignored, share >= min share. */
  scored: number[];
  /** Per point: class index when scored, else -1. */
  classOf: Int32Array;
  /** Per point: class index of every non-ignored value (rare classes too), else -1: the all-class figures. */
  anyClassOf: Int32Array;
  ignoredPoints: number;
}

export interface TruthOptions {
  ignore?: readonly number[];
  /** Classes with fewer than this share of the non-ignored points are not scored nor clicked. */
  minClassShare?: number;
}

export function semanticTruth(raw: Float64Array, options: TruthOptions = {}): SemanticTruth {
  const ignore = new Set(options.ignore ?? []);
  const n = raw.length;
  const count = new Map<number, number>();
  let ignoredPoints = 0;
  for (let p = 0; p < n; p++) {
    const v = raw[p]!;
    if (!isValue(v) || ignore.has(v)) ignoredPoints++;
    else count.set(v, (count.get(v) ?? 0) + 1);
  }
  const values = [...count.keys()].sort((a, b) => a - b);
  if (values.length > 0xfffe) throw new Error(`ground truth has ${values.length} distinct values; at most 65534 classes are supported`);
  const index = new Map(values.map((v, i) => [v, i]));
  const counts = values.map((v) => count.get(v)!);
  const kept = n - ignoredPoints;
  const shares = counts.map((c) => (kept > 0 ? c / kept : 0));
  const minShare = options.minClassShare ?? 0;
  const scored = values.map((_, i) => i).filter((i) => shares[i]! >= minShare);
  const isScored = new Uint8Array(values.length);
  for (const c of scored) isScored[c] = 1;
  const classOf = new Int32Array(n).fill(-1);
  const anyClassOf = new Int32Array(n).fill(-1);
  for (let p = 0; p < n; p++) {
    const c = index.get(raw[p]!);
    if (c === undefined) continue;
    anyClassOf[p] = c;
    if (isScored[c]) classOf[p] = c;
  }
  return { values, counts, shares, scored, classOf, anyClassOf, ignoredPoints };
}

export interface InstanceTruth {
  /** Raw instance value of each object, ascending. */
  values: number[];
  /** Points of each object, ascending. */
  members: Int32Array[];
  /** Objects left out for having fewer than minPoints points. */
  skippedSmall: number;
}

/**
 * Objects from an instance attribute: every distinct value not ignored (and not "no value"), with
 * at least `minPoints` points; `maxObjects` keeps an evenly spaced subset of them (by value order).
 */
export function instanceTruth(
  raw: Float64Array,
  options: { ignore?: readonly number[]; minPoints?: number; maxObjects?: number } = {},
): InstanceTruth {
  const ignore = new Set(options.ignore ?? []);
  const lists = new Map<number, number[]>();
  for (let p = 0; p < raw.length; p++) {
    const v = raw[p]!;
    if (!isValue(v) || ignore.has(v)) continue;
    let l = lists.get(v);
    if (!l) lists.set(v, (l = []));
    l.push(p);
  }
  const minPoints = options.minPoints ?? 1;
  const all = [...lists.keys()].sort((a, b) => a - b);
  let values = all.filter((v) => lists.get(v)!.length >= minPoints);
  const skippedSmall = all.length - values.length;
  const max = options.maxObjects;
  if (max !== undefined && max > 0 && values.length > max)
    values = Array.from({ length: max }, (_, i) => values[Math.floor((i * values.length) / max)]!);
  return { values, members: values.map((v) => Int32Array.from(lists.get(v)!)), skippedSmall };
}
