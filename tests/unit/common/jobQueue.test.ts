import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../common/contracts/jobs';
import { JobQueue } from '../../../electron/services/jobs/jobQueue';

describe('JobQueue', () => {
  it('reports queued → running → done with the result, and failures with their message', async () => {
    const q = new JobQueue(1, 0);
    const seen: JobInfo[] = [];
    q.onChange((j) => seen.push(j));
    const ok = q.start('t', 'ok', async (ctx) => {
      ctx.progress(0.5, 'half');
      return 42;
    });
    const bad = q.start('t', 'bad', async () => {
      throw new Error('disk full');
    });
    expect((await ok.done).result).toBe(42);
    const failed = await bad.done;
    expect(failed.state).toBe('failed');
    expect(failed.error).toEqual({ code: 'internal', message: 'disk full' });
    expect(seen.filter((j) => j.id === ok.id).map((j) => j.state)).toEqual(['queued', 'running', 'running', 'done']);
  });

  it('runs at most `concurrency` jobs at once and cancels queued ones without running them', async () => {
    const q = new JobQueue(1, 0);
    let release!: () => void;
    const first = q.start('t', 'first', () => new Promise<void>((r) => (release = r)));
    let ran = false;
    const second = q.start('t', 'second', async () => {
      ran = true;
    });
    expect(q.get(second.id).state).toBe('queued');
    q.cancel(second.id);
    release();
    await first.done;
    expect((await second.done).state).toBe('cancelled');
    expect(ran).toBe(false);
  });

  it('aborts the signal of a running job', async () => {
    const q = new JobQueue();
    const job = q.start('t', 'long', (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))));
    await new Promise((r) => setTimeout(r, 5));
    q.cancel(job.id);
    expect((await job.done).state).toBe('cancelled');
    expect(() => q.get('job-999')).toThrow(/no job/);
  });
});
