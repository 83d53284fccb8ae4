import type { LasVlr } from './vlr';

/** The COPC info VLR (user 'copc', record 1): octree cube and the root hierarchy page. */
export interface CopcInfo {
  center: [number, number, number];
  halfSize: number;
  spacing: number;
  rootHierarchyOffset: number;
  rootHierarchySize: number;
  gpsTimeMin: number;
  gpsTimeMax: number;
}

/**
 * COPC is LAZ 1.4 with points grouped into octree-node chunks. Its chunk table is a regular
 * variable-size LAZ chunk table, so points are streamed like any LAZ; this info is reported only.
 * COPC requires the info VLR to be the first VLR.
 */
export function parseCopcInfo(vlrs: readonly LasVlr[]): CopcInfo | null {
  const v = vlrs[0];
  if (!v || v.userId !== 'copc' || v.recordId !== 1 || !v.data || v.data.length < 72) return null;
  const dv = new DataView(v.data.buffer, v.data.byteOffset, v.data.byteLength);
  const f = (at: number) => dv.getFloat64(at, true);
  return {
    center: [f(0), f(8), f(16)],
    halfSize: f(24),
    spacing: f(32),
    rootHierarchyOffset: Number(dv.getBigUint64(40, true)),
    rootHierarchySize: Number(dv.getBigUint64(48, true)),
    gpsTimeMin: f(56),
    gpsTimeMax: f(64),
  };
}
