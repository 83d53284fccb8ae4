/** The export service: labeled scans to LAS, PLY, SemanticKITTI, S3DIS, PCD and CSV, written atomically. */
export { exportScan, startExportJob, DEFAULT_UNLABELED } from './exportScan';
export { EXPORT_FORMATS, isExportFormat, type ExportFormat, type ExportOptions, type ExportResult, type LabelSelection } from './options';
export { resolveExportLabels, NO_LABEL, type ExportLabels } from './labels';
export { writeFileAtomically, writeDirectoryAtomically } from './atomicWrite';
export { openFileSink, type ByteSink, type SinkOpener } from './sink';
export { LAZ_UNAVAILABLE, LAZ_WRITE_SUPPORTED } from './laz';
export { readKittiLabels, readS3disRoom } from './reimport';
