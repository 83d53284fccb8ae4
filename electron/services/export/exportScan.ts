import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ServiceFailure } from '../../../common/result';
import type { JobContext, JobQueue } from '../jobs/jobQueue';
import type { ProjectStore } from '../labels/index';
import type { LasSourceDetails } from '../scans/formats/las';
import { writeDirectoryAtomically, writeFileAtomically } from './atomicWrite';
import { writeCsv } from './formats/csv';
import { writeKitti } from './formats/kitti';
import { writePcd } from './formats/pcd';
import { writePly } from './formats/ply';
import { writeS3dis } from './formats/s3dis';
import { resolveExportLabels } from './labels';
import { writeLasFromLas } from './las/writeLas';
import { writeLasFromPoints } from './las/writeLasFromPoints';
import { LAZ_UNAVAILABLE } from './laz';
import { isExportFormat, type ExportFormat, type ExportOptions, type ExportResult } from './options';
import { openExportSource } from './source';

/** Code written for unlabeled points when the caller gives none: each format's own convention. */
export const DEFAULT_UNLABELED: Record<ExportFormat, number> = { las: 0, laz: 0, kitti: 0, ply: -1, pcd: -1, csv: -1, s3dis: -1 };

/**
 * Exports one scan of a project: labels from the store, everything else re-read from the scan's
 * source file, streamed chunk by chunk into a temp file that is renamed into place at the end.
 */
export async function exportScan(store: ProjectStore, options: ExportOptions): Promise<ExportResult> {
  const { format } = options;
  if (!isExportFormat(format)) throw new ServiceFailure('invalid_params', `unknown export format "${String(format)}"`);
  if (format === 'laz') throw new ServiceFailure('invalid_params', LAZ_UNAVAILABLE);
  const out = resolve(options.out);
  const unlabeledCode = options.unlabeledCode ?? DEFAULT_UNLABELED[format];
  const labels = resolveExportLabels(store, options.scanId, options);
  options.progress?.(0, 'opening source');
  const src = await openExportSource(store, options.scanId, options.memoryScan);
  const common = { signal: options.signal, progress: options.progress };
  const atomic = { openSink: options.openSink, signal: options.signal };
  try {
    let points = 0;
    let faces = 0;
    let files = [out];
    let details: ExportResult['details'] = {};
    if (format === 'las') {
      const source = src.reader.info.source as LasSourceDetails | null;
      if (src.target !== 'points') throw new ServiceFailure('invalid_params', 'LAS holds points; this scan is labeled per face (export ply)');
      if (source?.format !== 'las' && options.lasVersion === '1.2')
        throw new ServiceFailure('invalid_params', `LAS 1.2 is written only from LAS sources (their point format is kept); this scan is ${src.reader.info.format}, which exports as LAS 1.4`);
      // A LAS/LAZ source keeps its records, VLRs and integer coordinates; any other source gets a new LAS 1.4 file.
      const r = await writeFileAtomically(
        out,
        (w) =>
          source?.format === 'las'
            ? writeLasFromLas(src.path, source, labels, { ...common, lasVersion: options.lasVersion, unlabeledCode, keepSourceClass: options.keepSourceClass ?? false }, w)
            : writeLasFromPoints(src, labels, { ...common, unlabeledCode, crs: src.scan.crs }, w),
        atomic,
      );
      points = r.points;
      details = r.details;
    } else if (format === 'ply') {
      const r = await writeFileAtomically(out, (w) => writePly(src, labels, { ...common, unlabeledCode, outPath: out }, w), atomic);
      points = r.points;
      faces = r.faces;
      details = r.details;
    } else if (format === 'kitti') {
      const r = await writeFileAtomically(out, (w) => writeKitti(labels, unlabeledCode, w, options.signal), atomic);
      points = r.points;
    } else if (format === 'pcd') {
      if (src.target !== 'points') throw new ServiceFailure('invalid_params', 'PCD holds points; this scan is labeled per face (export ply)');
      const r = await writeFileAtomically(out, (w) => writePcd(src, labels, { ...common, unlabeledCode }, w), atomic);
      points = r.points;
      details = r.details;
    } else if (format === 'csv') {
      if (src.target !== 'points') throw new ServiceFailure('invalid_params', 'CSV holds points; this scan is labeled per face (export ply)');
      const r = await writeFileAtomically(out, (w) => writeCsv(src, labels, { ...common, unlabeledCode }, w), atomic);
      points = r.points;
    } else if (format === 's3dis') {
      if (src.target !== 'points') throw new ServiceFailure('invalid_params', 'S3DIS rooms hold points; this scan is labeled per face (export ply)');
      const r = await writeDirectoryAtomically(out, (dir) => writeS3dis(src, labels, dir, basename(out), { ...common, openSink: options.openSink }), atomic);
      points = r.points;
      files = r.files.map((f) => resolve(out, f));
    }
    const bytes = format === 's3dis' ? 0 : (await stat(out)).size;
    options.progress?.(1, 'done');
    return { format, out, files, pointsWritten: points, facesWritten: faces, bytes, details: { ...details, label_target: src.target } };
  } finally {
    await src.reader.close();
  }
}

/** Runs an export as a job (progress events, cancel through the job's signal). */
export function startExportJob(queue: JobQueue, store: ProjectStore, options: Omit<ExportOptions, 'signal' | 'progress'>): { id: string; done: ReturnType<JobQueue['start']>['done'] } {
  return queue.start('export', `Export ${options.scanId} as ${options.format.toUpperCase()}`, (ctx: JobContext) =>
    exportScan(store, { ...options, signal: ctx.signal, progress: (f, m) => ctx.progress(f, m) }),
  );
}
