import type { Scan } from '../scans/model';

/**
 * Which points may be ground: the last return of their pulse (return number = number of returns;
 * single returns are last returns too). See GroundOptions.candidates for why. null when the scan
 * has no return numbers, or none that say anything (every pulse a single return, or fields left 0),
 * so that every point may be ground.
 */
export function groundCandidates(scan: Pick<Scan, 'attributes' | 'pointCount'>): Uint8Array | null {
  const ret = scan.attributes.find((a) => a.name === 'return_number')?.values;
  const of = scan.attributes.find((a) => a.name === 'number_of_returns')?.values;
  if (!ret || !of || ret.length !== scan.pointCount || of.length !== scan.pointCount) return null;
  const out = new Uint8Array(scan.pointCount);
  let earlier = 0;
  for (let p = 0; p < out.length; p++) {
    const r = ret[p]!;
    const n = of[p]!;
    // 0 in either field (not recorded) or a return numbered past its count (bad data): no evidence.
    const last = r === 0 || n === 0 || r >= n;
    out[p] = last ? 1 : 0;
    if (!last) earlier++;
  }
  return earlier === 0 ? null : out;
}
