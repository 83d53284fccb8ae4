import { useEffect, useState } from 'react';

const FORMATS = [
  ['las', 'LAS (original point format, bit-exact coordinates)'],
  ['ply', 'PLY binary'],
  ['pcd', 'PCD with label field'],
  ['kitti', 'SemanticKITTI .label'],
  ['s3dis', 'S3DIS room folder'],
  ['csv', 'CSV'],
  ['laz', 'LAZ (not available: no LAZ writer)'],
] as const;
export type ExportFormat = (typeof FORMATS)[number][0];
const EXT: Record<ExportFormat, string> = { las: '.las', laz: '.laz', ply: '.ply', pcd: '.pcd', kitti: '.label', s3dis: '', csv: '.csv' };

/** Writes the scan's labels to a file the core creates (temp name, then rename: never a half-written file). */
export function ExportPanel({
  scanId,
  projectDir,
  onExport,
}: {
  scanId: string | null;
  projectDir: string | null;
  onExport(format: ExportFormat, out: string, labeledOnly: boolean): void;
}) {
  const [format, setFormat] = useState<ExportFormat>('las');
  const [out, setOut] = useState('');
  const [labeledOnly, setLabeledOnly] = useState(false);
  useEffect(() => {
    if (scanId && projectDir) setOut(`${projectDir}/exports/${scanId}${EXT[format]}`);
  }, [scanId, projectDir, format]);
  if (!scanId || !projectDir) return <p className="muted">Open a project scan to export.</p>;
  return (
    <form
      className="export"
      onSubmit={(e) => {
        e.preventDefault();
        onExport(format, out, labeledOnly);
      }}
    >
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
        {FORMATS.map(([f, label]) => (
          <option key={f} value={f}>
            {label}
          </option>
        ))}
      </select>
      <input type="text" aria-label="Export path" value={out} onChange={(e) => setOut(e.target.value)} />
      <label className="check">
        <input type="checkbox" checked={labeledOnly} onChange={(e) => setLabeledOnly(e.target.checked)} /> labeled points only
      </label>
      <button type="submit" disabled={!out.trim()}>
        Export
      </button>
    </form>
  );
}
