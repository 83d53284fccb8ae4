/**
 * LAZ output. The npm build of laz-perf (0.0.7, the LASzip implementation this project uses) is
 * decode-only: its WASM module exposes `LASZip` (a file reader) and `ChunkDecoder`, and no encoder
 * (checked in tests/unit/export/laz.test.ts, so an upgrade that adds one is noticed). Writing LAZ
 * would mean implementing the LASzip compressor ourselves, so LAZ export is refused with a pointer
 * to LAS, which keeps every byte and can be compressed losslessly by laszip or PDAL.
 */
export const LAZ_WRITE_SUPPORTED = false;

export const LAZ_UNAVAILABLE =
  'LAZ export is not available: laz-perf (npm 0.0.7) can only read LAZ, it has no compressor. ' +
  'Export LAS instead (--format las: same points, attributes and VLRs, bit-identical coordinates) and compress it with `laszip -i out.las -o out.laz` or `pdal translate out.las out.laz` if needed.';
