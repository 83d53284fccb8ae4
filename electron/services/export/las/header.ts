import type { LasHeader } from '../../scans/formats/las/header';
import { APP_VERSION } from '../../version';
import type { LasPlan } from './plan';
import type { RecordStats } from './records';

export interface HeaderInput {
  /** The source's public header block as stored. */
  sourceBytes: Uint8Array;
  source: LasHeader;
  plan: LasPlan;
  stats: RecordStats;
  /** Every source point was written: keep the source's bounds as stored rather than recomputing them. */
  allPoints: boolean;
  evlrStart: number;
}

/**
 * The output's public header: the source header with the fields that describe the new file
 * rewritten (version, sizes, counts, point format, bounds, EVLR position). Scale and offset are the
 * source's bytes, untouched, which is what keeps every coordinate bit-identical.
 */
export function buildLasHeader({ sourceBytes, source, plan, stats, allPoints, evlrStart }: HeaderInput): Uint8Array {
  const b = new Uint8Array(plan.headerSize);
  b.set(sourceBytes.subarray(0, Math.min(sourceBytes.length, plan.headerSize)));
  const dv = new DataView(b.buffer);
  b[24] = 1;
  b[25] = plan.versionMinor;
  const software = `ScanLabel ${APP_VERSION}`.slice(0, 31);
  for (let i = 0; i < 32; i++) b[58 + i] = i < software.length ? software.charCodeAt(i) : 0;
  dv.setUint16(94, plan.headerSize, true);
  dv.setUint32(96, plan.offsetToPointData, true);
  dv.setUint32(100, plan.vlrs.length, true);
  b[104] = plan.outFormat.id; // LAZ bits cleared: the output is uncompressed
  dv.setUint16(105, plan.outRecordLength, true);

  const n = stats.written;
  // Measured counts for subsets and upgrades; otherwise the source header's, as stored.
  const byReturn = (r: number) => (stats.tracked ? stats.byReturn[r]! : (source.pointsByReturn[r - 1] ?? 0));
  const legacy = !plan.outFormat.extended && n <= 0xffffffff;
  dv.setUint32(107, legacy ? n : 0, true);
  for (let r = 1; r <= 5; r++) dv.setUint32(111 + 4 * (r - 1), legacy ? byReturn(r) : 0, true);

  if (!allPoints) {
    const [sx, sy, sz] = source.scale;
    const [ox, oy, oz] = source.offset;
    const empty = n === 0;
    // Stored as max x, min x, max y, min y, max z, min z.
    const bounds = [
      empty ? 0 : ox + stats.max[0] * sx,
      empty ? 0 : ox + stats.min[0] * sx,
      empty ? 0 : oy + stats.max[1] * sy,
      empty ? 0 : oy + stats.min[1] * sy,
      empty ? 0 : oz + stats.max[2] * sz,
      empty ? 0 : oz + stats.min[2] * sz,
    ];
    bounds.forEach((v, k) => dv.setFloat64(179 + 8 * k, v, true));
  }

  if (plan.versionMinor >= 3) dv.setBigUint64(227, 0n, true); // waveform data start: none inside this file
  if (plan.versionMinor >= 4) {
    dv.setBigUint64(235, BigInt(plan.evlrs.length > 0 ? evlrStart : 0), true);
    dv.setUint32(243, plan.evlrs.length, true);
    dv.setBigUint64(247, BigInt(n), true);
    for (let r = 1; r <= 15; r++) dv.setBigUint64(255 + 8 * (r - 1), BigInt(byReturn(r)), true);
  }
  return b;
}
