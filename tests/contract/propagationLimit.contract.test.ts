import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propagationPointLimit } from '../../electron/services/core/propagationService';
import { inMemoryHarness, waitFor, waitJob, type Harness } from './support/harness';

const FILE = path.resolve(__dirname, '../../../shared/data/pdal-sample-c/sample_c.las'); // 14,408 points
const SCAN_ID = 'sample_c';

describe('propagationPointLimit', () => {
  it('allows half the memory at 200 B/point unless the environment sets the limit', () => {
    expect(propagationPointLimit(24 * 2 ** 30, undefined)).toBe(Math.floor((12 * 2 ** 30) / 200));
    expect(propagationPointLimit(24 * 2 ** 30, '5000')).toBe(5000);
    expect(propagationPointLimit(24 * 2 ** 30, 'lots')).toBe(Math.floor((12 * 2 ** 30) / 200));
  });
});

describe('a scan larger than propagation can prepare on this machine', () => {
  let h: Harness;
  const saved = process.env.SCANLABEL_PROPAGATION_MAX_POINTS;
  beforeAll(async () => {
    process.env.SCANLABEL_PROPAGATION_MAX_POINTS = '10000';
    h = await inMemoryHarness({ projectDir: fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-proplimit-')), demo: false });
    const { jobId } = await h.client.get('scans.import', { path: FILE });
    expect((await waitJob(h.client, jobId)).state).toBe('done');
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.SCANLABEL_PROPAGATION_MAX_POINTS;
    else process.env.SCANLABEL_PROPAGATION_MAX_POINTS = saved;
    await h?.close();
  });

  it('keeps labeling, reports once why propagation is off, and refuses ground/superpoint with the reason', async () => {
    for (let k = 0; k < 3; k++) {
      const edit = await h.client.call('labels.applyEdit', { kind: 'assign', scanId: SCAN_ID, points: { ranges: [[k * 100, k * 100 + 50]] }, classCode: 6 });
      expect(edit.ok).toBe(true);
    }
    const failed = await waitFor(async () => {
      const jobs = (await h.client.get('jobs.list', {})).filter((j) => j.kind === 'propagate');
      return jobs.length > 0 && jobs.every((j) => j.state === 'failed') ? jobs : null;
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error?.message).toMatch(/propagation is off for sample_c: 14,408 elements .*SCANLABEL_PROPAGATION_MAX_POINTS/);
    expect((await h.client.get('labels.stats', { scanId: SCAN_ID })).labeled).toBe(150);
    const ground = await h.client.call('propagation.ground', { scanId: SCAN_ID });
    expect(ground.ok ? null : ground.error.message).toMatch(/propagation is off/);
  });
});
