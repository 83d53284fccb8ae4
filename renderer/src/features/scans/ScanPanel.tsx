import type { ScanSummary } from '../../../../common/contracts/scans';

const fmt = (n: number) => n.toLocaleString('en');

export function ScanPanel({ scans, activeId, onSelect }: { scans: ScanSummary[]; activeId: string | null; onSelect: (id: string) => void }) {
  if (scans.length === 0) return <p className="muted">No scans open.</p>;
  return (
    <ul className="scans">
      {scans.map((s) => (
        <li key={s.id}>
          <button className={s.id === activeId ? 'scan active' : 'scan'} onClick={() => onSelect(s.id)}>
            <span className="scan-name">{s.name}</span>
            <span className="scan-meta">
              {s.format} · {fmt(s.pointCount)} points{s.faceCount ? ` · ${fmt(s.faceCount)} faces` : ''}
            </span>
            <span className="scan-meta">
              origin {s.origin.map((v) => v.toFixed(2)).join(', ')}
              {s.crs ? ` · ${s.crs}` : ''}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
