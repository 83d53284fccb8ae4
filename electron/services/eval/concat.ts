import type { Scan, ScanAttribute, TypedArray } from '../scans/model';

/**
 * Several point scans as one, for datasets that store one object per file (the Flanders
 * vegetated-landscape-element reference: SA1_<Type>_<id>.las, one file per element). Positions are
 * re-based on the first scan's origin (float64 arithmetic, then float32 offsets); attributes that
 * every scan has with the same type and width are kept; `instanceAttribute` (uint32) numbers the
 * source scans 1..N in the order given.
 */
export function concatScans(scans: readonly Scan[], options: { name: string; instanceAttribute?: string }): Scan {
  if (scans.length === 0) throw new Error('concatScans needs at least one scan');
  const first = scans[0]!;
  const total = scans.reduce((s, x) => s + x.pointCount, 0);
  const origin = first.origin;
  const positions = new Float32Array(total * 3);
  const common = first.attributes.filter((a) =>
    scans.every((s) => s.attributes.some((b) => b.name === a.name && b.type === a.type && b.components === a.components)),
  );
  const attributes: ScanAttribute[] = common.map((a) => ({
    name: a.name,
    type: a.type,
    components: a.components,
    values: new (a.values.constructor as new (n: number) => TypedArray)(total * a.components),
  }));
  const instanceName = options.instanceAttribute ?? 'instance';
  const instance = new Uint32Array(total);
  let at = 0;
  scans.forEach((s, i) => {
    const d = [s.origin[0] - origin[0], s.origin[1] - origin[1], s.origin[2] - origin[2]];
    for (let p = 0; p < s.pointCount; p++) for (let k = 0; k < 3; k++) positions[(at + p) * 3 + k] = s.positions[p * 3 + k]! + d[k]!;
    for (const a of attributes) {
      const src = s.attributes.find((b) => b.name === a.name)!;
      a.values.set(src.values as never, at * a.components);
    }
    instance.fill(i + 1, at, at + s.pointCount);
    at += s.pointCount;
  });
  attributes.push({ name: instanceName, type: 'uint32', components: 1, values: instance });
  return {
    id: `concat-${first.id}`,
    name: options.name,
    format: first.format,
    sourcePath: null,
    origin: [...origin],
    positions,
    pointCount: total,
    attributes,
    mesh: null,
    labelLayers: [],
    crs: first.crs,
    source: null,
  };
}
