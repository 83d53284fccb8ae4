import { BadInputError } from '../../../errors';
import { child } from './xml';
import type { XmlElement } from './xml';

/**
 * Turns the E57 XML tree into plain descriptions of the /data3D scans: where each scan's binary
 * section is, the prototype's stored fields in bytestream order, the pose and the limits used to
 * normalise colour and intensity.
 */

export type FieldEncoding =
  | { kind: 'float'; bytes: 4 | 8 }
  /** IntegerNode and ScaledIntegerNode: `bits` wide unsigned values, raw = stored + minimum. */
  | { kind: 'integer'; bits: number; minimum: number; maximum: number; scale: number; offset: number };

export interface FieldDesc {
  /** Prototype path, '/'-joined for nested structures: 'cartesianX', 'colorRed'. */
  name: string;
  encoding: FieldEncoding;
}

export interface Pose {
  /** Unit quaternion w, x, y, z. */
  rotation: [number, number, number, number];
  translation: [number, number, number];
}

export interface Limits {
  min: number;
  max: number;
}

export interface ScanDesc {
  index: number;
  name: string;
  /** Physical offset of the CompressedVector binary section header. */
  fileOffset: number;
  recordCount: number;
  fields: FieldDesc[];
  pose: Pose;
  cartesianBounds: { min: [number, number, number]; max: [number, number, number] } | null;
  colorLimits: [Limits, Limits, Limits] | null;
  intensityLimits: Limits | null;
}

export interface E57Description {
  guid: string;
  library: string;
  scans: ScanDesc[];
  images2D: number;
  coordinateMetadata: string;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

class Describer {
  constructor(
    private readonly file: string,
    private readonly xmlOffset: number,
  ) {}

  fail(detail: string): never {
    throw new BadInputError(this.file, `XML section (at byte ${this.xmlOffset}): ${detail}`, { byte: this.xmlOffset });
  }

  number(text: string, where: string): number {
    if (text === '') return 0; // E57 writers omit zero values: <versionMinor type="Integer"/>
    const value = Number(text);
    if (!Number.isFinite(value)) this.fail(`${where}: expected a number, got "${text.slice(0, 40)}"`);
    return value;
  }

  bigint(text: string | undefined, fallback: bigint, where: string): bigint {
    if (text === undefined || text === '') return fallback;
    if (!/^[+-]?\d+$/.test(text.trim())) this.fail(`${where}: expected an integer, got "${text.slice(0, 40)}"`);
    const value = BigInt(text.trim());
    if (value < INT64_MIN || value > INT64_MAX) this.fail(`${where}: ${text} does not fit in 64 bits`);
    return value;
  }

  /** Value of a numeric leaf (Integer, ScaledInteger or Float); `fallback` when absent. */
  leaf(parent: XmlElement | undefined, name: string, fallback: number): number {
    const node = parent ? child(parent, name) : undefined;
    if (!node) return fallback;
    const value = this.number(node.text, name);
    if (node.attrs.type === 'ScaledInteger')
      return value * this.number(node.attrs.scale ?? '1', `${name} scale`) + this.number(node.attrs.offset ?? '0', `${name} offset`);
    return value;
  }

  field(node: XmlElement, name: string): FieldDesc {
    const type = node.attrs.type;
    if (type === 'Float') {
      const precision = node.attrs.precision ?? 'double';
      if (precision !== 'single' && precision !== 'double')
        this.fail(`prototype field ${name}: precision "${precision}" is neither single nor double`);
      return { name, encoding: { kind: 'float', bytes: precision === 'single' ? 4 : 8 } };
    }
    if (type === 'Integer' || type === 'ScaledInteger') {
      const minimum = this.bigint(node.attrs.minimum, INT64_MIN, `prototype field ${name} minimum`);
      const maximum = this.bigint(node.attrs.maximum, INT64_MAX, `prototype field ${name} maximum`);
      if (maximum < minimum) this.fail(`prototype field ${name}: maximum ${maximum} < minimum ${minimum}`);
      // Values are stored as (value - minimum) in just enough bits for the range.
      const bits = (maximum - minimum).toString(2).length - (maximum === minimum ? 1 : 0);
      const scale = type === 'ScaledInteger' ? this.number(node.attrs.scale ?? '1', `${name} scale`) : 1;
      const offset = type === 'ScaledInteger' ? this.number(node.attrs.offset ?? '0', `${name} offset`) : 0;
      return { name, encoding: { kind: 'integer', bits, minimum: Number(minimum), maximum: Number(maximum), scale, offset } };
    }
    return this.fail(
      `prototype field ${name} has type "${type ?? '(none)'}"; only Float, Integer and ScaledInteger point fields are supported`,
    );
  }

  /** Terminal prototype fields in bytestream order (depth-first, document order). */
  fields(node: XmlElement, prefix: string, out: FieldDesc[], depth = 0): FieldDesc[] {
    if (depth > 16) this.fail('prototype nests more than 16 levels deep');
    for (const c of node.children) {
      const name = prefix ? `${prefix}/${c.name}` : c.name;
      if (c.attrs.type === 'Structure' || c.attrs.type === 'Vector') this.fields(c, name, out, depth + 1);
      else out.push(this.field(c, name));
    }
    return out;
  }

  pose(scan: XmlElement): Pose {
    const pose = child(scan, 'pose');
    const r = pose ? child(pose, 'rotation') : undefined;
    const t = pose ? child(pose, 'translation') : undefined;
    let rotation: [number, number, number, number] = [
      this.leaf(r, 'w', 1),
      this.leaf(r, 'x', 0),
      this.leaf(r, 'y', 0),
      this.leaf(r, 'z', 0),
    ];
    const norm = Math.hypot(...rotation);
    if (!(norm > 1e-9) || !Number.isFinite(norm)) this.fail(`scan pose rotation quaternion has zero length`);
    rotation = rotation.map((v) => v / norm) as [number, number, number, number];
    return { rotation, translation: [this.leaf(t, 'x', 0), this.leaf(t, 'y', 0), this.leaf(t, 'z', 0)] };
  }

  limits(parent: XmlElement | undefined, minName: string, maxName: string): Limits | null {
    if (!parent || !child(parent, maxName)) return null;
    return { min: this.leaf(parent, minName, 0), max: this.leaf(parent, maxName, 0) };
  }

  scan(node: XmlElement, index: number): ScanDesc {
    const points = child(node, 'points');
    if (!points || points.attrs.type !== 'CompressedVector') this.fail(`data3D scan ${index} has no CompressedVector <points>`);
    const prototype = child(points, 'prototype');
    if (!prototype) this.fail(`data3D scan ${index} points have no <prototype>`);
    const fileOffset = this.bigint(points.attrs.fileOffset, -1n, `scan ${index} points fileOffset`);
    const recordCount = this.bigint(points.attrs.recordCount, -1n, `scan ${index} points recordCount`);
    if (fileOffset < 0n || fileOffset > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`scan ${index} points: missing or invalid fileOffset`);
    if (recordCount < 0n || recordCount > BigInt(Number.MAX_SAFE_INTEGER))
      this.fail(`scan ${index} points: missing or invalid recordCount`);
    const bounds = child(node, 'cartesianBounds');
    const colors = child(node, 'colorLimits');
    const colorLimits = colors
      ? ([
          this.limits(colors, 'colorRedMinimum', 'colorRedMaximum'),
          this.limits(colors, 'colorGreenMinimum', 'colorGreenMaximum'),
          this.limits(colors, 'colorBlueMinimum', 'colorBlueMaximum'),
        ] as const)
      : null;
    return {
      index,
      name: child(node, 'name')?.text ?? child(node, 'guid')?.text ?? `scan ${index}`,
      fileOffset: Number(fileOffset),
      recordCount: Number(recordCount),
      fields: this.fields(prototype, '', []),
      pose: this.pose(node),
      cartesianBounds:
        bounds && child(bounds, 'xMaximum')
          ? {
              min: [this.leaf(bounds, 'xMinimum', 0), this.leaf(bounds, 'yMinimum', 0), this.leaf(bounds, 'zMinimum', 0)],
              max: [this.leaf(bounds, 'xMaximum', 0), this.leaf(bounds, 'yMaximum', 0), this.leaf(bounds, 'zMaximum', 0)],
            }
          : null,
      colorLimits: colorLimits && colorLimits.every((l) => l !== null) ? (colorLimits as [Limits, Limits, Limits]) : null,
      intensityLimits: this.limits(child(node, 'intensityLimits'), 'intensityMinimum', 'intensityMaximum'),
    };
  }
}

export function describeE57(root: XmlElement, file: string, xmlOffset: number): E57Description {
  const d = new Describer(file, xmlOffset);
  const data3D = child(root, 'data3D');
  const scans = (data3D?.children ?? []).map((node, i) => d.scan(node, i));
  return {
    guid: child(root, 'guid')?.text ?? '',
    library: child(root, 'e57LibraryVersion')?.text ?? '',
    scans,
    images2D: child(root, 'images2D')?.children.length ?? 0,
    coordinateMetadata: child(root, 'coordinateMetadata')?.text ?? '',
  };
}
