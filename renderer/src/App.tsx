import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AppInfo } from '../../common/contracts/api';
import type { JobInfo } from '../../common/contracts/jobs';
import type { ScanSummary } from '../../common/contracts/scans';
import type { ApiClient } from './platform/apiClient';
import { JobsPanel } from './features/jobs/JobsPanel';
import { ScanPanel } from './features/scans/ScanPanel';
import { ApiContext } from './features/shell/useApi';
import { ViewerPane } from './features/viewer/ViewerPane';
import { COLOR_MODES, type ColorMode } from './viewer/colorModes';
import type { ViewerEngine, ViewerStats } from './viewer/ViewerEngine';

const fmt = (n: number) => n.toLocaleString('en');
const MODE_LABEL: Record<ColorMode, string> = { rgb: 'RGB', elevation: 'Elevation', class: 'Class' };

export function App({ client }: { client: ApiClient }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [scans, setScans] = useState<ScanSummary[]>([]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [jobs, setJobs] = useState<Map<string, JobInfo>>(new Map());
  const [engine, setEngine] = useState<ViewerEngine | null>(null);
  const [stats, setStats] = useState<ViewerStats | null>(null);
  const [mode, setMode] = useState<ColorMode>('rgb');
  const [error, setError] = useState<string | null>(null);

  const report = useCallback((e: unknown) => setError(e instanceof Error ? e.message : String(e)), []);

  const refreshScans = useCallback(() => {
    client.get('scans.list', {}).then(setScans, report);
  }, [client, report]);

  useEffect(() => {
    client.get('app.info', {}).then(setInfo, report);
    client.get('jobs.list', {}).then((list) => setJobs(new Map(list.map((j) => [j.id, j]))), report);
    refreshScans();
    const offJobs = client.on('job.progress', (job) => setJobs((prev) => new Map(prev).set(job.id, job)));
    const offScans = client.on('scans.changed', refreshScans);
    return () => {
      offJobs();
      offScans();
    };
  }, [client, refreshScans, report]);

  // Show the first scan as soon as one exists.
  useEffect(() => {
    if (activeId === null && scans.length > 0) setActiveId(scans[0]!.id);
  }, [scans, activeId]);

  useEffect(() => {
    if (!engine || activeId === null) return;
    client
      .get('scans.view', { scanId: activeId })
      .then((view) => engine.showScan(view, (p) => client.fetchBlob(p)))
      .catch(report);
  }, [client, engine, activeId, report]);

  useEffect(() => engine?.setColorMode(mode), [engine, mode]);

  const jobList = useMemo(() => [...jobs.values()].sort((a, b) => b.startedAt - a.startedAt), [jobs]);
  const active = scans.find((s) => s.id === activeId) ?? null;

  return (
    <ApiContext.Provider value={client}>
      <div className="app">
        <header className="topbar">
          <span className="brand">ScanLabel</span>
          <span className="scan-title">{active ? active.name : 'No scan'}</span>
          <div className="spacer" />
          <div className="segmented" role="radiogroup" aria-label="Color mode">
            {COLOR_MODES.map((m) => (
              <button key={m} role="radio" aria-checked={mode === m} className={mode === m ? 'on' : ''} onClick={() => setMode(m)}>
                {MODE_LABEL[m]}
              </button>
            ))}
          </div>
          <button onClick={() => engine?.frameAll()} title="Frame the whole scan">
            Reset view
          </button>
        </header>
        <aside className="sidebar">
          <section>
            <h2>Scans</h2>
            <ScanPanel scans={scans} activeId={activeId} onSelect={setActiveId} />
          </section>
          <section>
            <h2>Jobs</h2>
            <JobsPanel jobs={jobList} onCancel={(id) => client.get('jobs.cancel', { jobId: id }).catch(report)} />
          </section>
          <section>
            <h2>Project</h2>
            <p className="muted">{info?.projectDir ?? 'No project folder (demo scene only)'}</p>
          </section>
        </aside>
        <main className="viewport">
          <ViewerPane onEngine={setEngine} onStats={setStats} />
          {error && (
            <div className="error-banner" role="alert">
              <span>{error}</span>
              <button className="link" onClick={() => setError(null)}>
                dismiss
              </button>
            </div>
          )}
          <div className="hint">Drag to orbit · right-drag to pan · wheel to zoom at the cursor</div>
        </main>
        <footer className="statusbar">
          <span>{info ? `ScanLabel ${info.version} · ${info.host} host · ${info.platform}` : 'connecting…'}</span>
          <span>
            {stats
              ? `${fmt(stats.pointsDrawn)} points drawn · ${stats.chunksLoaded}/${stats.chunksTotal} chunks · ${stats.webgl2 ? 'WebGL2' : 'no WebGL2'}`
              : ''}
          </span>
        </footer>
      </div>
    </ApiContext.Provider>
  );
}
