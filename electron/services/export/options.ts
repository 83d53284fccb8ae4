import type { Scan } from '../scans/model';
import type { SinkOpener } from './sink';

export const EXPORT_FORMATS = ['las', 'laz', 'ply', 'kitti', 's3dis', 'pcd', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const isExportFormat = (s: string): s is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(s);

/** Which labels an export writes and for which points. */
export interface LabelSelection {
  /** Label layer to export; default 'user' (what the user labeled). */
  layer?: string;
  /** Fill points the layer leaves unlabeled from the predicted layer (accepted-prediction merge). */
  mergePredicted?: boolean;
  /** Layer predictions come from; default 'predicted'. */
  predictedLayer?: string;
  /** Predictions below this confidence (0-255) are not merged. */
  minConfidence?: number;
  /** Schema class codes to export; absent = every class. Other classes count as unlabeled. */
  classes?: readonly number[] | null;
  /** Write only points with a selected class; default false (every point, in source order). */
  labeledOnly?: boolean;
}

export interface ExportOptions extends LabelSelection {
  scanId: string;
  format: ExportFormat;
  /** Output file (a folder for s3dis). */
  out: string;
  /** Code written for unlabeled points; default per format (LAS and KITTI 0, others -1). */
  unlabeledCode?: number;
  /** LAS: output version; default the source's (upgraded to 1.4 when the point format must change). */
  lasVersion?: '1.2' | '1.4';
  /** LAS: unlabeled points keep the source file's classification instead of `unlabeledCode`. */
  keepSourceClass?: boolean;
  /** Scans held only in memory (the generated demo has no source file): looked up by id. */
  memoryScan?: (scanId: string) => Scan | null;
  /** Test seam: how output files are opened (a size-limited sink simulates a full disk). */
  openSink?: SinkOpener;
  signal?: AbortSignal;
  /** Fraction done 0..1 and a short message. */
  progress?: (fraction: number, message: string) => void;
}

export interface ExportResult {
  format: ExportFormat;
  out: string;
  /** Every file written (one for most formats; the room file and annotations for s3dis). */
  files: string[];
  pointsWritten: number;
  facesWritten: number;
  bytes: number;
  /** Format facts worth reporting: point format, version, coordinate type, upgrades made. */
  details: Record<string, string | number | boolean>;
}
