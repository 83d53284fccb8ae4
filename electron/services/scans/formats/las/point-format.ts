/**
 * Byte layouts of the LAS point data record formats 0-10. Formats 0-5 share the 20-byte legacy core
 * (3-bit returns, 5-bit class); 6-10 the 30-byte extended core of LAS 1.4 (4-bit returns, full class
 * byte, 16-bit scan angle, GPS time always present). Offsets are within one record.
 */
export interface PointFormat {
  id: number;
  /** Bytes the format itself needs; records may be longer (extra bytes). */
  baseLength: number;
  extended: boolean;
  gpsTime: number | null;
  rgb: number | null;
  nir: number | null;
  /** Wave packet descriptor (29 bytes): skipped, not decoded. */
  wavePacket: number | null;
}

const fmt = (
  id: number,
  baseLength: number,
  gpsTime: number | null,
  rgb: number | null,
  nir: number | null,
  wavePacket: number | null,
): PointFormat => ({ id, baseLength, extended: id >= 6, gpsTime, rgb, nir, wavePacket });

export const POINT_FORMATS: readonly PointFormat[] = [
  fmt(0, 20, null, null, null, null),
  fmt(1, 28, 20, null, null, null),
  fmt(2, 26, null, 20, null, null),
  fmt(3, 34, 20, 28, null, null),
  fmt(4, 57, 20, null, null, 28),
  fmt(5, 63, 20, 28, null, 34),
  fmt(6, 30, 22, null, null, null),
  fmt(7, 36, 22, 30, null, null),
  fmt(8, 38, 22, 30, 36, null),
  fmt(9, 59, 22, null, null, 30),
  fmt(10, 67, 22, 30, 36, 38),
];

export function pointFormat(id: number): PointFormat | undefined {
  return POINT_FORMATS[id];
}
