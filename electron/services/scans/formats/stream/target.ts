import type { AttributeInfo } from '../../../../../common/contracts/scans';
import type { ScanColumns } from '../types';

/** Whether `target` (ReadOptions.target) has room for `pointCount` points with exactly these attributes, in order. */
export function fitsTarget(target: ScanColumns | undefined, pointCount: number, attributes: readonly AttributeInfo[]): target is ScanColumns {
  if (!target || target.positions.length < pointCount * 3 || target.attributes.length !== attributes.length) return false;
  return attributes.every((a, k) => {
    const t = target.attributes[k]!;
    return t.name === a.name && t.type === a.type && t.components === a.components && t.values.length >= pointCount * a.components;
  });
}

/** Views of points [start, start + count) of `target`: a reader decodes into them in place. */
export function targetViews(target: ScanColumns, start: number, count: number): ScanColumns {
  return {
    positions: target.positions.subarray(start * 3, (start + count) * 3),
    attributes: target.attributes.map((a) => ({
      ...a,
      values: a.values.subarray(start * a.components, (start + count) * a.components),
    })),
  };
}
