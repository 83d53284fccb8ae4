import { z } from 'zod';

const method = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ params, result });

export const ExportFormatSchema = z.enum(['las', 'laz', 'ply', 'kitti', 's3dis', 'pcd', 'csv']);

export const exportContract = {
  /** Exports a scan's labels as a job; the job's result lists the files written. */
  'export.start': method(
    z
      .object({
        scanId: z.string().min(1).max(128),
        format: ExportFormatSchema,
        out: z.string().min(1).max(4096),
        classes: z.array(z.number().int().min(0).max(65534)).max(65535).optional(),
        labeledOnly: z.boolean().optional(),
        mergePredicted: z.boolean().optional(),
        lasVersion: z.enum(['1.2', '1.4']).optional(),
      })
      .strict(),
    z.object({ jobId: z.string() }),
  ),
} as const;
