import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo } from '../../common/contracts/api';
import type { JobInfo } from '../../common/contracts/jobs';
import type { History, LabelClass, LabelStats } from '../../common/contracts/project';
import type { SegmenterStatus } from '../../common/contracts/segmentation';
import type { ScanSummary } from '../../common/contracts/scans';
import type { ApiClient } from './platform/apiClient';
import { ClassPanel } from './features/classes/ClassPanel';
import { HistoryPanel } from './features/history/HistoryPanel';
import { ExportPanel } from './features/export/ExportPanel';
import { PredictionsPanel } from './features/propagation/PredictionsPanel';
import { ProjectPanel } from './features/projects/ProjectPanel';
import { ReviewPanel } from './features/review/ReviewPanel';
import type { SuggestionInfo } from '../../common/contracts/propagation';
import { JobsPanel } from './features/jobs/JobsPanel';
import { fromBase64U32, toPointSet } from './features/labeling/pointSets';
import { useCanvasClick } from './features/labeling/useCanvasClick';
import { SelectionOverlay } from './features/labeling/SelectionOverlay';
import { toolHint, TOOL_LABEL, TOOLS, type Tool } from './features/labeling/tools';
import { BrushOverlay, BrushSettingsBar, type BrushSettings } from './features/labeling/BrushOverlay';
import { MaskInset, type MaskImage } from './features/labeling/MaskInset';
import { ClipBoxPanel } from './features/viewer/ClipBoxPanel';
import { ImportBox } from './features/scans/ImportBox';
import { ScanPanel } from './features/scans/ScanPanel';
import { ApiContext } from './features/shell/useApi';
import { ViewerPane } from './features/viewer/ViewerPane';
import { MeshOpacity } from './features/viewer/MeshOpacity';
import { COLOR_MODES, type ColorMode } from './viewer/colorModes';
import type { ViewerEngine, ViewerStats } from './viewer/ViewerEngine';

const fmt = (n: number) => n.toLocaleString('en');
/** The mask inset's backdrop size: the canvas' aspect ratio, at most 512 px wide or high. */
const insetSize = (w: number, h: number): [number, number] => {
  const k = Math.min(1, 512 / Math.max(w, h));
  return [Math.max(1, Math.round(w * k)), Math.max(1, Math.round(h * k))];
};
const MODE_LABEL: Record<ColorMode, string> = {
  rgb: 'RGB',
  intensity: 'Intensity',
  elevation: 'Elevation',
  labels: 'Labels',
  predicted: 'Predicted',
  confidence: 'Confidence',
  unlabeled: 'Unlabeled',
  source: 'File classes',
};

/** A box prompt in canvas CSS pixels of the camera it was drawn in (x0 < x1, y0 < y1). */
type PromptBox = { x0: number; y0: number; x1: number; y1: number };

/** A pending point set waiting for Enter (assign the current class) or Esc. */
type Pending =
  | {
      kind: 'selection';
      /** What the viewer highlights: every selected point, or the loaded ones of a core selection. */
      indices: Uint32Array;
      erase?: boolean;
      /** A selection held by the core: edits name it instead of sending ids, and `count` is its exact size. */
      core?: { selectionId: string; count: number };
    }
  | {
      kind: 'preview';
      indices: Uint32Array;
      previewId: string;
      positives: number[];
      negatives: number[];
      ms: number;
      /** The box prompt and the camera it was drawn in (later clicks keep both). */
      box?: { box: PromptBox; camera: ReturnType<ViewerEngine['userCamera']> };
      /** The segmenter's mask of the user's view, and that view as it was when the prompt was sent. */
      mask?: MaskImage;
      backdrop?: HTMLCanvasElement | null;
    };

export function App({ client }: { client: ApiClient }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [scans, setScans] = useState<ScanSummary[]>([]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [inProject, setInProject] = useState(false);
  const [jobs, setJobs] = useState<Map<string, JobInfo>>(new Map());
  const [engine, setEngine] = useState<ViewerEngine | null>(null);
  const [stats, setStats] = useState<ViewerStats | null>(null);
  const [mode, setMode] = useState<ColorMode>('rgb');
  const [error, setError] = useState<string | null>(null);
  const [classes, setClasses] = useState<LabelClass[]>([]);
  const [labelStats, setLabelStats] = useState<LabelStats | null>(null);
  const [history, setHistory] = useState<History | null>(null);
  const [activeClass, setActiveClass] = useState<number | null>(null);
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  const [tool, setTool] = useState<Tool>('click');
  // Click prompts on a forest: cut the canopy to the clicked tree's crown (instance labelling of trees).
  const [singleTree, setSingleTree] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [model, setModel] = useState<SegmenterStatus | null>(null);
  const [suggestions, setSuggestions] = useState<SuggestionInfo[] | null>(null);
  const [recent, setRecent] = useState<string[]>([]);
  const [brush, setBrush] = useState<BrushSettings>({ radius: 30, depth: 0.5 });
  const brushIds = useRef<Set<number> | null>(null);
  const refreshModel = useCallback(() => {
    client.call('segmentation.status', {}).then((r) => r.ok && setModel(r.value));
  }, [client]);
  useEffect(refreshModel, [refreshModel]);

  const report = useCallback((e: unknown) => setError(e instanceof Error ? e.message : String(e)), []);
  const activeRef = useRef<string | null>(null);
  activeRef.current = activeId;

  const refreshScans = useCallback(() => {
    client.get('scans.list', {}).then(setScans, report);
  }, [client, report]);

  const refreshProject = useCallback(() => {
    client.get('app.info', {}).then(setInfo, report);
    client.get('project.recent', {}).then(setRecent, report);
    client.call('classes.list', {}).then((r) => setClasses(r.ok ? r.value : []));
  }, [client, report]);

  const refreshLabels = useCallback(() => {
    const scanId = activeRef.current;
    if (!scanId || !inProject) {
      setLabelStats(null);
      setHistory(null);
      return;
    }
    client.get('labels.stats', { scanId }).then(setLabelStats, report);
    client.get('labels.history', { scanId, limit: 100 }).then(setHistory, report);
  }, [client, inProject, report]);

  useEffect(() => {
    refreshProject();
    client.get('jobs.list', {}).then((list) => setJobs(new Map(list.map((j) => [j.id, j]))), report);
    refreshScans();
    const offs = [
      client.on('job.progress', (job) => setJobs((prev) => new Map(prev).set(job.id, job))),
      client.on('scans.changed', refreshScans),
      client.on('project.changed', () => {
        refreshProject();
        refreshScans();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client, refreshScans, refreshProject, report]);

  // Show the first scan as soon as one exists.
  useEffect(() => {
    if (activeId === null && scans.length > 0) setActiveId(scans[0]!.id);
  }, [scans, activeId]);

  useEffect(() => {
    if (!engine || activeId === null) return;
    setPending(null);
    client
      .get('scans.view', { scanId: activeId })
      .then((view) => {
        setInProject(view.inProject);
        if (view.inProject) setMode((m) => (m === 'rgb' ? 'labels' : m));
        return engine.showScan(
          view,
          (p) => client.fetchBlob(p),
          (p) => client.blobRequest(p),
        );
      })
      .catch(report);
  }, [client, engine, activeId, report]);

  useEffect(refreshLabels, [refreshLabels, activeId]);

  useEffect(
    () =>
      client.on('labels.changed', (e) => {
        if (e.scanId !== activeRef.current) return;
        if (e.layer === 'predicted' || e.layer === '*') engine?.reloadLabels((p) => client.fetchBlob(p), 'predicted').catch(report);
        if (e.layer !== 'predicted') {
          engine?.reloadLabels((p) => client.fetchBlob(p), 'user').catch(report);
          refreshLabels();
        }
      }),
    [client, engine, refreshLabels, report],
  );

  useEffect(() => engine?.setColorMode(mode), [engine, mode]);
  // ?budget=N sets the LOD point budget, ?edl=0|1 forces eye-dome lighting (tests, benchmarks, slow GPUs).
  useEffect(() => {
    if (!engine) return;
    const q = new URLSearchParams(location.search);
    const budget = Number(q.get('budget'));
    if (Number.isFinite(budget) && budget > 0) engine.setPointBudget(budget);
    if (q.get('edl') === '0' || q.get('edl') === '1') engine.setEdl(q.get('edl') === '1');
  }, [engine]);
  useEffect(() => {
    engine?.setProjectClasses(classes);
    if (activeClass === null && classes.length > 0) setActiveClass(classes.find((c) => c.hotkey === '1')?.code ?? classes[0]!.code);
  }, [engine, classes, activeClass]);
  useEffect(() => engine?.setOverlay(pending?.indices ?? null, pending?.kind ?? 'selection'), [engine, pending]);

  const accept = useCallback(async () => {
    if (!pending || activeId === null || activeClass === null) return;
    const r =
      pending.kind === 'preview'
        ? await client.call('click.accept', { previewId: pending.previewId, classCode: activeClass })
        : pending.erase
          ? await client.call('labels.applyEdit', { kind: 'erase', scanId: activeId, points: selectionPoints(pending) })
          : await client.call('labels.applyEdit', {
              kind: 'assign',
              scanId: activeId,
              points: selectionPoints(pending),
              classCode: activeClass,
              source: 'manual',
            });
    if (!r.ok) return report(r.error.message);
    setPending(null);
  }, [client, pending, activeId, activeClass, report]);

  const cancel = useCallback(() => {
    if (pending?.kind === 'preview') void client.call('click.cancel', { previewId: pending.previewId });
    setPending(null);
  }, [client, pending]);

  // Click prompts: a click adds a positive prompt (Shift: negative) to the current click set and re-runs the
  // preview; the box prompt starts a new set from a box alone (the engine finds the object it frames)
  // and later clicks refine it.
  const [busy, setBusy] = useState(false);
  const runPreview = async (positives: number[], negatives: number[], box: NonNullable<Extract<Pending, { kind: 'preview' }>['box']> | null) => {
    if (!engine || activeId === null || (positives.length === 0 && !box)) return;
    const prev = pending?.kind === 'preview' ? pending : null;
    setBusy(true);
    const t0 = performance.now();
    const camera = box?.camera ?? engine.userCamera();
    // The inset's backdrop is the view the prompt is sent in (the segmenter's primary view); a box keeps its own.
    const backdrop = box && prev?.box === box && prev.backdrop ? prev.backdrop : engine.snapshot(...insetSize(camera.width, camera.height));
    const r = await client.call('click.preview', { scanId: activeId, positives, negatives, camera, ...(box ? { box: box.box } : {}), ...(singleTree ? { crowns: true } : {}) });
    setBusy(false);
    if (prev) void client.call('click.cancel', { previewId: prev.previewId });
    refreshModel();
    if (!r.ok) return report(r.error.message);
    const mask = r.value.mask;
    setPending({
      kind: 'preview',
      indices: fromBase64U32(r.value.idsBase64),
      previewId: r.value.previewId,
      positives,
      negatives,
      ms: performance.now() - t0,
      ...(box ? { box } : {}),
      ...(mask ? { mask, backdrop } : {}),
    });
  };
  const addClick = async (x: number, y: number, shift: boolean) => {
    if (!engine || busy) return;
    const hit = engine.pick(x, y);
    if (!hit) return;
    const prev = pending?.kind === 'preview' ? pending : null;
    const positives = [...(prev?.positives ?? [])];
    const negatives = [...(prev?.negatives ?? [])];
    (shift ? negatives : positives).push(hit.index);
    await runPreview(positives, negatives, prev?.box ?? null);
  };
  const boxPrompt = async (poly: [number, number][]) => {
    if (!engine || busy) return;
    const xs = poly.map((p) => p[0]);
    const ys = poly.map((p) => p[1]);
    const box = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
    if (box.x1 - box.x0 < 4 || box.y1 - box.y0 < 4) return report('Draw the box around an object (drag a rectangle).');
    if (pending?.kind === 'preview') setPending(null);
    await runPreview([], [], { box, camera: engine.userCamera() });
  };
  useCanvasClick(engine, (tool === 'click' || tool === 'segment') && inProject, async (x, y, shift) => {
    if (!engine || activeId === null || busy) return;
    if (tool === 'click') return addClick(x, y, shift);
    const hit = engine.pick(x, y);
    if (!hit) return;
    setBusy(true);
    const sp = await client.call('propagation.superpoint', { scanId: activeId, point: hit.index });
    setBusy(false);
    if (!sp.ok) return report(sp.error.message);
    setPending(coreSelection(fromBase64U32(sp.value.idsBase64), sp.value));
  });

  // Brush: each stroke adds to the pending brush selection until Enter or Esc.
  const brushStroke = {
    start: () => {
      engine?.beginBrush();
      if (!brushIds.current || pending?.kind !== 'selection') brushIds.current = new Set();
    },
    stamp: (x: number, y: number) => {
      const ids = brushIds.current;
      if (!engine || !ids) return;
      const before = ids.size;
      engine.brushStamp(x, y, brush.radius, brush.depth, (id) => ids.add(id));
      if (ids.size !== before) setPending({ kind: 'selection', indices: Uint32Array.from(ids).sort() });
    },
    end: () => engine?.endBrush(),
  };
  useEffect(() => {
    if (!pending) brushIds.current = null;
  }, [pending]);

  const undo = useCallback(() => {
    if (activeId) client.call('labels.undo', { scanId: activeId }).then((r) => !r.ok && report(r.error.message));
  }, [client, activeId, report]);
  const redo = useCallback(() => {
    if (activeId) client.call('labels.redo', { scanId: activeId }).then((r) => !r.ok && report(r.error.message));
  }, [client, activeId, report]);

  const screenshot = useCallback(() => {
    if (!engine) return;
    const a = document.createElement('a');
    a.href = engine.screenshot();
    a.download = `scanlabel-${activeId ?? 'view'}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
    a.click();
  }, [engine, activeId]);

  // The desktop menu's actions arrive as ui.command events and do what the buttons and keys do.
  useEffect(
    () =>
      client.on('ui.command', ({ command }) => {
        const actions: Record<typeof command, () => void> = {
          undo,
          redo,
          accept: () => void accept(),
          cancel,
          'view-top': () => engine?.viewFrom('top'),
          'view-front': () => engine?.viewFrom('front'),
          'view-side': () => engine?.viewFrom('side'),
          'view-reset': () => engine?.frameAll(),
          screenshot,
        };
        actions[command]();
      }),
    [client, undo, redo, accept, cancel, engine, screenshot],
  );

  // Keyboard: Enter accepts, Esc cancels, 1-9 pick a class, Ctrl+Z / Ctrl+Shift+Z undo and redo.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      if (e.key === 'Enter') void accept();
      else if (e.key === 'Escape') {
        if (engine?.isFlying()) engine.setFlyMode(false);
        else cancel();
      } else if (!e.ctrlKey && !e.metaKey && !e.altKey && e.key.toLowerCase() === 'f') engine?.setFlyMode(!engine.isFlying());
      else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
      } else if (!e.ctrlKey && !e.metaKey && /^[1-9]$/.test(e.key)) {
        const c = classes.find((x) => x.hotkey === e.key);
        if (c) setActiveClass(c.code);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [accept, cancel, undo, redo, classes, engine]);

  const sliceHandler = useCallback((slice: [number, number] | null) => engine?.setHeightSlice(slice), [engine]);

  const jobList = useMemo(() => [...jobs.values()].sort((a, b) => b.startedAt - a.startedAt), [jobs]);
  const active = scans.find((s) => s.id === activeId) ?? null;
  const projectOpen = !!info?.projectDir;
  // Meshes are labeled per face: the UI says faces there.
  const noun = stats?.meshFaces ? 'face' : 'point';

  return (
    <ApiContext.Provider value={client}>
      <div className="app">
        <header className="topbar">
          <span className="brand">ScanLabel</span>
          <span className="scan-title">{active ? active.name : 'No scan'}</span>
          <div className="segmented" role="radiogroup" aria-label="Tool">
            {TOOLS.map((t) => (
              <button key={t} role="radio" aria-checked={tool === t} className={tool === t ? 'on' : ''} onClick={() => setTool(t)}>
                {TOOL_LABEL[t]}
              </button>
            ))}
          </div>
          {(tool === 'click' || tool === 'boxPrompt') && (
            <button
              aria-pressed={singleTree}
              className={singleTree ? 'on toggle' : 'toggle'}
              title="Clicks on a closed canopy take only the clicked tree's crown (for labelling tree instances)"
              onClick={() => setSingleTree((v) => !v)}
            >
              Single tree
            </button>
          )}
          <div className="spacer" />
          <div className="segmented" role="radiogroup" aria-label="Color mode">
            {COLOR_MODES.map((m) => (
              <button key={m} role="radio" aria-checked={mode === m} className={mode === m ? 'on' : ''} onClick={() => setMode(m)}>
                {MODE_LABEL[m]}
              </button>
            ))}
          </div>
          <div className="segmented" aria-label="Views">
            <button onClick={() => engine?.viewFrom('top')}>Top</button>
            <button onClick={() => engine?.viewFrom('front')}>Front</button>
            <button onClick={() => engine?.viewFrom('side')}>Side</button>
            <button onClick={() => engine?.frameAll()} title="Frame the whole scan">
              Reset
            </button>
            <button
              aria-pressed={stats?.edl ?? false}
              className={stats?.edl ? 'on' : ''}
              onClick={() => engine?.setEdl(!(stats?.edl ?? false))}
              title="Eye-dome lighting: shades depth edges (on by default for scans without colour)"
            >
              EDL
            </button>
            <button
              aria-pressed={stats?.navigation === 'fly'}
              className={stats?.navigation === 'fly' ? 'on' : ''}
              onClick={() => engine?.setFlyMode(!engine.isFlying())}
              title="Fly mode (F): W/A/S/D move, Q/E down/up, drag to look, Shift faster; Esc returns to orbit around the point in front"
            >
              Fly
            </button>
          </div>
          <button onClick={screenshot} title="Save the view as PNG">
            Screenshot
          </button>
        </header>
        <aside className="sidebar">
          <section>
            <h2>Scans</h2>
            <ScanPanel scans={scans} activeId={activeId} onSelect={setActiveId} />
            <ImportBox
              disabled={!projectOpen}
              onImport={(p) =>
                client
                  .get('scans.import', { path: p })
                  .then(({ jobId }) => {
                    const off = client.on('job.progress', (j) => {
                      if (j.id !== jobId || j.state === 'running' || j.state === 'queued') return;
                      off();
                      if (j.state === 'done') setActiveId((j.result as { scanId: string }).scanId);
                      else if (j.state === 'failed') report(j.error?.message ?? 'import failed');
                    });
                  })
                  .catch(report)
              }
            />
          </section>
          {!!stats?.meshFaces && (
            <section>
              <h2>Mesh</h2>
              <MeshOpacity faces={stats.meshFaces} opacity={stats.meshOpacity} onChange={(o) => engine?.setMeshOpacity(o)} />
            </section>
          )}
          <section>
            <h2>Clip box</h2>
            <ClipBoxPanel
              box={stats?.clipBox ?? null}
              origin={active?.origin ?? [0, 0, 0]}
              bounds={stats?.scanId ? (engine?.scanBounds() ?? null) : null}
              canFitSelection={!!pending}
              onChange={(b) => engine?.setClipBox(b)}
              onFitSelection={() => {
                const b = engine?.overlayBounds();
                if (b) engine?.setClipBox(b);
              }}
              onFitView={() => {
                const b = engine?.viewBounds();
                if (b) engine?.setClipBox(b);
              }}
            />
          </section>
          <section>
            <h2>Classes</h2>
            <ClassPanel
              noun={noun}
              classes={inProject ? classes : []}
              stats={labelStats}
              activeCode={activeClass}
              hidden={hidden}
              onActivate={setActiveClass}
              onColor={(code, color) => client.get('classes.update', { code, patch: { color } }).catch(report)}
              isolated={stats?.isolatedClass ?? null}
              onIsolate={(code) => engine?.setIsolatedClass(code)}
              onToggleHidden={(code) => {
                const next = new Set(hidden);
                if (next.has(code)) next.delete(code);
                else next.add(code);
                setHidden(next);
                engine?.setClassHidden(code, next.has(code));
              }}
            />
          </section>
          {inProject && (
            <section>
              <h2>Predictions</h2>
              <PredictionsPanel
                predictedCounts={stats?.predictedHistogram ?? {}}
                classNames={new Map(classes.map((c) => [c.code, c.name]))}
                suggestions={suggestions}
                onSuggest={() => activeId && client.get('propagation.suggest', { scanId: activeId, n: 8 }).then(setSuggestions, report)}
                onGoTo={(s) => {
                  engine?.focus(s.position);
                  engine?.setOverlay(Uint32Array.of(s.point), 'selection');
                }}
                onAcceptAbove={(minConfidence) =>
                  activeId &&
                  client.get('labels.applyEdit', { kind: 'accept', scanId: activeId, fromLayer: 'predicted', minConfidence }).catch(report)
                }
                onAcceptClass={(code) =>
                  // Scan-wide in the core: an LOD view holds only some of the class's points.
                  activeId &&
                  client.get('labels.applyEdit', { kind: 'accept', scanId: activeId, fromLayer: 'predicted', classes: [code] }).catch(report)
                }
              />
            </section>
          )}
          {inProject && (
            <section>
              <h2>Review</h2>
              <ReviewPanel
                heightRange={engine && stats?.scanId ? engine.heightRange() : null}
                flashing={stats?.flashing ?? false}
                onFlash={(on) => engine?.setFlash(on)}
                onSlice={sliceHandler}
                onGround={() =>
                  activeId &&
                  client
                    .get('propagation.ground', { scanId: activeId })
                    .then((g) => setPending(coreSelection(fromBase64U32(g.idsBase64), g)), report)
                }
                onLock={(lock) =>
                  activeId &&
                  client
                    .call('labels.applyEdit', { kind: lock ? 'lock' : 'unlock', scanId: activeId })
                    .then((r) => !r.ok && report(r.error.message))
                }
              />
            </section>
          )}
          <section>
            <h2>History</h2>
            <HistoryPanel history={history} onUndo={undo} onRedo={redo} />
          </section>
          <section>
            <h2>Export</h2>
            <ExportPanel
              scanId={inProject ? activeId : null}
              projectDir={info?.projectDir ?? null}
              onExport={(format, out, labeledOnly) =>
                activeId && client.get('export.start', { scanId: activeId, format, out, labeledOnly }).catch(report)
              }
            />
          </section>
          <section>
            <h2>Jobs</h2>
            <JobsPanel jobs={jobList} onCancel={(id) => client.get('jobs.cancel', { jobId: id }).catch(report)} />
          </section>
          <section>
            <h2>Model</h2>
            <p className="muted" data-testid="model-status">
              {model
                ? `${model.description} · ${model.provider}${model.lastLatencyMs !== null ? ` · last click ${Math.round(model.lastLatencyMs)} ms` : ''}`
                : '…'}
            </p>
            {model?.notes.map((n) => (
              <p key={n} className="muted">
                {n}
              </p>
            ))}
          </section>
          <section>
            <h2>Project</h2>
            <ProjectPanel
              projectDir={info?.projectDir ?? null}
              recent={recent}
              onOpen={(dir, create) => client.get(create ? 'project.create' : 'project.open', { dir }).catch(report)}
            />
          </section>
        </aside>
        <main className="viewport">
          <ViewerPane onEngine={setEngine} onStats={setStats} />
          {tool === 'brush' && inProject && <BrushOverlay settings={brush} onStroke={brushStroke} />}
          {tool === 'brush' && <BrushSettingsBar settings={brush} onChange={setBrush} />}
          {pending?.kind === 'preview' && pending.mask && <MaskInset mask={pending.mask} backdrop={pending.backdrop ?? null} />}
          <SelectionOverlay
            tool={tool}
            onClick={(x, y, shift) => tool === 'boxPrompt' && inProject && void addClick(x, y, shift)}
            onPolygon={(poly) => {
              if (tool === 'boxPrompt') {
                if (inProject) void boxPrompt(poly);
                return;
              }
              // An LOD view has only some points loaded: the core selects over the whole scan.
              if (engine?.needsCoreSelection() && activeId) {
                const erase = tool === 'erase';
                client
                  .get('scans.selectPolygon', {
                    scanId: activeId,
                    camera: engine.userCamera(),
                    polygon: poly,
                    filter: engine.selectionFilter(),
                    // The ids stay in the core; the overlay shows the loaded points of the same polygon.
                    withIds: false,
                  })
                  .then((r) => {
                    setPending(r.count ? { ...coreSelection(engine.selectPolygon(poly), r), erase } : null);
                  }, report);
                return;
              }
              const indices = engine?.selectPolygon(poly);
              setPending(indices && indices.length ? { kind: 'selection', indices, erase: tool === 'erase' } : null);
            }}
          />
          {(pending || busy) && (
            <div className="pending-bar" role="status" data-testid="pending-bar">
              {busy
                ? 'Segmenting…'
                : pending &&
                  `${fmt(pending.kind === 'selection' && pending.core ? pending.core.count : pending.indices.length)} ${noun}s ${pending.kind === 'preview' ? `in preview (${pending.box ? 'box, ' : ''}${pending.positives.length}+ / ${pending.negatives.length}− clicks, ${Math.round(pending.ms)} ms)` : 'selected'} · Enter: ${pending.kind === 'selection' && pending.erase ? 'erase labels' : `assign ${classes.find((c) => c.code === activeClass)?.name ?? 'class'}`} · Esc: cancel`}
            </div>
          )}
          {error && (
            <div className="error-banner" role="alert">
              <span>{error}</span>
              <button className="link" onClick={() => setError(null)}>
                dismiss
              </button>
            </div>
          )}
          <div className="hint">{stats?.navigation === 'fly' ? 'Fly: W/A/S/D move, Q/E down/up, drag to look, Shift faster. Esc: back to orbit.' : toolHint(tool, noun)}</div>
        </main>
        <footer className="statusbar">
          <span>{info ? `ScanLabel ${info.version} · ${info.host} host · ${info.platform}` : 'connecting…'}</span>
          <span>
            {stats
              ? `${stats.meshFaces ? `${fmt(stats.trianglesDrawn)} triangles drawn` : `${fmt(stats.pointsDrawn)} points drawn`} · ${stats.pointBudget ? `${stats.visibleNodes}/${stats.nodesWanted} nodes · budget ${fmt(stats.pointBudget)}` : `${stats.chunksLoaded}/${stats.chunksTotal} chunks`} · ${stats.webgl2 ? 'WebGL2' : 'no WebGL2'}`
              : ''}
          </span>
        </footer>
      </div>
    </ApiContext.Provider>
  );
}

/** A pending selection from the core: `shown` is what the viewer highlights. */
function coreSelection(shown: Uint32Array, r: { selectionId: string; count: number }): Extract<Pending, { kind: 'selection' }> {
  return { kind: 'selection', indices: shown, core: { selectionId: r.selectionId, count: r.count } };
}

/** The point set an edit of a pending selection names: the core's handle when it has one. */
function selectionPoints(p: Extract<Pending, { kind: 'selection' }>) {
  return p.core ? { selection: p.core.selectionId } : toPointSet(p.indices);
}
