import type { ScanInfo } from '../../scans/formats/types';
import { storesFloat32 } from '../points';

/** LAS 1.4 point formats the exporter writes for sources that are not LAS: 6, 7 (RGB) and 8 (RGB + NIR). */
export const POINTS_FORMAT_LENGTH: Record<6 | 7 | 8, number> = { 6: 30, 7: 36, 8: 38 };

const INT32_MAX = 2 ** 31 - 1;
/** The customary LAS scale (1 mm) and the coarsest one chosen unless the int32 range forces more. */
const DEFAULT_SCALE = 1e-3;
/** Below any scanner's resolution; keeps degenerate scans (one point, zero extent) sane. */
const FINEST_SCALE = 1e-9;

/** Distance between adjacent float32 values around `v`. */
export function float32Step(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** 10^e as the double a LAS reader prints as "1e-5" (10 ** -5 can differ in the last bit). */
const powerOfTen = (e: number) => Number(`1e${e}`);

export interface PointsScale {
  /** The same scale on x, y and z. */
  scale: number;
  /** The scan origin: X = offset + X_int * scale. */
  offset: [number, number, number];
  /** The source step the scale was chosen from, for the export details. */
  resolution: number;
}

/**
 * Scale and offset of a LAS file written from a source that stores no LAS integers.
 *
 * The offset is the scan origin, so X_int = round(float32 offset / scale) with no large numbers
 * involved. The scale is 1 mm (the usual LAS choice, finer than survey or TLS noise) unless the
 * source resolves finer, and then a power of ten chosen from the source's step:
 * - float32 files (PLY float, PCD F 4, glTF): the largest power of ten not coarser than the float32
 *   spacing at the largest coordinate. The importer's offsets are those floats exactly, so every
 *   coordinate comes back within scale/2 of the file's value (the 20 cm Stanford bunny: 1e-8 m;
 *   float32 UTM eastings, 0.5 m apart, stay at 1 mm).
 * - doubles and text (E57, PLY double, XYZ, OBJ): the smallest power of ten not finer than the
 *   spacing of the float32 offsets the exporter reads (finer digits would be rounding noise of the
 *   import), e.g. 1e-4 m for a scan reaching 500 m from its origin. Coordinates come back within
 *   scale/2 of the doubles the importer yields, and values on that decimal grid (a survey in mm)
 *   come back exactly.
 * A scale is made coarser only when the scan's extent from the origin would overflow int32.
 */
export function chooseScale(info: ScanInfo): PointsScale {
  const offset: [number, number, number] = [info.origin[0], info.origin[1], info.origin[2]];
  let fromOrigin = 0;
  let absolute = 0;
  for (let k = 0; k < 3; k++)
    for (const b of [info.boundsMin[k]!, info.boundsMax[k]!]) {
      fromOrigin = Math.max(fromOrigin, Math.abs(b - offset[k]!));
      absolute = Math.max(absolute, Math.abs(b));
    }
  const float32File = storesFloat32(info);
  const resolution = float32File ? float32Step(absolute) : float32Step(fromOrigin);
  const decimal = Math.log10(resolution);
  let scale = Math.min(DEFAULT_SCALE, Math.max(FINEST_SCALE, powerOfTen(float32File ? Math.floor(decimal) : Math.ceil(decimal))));
  // One step of headroom: float32 offsets may sit slightly outside the stated bounds.
  const need = (fromOrigin * (1 + 1e-6) + scale) / INT32_MAX;
  if (need > scale) scale = powerOfTen(Math.ceil(Math.log10(need)));
  return { scale, offset, resolution };
}

/** Attributes that decide the point format: RGB makes it 7, near infrared 8 (which also has RGB). */
export function chooseFormat(info: ScanInfo): 6 | 7 | 8 {
  if (info.attributes.some((a) => a.name === 'nir' && a.components === 1)) return 8;
  if (info.attributes.some((a) => a.name === 'color' && a.components >= 3)) return 7;
  return 6;
}

/** A CRS the LAS 1.4 WKT VLR can hold (an OGC WKT string, not an 'EPSG:n' code). */
export const isWkt = (crs: string | null): boolean => crs !== null && /^\s*[A-Za-z_]+\s*\[/.test(crs);
