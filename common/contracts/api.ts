import { z } from 'zod';
import { JobInfo } from './jobs';
import { exportContract } from './export';
import { projectContract } from './project';
import { propagationContract } from './propagation';
import { segmentationContract } from './segmentation';
import { CoreSelection, ScanSummary, ScanView, SelectPolygonParams } from './scans';

/**
 * The service contract: one table of methods shared by every side. The trusted side (Electron main,
 * the host, the core dispatcher) validates params against it; clients get the types from it.
 */
const method = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ params, result });

const Empty = z.object({}).strict();
const Id = z.string().min(1).max(128);

/** Actions the Electron menu forwards to the renderer. */
export const UI_COMMANDS = ['undo', 'redo', 'accept', 'cancel', 'view-top', 'view-front', 'view-side', 'view-reset', 'screenshot'] as const;
export type UiCommand = (typeof UI_COMMANDS)[number];

export const AppInfo = z.object({
  name: z.literal('ScanLabel'),
  version: z.string(),
  /** Which host runs the core: the desktop app, the browser host or in-process (tests). */
  host: z.enum(['electron', 'http', 'memory']),
  projectDir: z.string().nullable(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const apiContract = {
  'app.info': method(Empty, AppInfo),
  'scans.list': method(Empty, z.array(ScanSummary)),
  'scans.view': method(z.object({ scanId: Id }).strict(), ScanView),
  'scans.selectPolygon': method(SelectPolygonParams, CoreSelection),
  'demo.generate': method(
    z
      .object({
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(1),
        points: z.number().int().min(1000).max(5_000_000).default(300_000),
      })
      .strict(),
    z.object({ jobId: Id }),
  ),
  'jobs.list': method(Empty, z.array(JobInfo)),
  'jobs.get': method(z.object({ jobId: Id }).strict(), JobInfo),
  'jobs.cancel': method(z.object({ jobId: Id }).strict(), JobInfo),
  /** Imports a scan file into the open project as a job; the job's result is { scanId, pointCount, faceCount }. */
  'scans.import': method(z.object({ path: z.string().min(1).max(4096) }).strict(), z.object({ jobId: Id })),
  ...projectContract,
  ...segmentationContract,
  ...exportContract,
  ...propagationContract,
} as const;

export type ApiContract = typeof apiContract;
export type MethodName = keyof ApiContract;
export type ParamsIn<M extends MethodName> = z.input<ApiContract[M]['params']>;
export type ParamsOut<M extends MethodName> = z.output<ApiContract[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<ApiContract[M]['result']>;

/** Events the core pushes to every client. */
export const apiEvents = {
  'job.progress': JobInfo,
  'scans.changed': z.object({ scanId: z.string() }),
  /** A label layer of the scan changed (edit, undo, redo): clients refetch its label blobs. */
  'labels.changed': z.object({ scanId: z.string(), layer: z.string() }),
  /** A project was opened, created or closed; classes may have changed too. */
  'project.changed': z.object({ dir: z.string().nullable() }),
  /** A menu action of the desktop shell for the renderer to perform (the same actions as its buttons and keys). */
  'ui.command': z.object({ command: z.enum(UI_COMMANDS) }),
} as const;
export type EventName = keyof typeof apiEvents;
export type EventPayload<E extends EventName> = z.output<(typeof apiEvents)[E]>;

export const isMethodName = (name: string): name is MethodName => Object.hasOwn(apiContract, name);
