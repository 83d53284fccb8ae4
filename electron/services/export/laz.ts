/**
 * LAZ output. The npm build of laz-perf (0.0.7, the LASzip implementation this project uses) is
 * decode-only: its WASM module exposes `LASZip` (a file reader) and `ChunkDecoder`, and no encoder
 * (checked in tests/unit/export/laz.test.ts, so an upgrade that adds one is noticed). Writing LAZ
 * would mean implementing the LASzip compressor ourselves, so LAZ export is refused with a pointer
 * to LAS, which keeps every byte and can be compressed losslessly by laszip or PDAL.
 *
 * Re-checked on the npm registry (2026-11): laz-perf has only 0.0.5-0.0.7, all decode-only; the other
 * LAS/LAZ packages there (@loaders.gl/las, copc, las-js, las-reader, las-header) are readers, and
 * the one package that emits LAZ (web-e57, a single release) converts E57 files whole rather than
 * compressing given point records. None is a maintained LASzip writer to build on.
 */
export const LAZ_WRITE_SUPPORTED = false;

export const LAZ_UNAVAILABLE =
  'LAZ export is not available: laz-perf (npm 0.0.7) can only read LAZ, it has no compressor. ' +
  'Export LAS instead (--format las: same points, attributes and VLRs, bit-identical coordinates) and compress it with `laszip -i out.las -o out.laz` or `pdal translate out.las out.laz` if needed.';
