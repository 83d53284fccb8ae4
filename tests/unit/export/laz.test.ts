import { createLazPerf } from 'laz-perf';
import { describe, expect, it } from 'vitest';
import { LAZ_UNAVAILABLE, LAZ_WRITE_SUPPORTED } from '../../../electron/services/export/laz';

describe('LAZ writing capability of the installed laz-perf', () => {
  it('exposes decoders only (LASZip, ChunkDecoder), so LAZ export is refused honestly', async () => {
    const m = (await (createLazPerf as unknown as () => Promise<Record<string, unknown>>)()) as Record<string, unknown>;
    const classes = Object.keys(m).filter((k) => /^[A-Z]/.test(k) && typeof m[k] === 'function' && !/Error$/.test(k));
    expect(classes).toEqual(expect.arrayContaining(['LASZip', 'ChunkDecoder']));
    // If an encoder ever appears here, LAZ export can be built on it: this test then fails on purpose.
    expect(classes.filter((k) => /encod|writ|compress/i.test(k))).toEqual([]);
    expect(LAZ_WRITE_SUPPORTED).toBe(false);
    expect(LAZ_UNAVAILABLE).toMatch(/--format las/);
  });
});
