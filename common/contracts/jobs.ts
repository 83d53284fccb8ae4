import { z } from 'zod';

export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

/** What a job looks like to clients; also the payload of every `job.progress` event. */
export const JobInfo = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  state: JobState,
  /** 0..1, or null while the job cannot tell. */
  progress: z.number().min(0).max(1).nullable(),
  message: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Small JSON result of a finished job (an id, counts); bulk data goes through blob routes. */
  result: z.unknown().optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;
