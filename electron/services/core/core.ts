import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventName, EventPayload } from '../../../common/contracts/api';
import type { RpcEvent, RpcResponse } from '../../../common/rpc';
import { JobQueue } from '../jobs/jobQueue';
import { startExportJob } from '../export/exportScan';
import { unlabeledCode } from '../labels/flags';
import { createDispatcher, type Handlers } from '../rpc/dispatcher';
import { DEMO_CLASSES, DemoCancelled, demoMeshScan, demoPointScanAsync } from '../scans/demo/demoScene';
import type { Scan } from '../scans/model';
import { readScan } from '../scans/read';
import { CHUNK_POINTS, ScanRegistry } from '../scans/scanRegistry';
import { APP_VERSION } from '../version';
import { clickHandlers } from './clickHandlers';
import { importIntoProject } from './importIntoProject';
import { faceCountOf, meshScanView, readMeshBlob, type MeshLabelSource } from './meshBlobs';
import { OctreeBlobs } from './octreeBlobs';
import { selectPolygon } from './selectPolygon';
import { SelectionOctrees } from './selectionOctrees';
import { SelectionCache } from './selectionCache';
import { projectHandlers } from './projectHandlers';
import { PropagationService } from './propagationService';
import { RecentProjects } from './recentProjects';
import { ProjectSession } from './projectSession';

export interface CoreOptions {
  host: 'electron' | 'http' | 'memory';
  /** Project folder to open (created when it holds no project yet); null runs without a project. */
  projectDir: string | null;
  /** Generate the built-in demo scene at start (default on), so a fresh start shows something real. */
  demo?: { seed: number; points: number } | false;
  validateResults?: boolean;
  /** Where user settings (recent projects) live; null keeps none (tests). */
  settingsDir?: string | null;
}

export interface Core {
  /** Handles one RPC request envelope (already decoded from the transport) and answers with a response envelope. */
  handle(message: unknown): Promise<RpcResponse>;
  onEvent(listener: (event: RpcEvent) => void): () => void;
  /** Bytes behind a relative blob path (`scans/<id>/chunks/<n>/<attr>`), or null when there is none. */
  readBlob(path: string): Uint8Array | null;
  /** Resolves once the start-up work (demo scene, project scans) has finished or failed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The core: every service wired together behind one dispatcher. The same object runs in the Electron
 * utility process, in the HTTP host, and in-process for tests and the CLI.
 */
/**
 * A core selection for JSON: held under a handle for later edits, ids as uint32 LE in base64 (a million
 * ids is 5.3 MB of text instead of ~8 MB of numbers) unless the caller does not want them.
 */
const idSet = (selections: SelectionCache, scanId: string, ids: Uint32Array, withIds = true) => ({
  count: ids.length,
  selectionId: selections.put(scanId, ids),
  idsBase64: withIds ? Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength).toString('base64') : '',
});

export function createCore(options: CoreOptions): Core {
  const jobs = new JobQueue();
  const scans = new ScanRegistry();
  const session = new ProjectSession();
  const selections = new SelectionCache();
  const recent = new RecentProjects(options.settingsDir ? path.join(options.settingsDir, 'recent-projects.json') : null);
  const listeners = new Set<(event: RpcEvent) => void>();
  const selectionOctrees = new SelectionOctrees();
  const octrees = new OctreeBlobs(() => {
    const project = session.current;
    return project
      ? {
          dir: project.dir,
          hasLayer: (scanId, layer) => project.listLayers(scanId).some((l) => l.name === layer),
          readLabels: (scanId, layer) => project.readLabels(scanId, layer),
        }
      : null;
  });
  const emit = <E extends EventName>(topic: E, payload: EventPayload<E>) => {
    // Octree label blobs are cached per layer: drop them before anyone refetches.
    if (topic === 'labels.changed') {
      const p = payload as EventPayload<'labels.changed'>;
      octrees.invalidate(p.scanId, p.layer);
    } else if (topic === 'project.changed') {
      octrees.close();
      selectionOctrees.drop();
    }
    for (const l of listeners) l({ kind: 'event', topic, payload });
  };
  jobs.onChange((job) => emit('job.progress', job));

  /** Demo and imported scans become project scans when a project is open, so they can be labeled. */
  const adoptIntoProject = (scan: Scan) => {
    const project = session.current;
    if (!project || project.info().readOnly) return;
    if (project.listScans().some((s) => s.id === scan.id)) return;
    project.registerScan({
      id: scan.id,
      name: scan.name,
      sourcePath: scan.sourcePath,
      format: scan.format,
      crs: scan.crs,
      origin: scan.origin,
      // A mesh in a project is labeled per face: its label layers hold one value per face.
      pointCount: faceCountOf(scan) > 0 ? faceCountOf(scan) : scan.pointCount,
      faceCount: faceCountOf(scan),
    });
  };

  /** The demo's textured-mesh variant, offered next to the point demo (labeled per face). */
  const generateDemoMesh = (seed: number) =>
    jobs.start('demo', 'Generate demo block mesh', async () => {
      await new Promise((r) => setImmediate(r));
      const scan = demoMeshScan({ seed });
      scans.add(scan, DEMO_CLASSES);
      adoptIntoProject(scan);
      emit('scans.changed', { scanId: scan.id });
      return { scanId: scan.id, pointCount: scan.pointCount, faceCount: faceCountOf(scan) };
    });

  const generateDemo = (seed: number, points: number) =>
    jobs.start('demo', `Generate demo scene (${points.toLocaleString('en')} points)`, async (ctx) => {
      try {
        const scan = await demoPointScanAsync({
          seed,
          points,
          onProgress: (f) => {
            ctx.progress(f, 'sampling points');
            return ctx.signal.aborted;
          },
        });
        scans.add(scan, DEMO_CLASSES);
        adoptIntoProject(scan);
        emit('scans.changed', { scanId: scan.id });
        return { scanId: scan.id, pointCount: scan.pointCount };
      } catch (e) {
        if (e instanceof DemoCancelled) return null;
        throw e;
      }
    });

  /**
   * A new file becomes a project scan (LOD octree + store row, see importIntoProject) and is loaded
   * into memory for viewing, clicking and propagation; a scan already in the project is only loaded.
   */
  const importFile = (file: string, scanId?: string) =>
    jobs.start('import', `Import ${path.basename(file)}`, async (ctx) => {
      const project = session.current;
      const known = scanId !== undefined;
      const id = scanId ?? uniqueScanId(path.basename(file).replace(/\.[^.]+$/, ''));
      if (project && !known && !project.info().readOnly) {
        ctx.progress(0, 'building the LOD octree');
        await importIntoProject(project, file, {
          scanId: id,
          signal: ctx.signal,
          onProgress: (f: number, message?: string) => ctx.progress(0.7 * f, message ?? 'building the LOD octree'),
        });
      }
      ctx.progress(0.7, 'loading points');
      const scan = await readScan(file, { signal: ctx.signal });
      scan.id = id;
      scans.add(scan, []);
      if (!project || known) adoptIntoProject(scan);
      emit('scans.changed', { scanId: scan.id });
      return { scanId: scan.id, pointCount: scan.pointCount, faceCount: scan.mesh ? scan.mesh.indices.length / 3 : 0 };
    });

  const uniqueScanId = (base: string) => {
    const clean = base.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'scan';
    const taken = new Set([...scans.list().map((s) => s.id), ...(session.current?.listScans().map((s) => s.id) ?? [])]);
    if (!taken.has(clean)) return clean;
    for (let i = 2; ; i++) if (!taken.has(`${clean}-${i}`)) return `${clean}-${i}`;
  };

  /** Loads the open project's file-backed scans into memory (each a job), so they can be viewed. */
  const loadProjectScans = () => {
    for (const s of session.current?.listScans() ?? []) {
      if (!scans.has(s.id) && s.sourcePath) importFile(s.sourcePath, s.id);
    }
  };

  const propagation = new PropagationService(scans, session, jobs, (scanId) => emit('labels.changed', { scanId, layer: 'predicted' }));
  const userLabelsChanged = (scanId: string, layer: string) => {
    emit('labels.changed', { scanId, layer });
    if (layer !== 'predicted') propagation.schedule(scanId);
  };
  const clicks = clickHandlers(scans, session, (scanId) => userLabelsChanged(scanId, 'user'));
  const { dispose: disposeClicks, ...clickMethods } = clicks;

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'ScanLabel',
      version: APP_VERSION,
      host: options.host,
      projectDir: session.current?.dir ?? null,
      platform: `${os.platform()}-${os.arch()}`,
    }),
    'scans.list': () => scans.list(),
    'scans.view': ({ scanId }) => {
      const meshView = meshScanView(scans, scanId, meshLabels());
      if (meshView) return meshView;
      const view = scans.view(scanId, inProject(scanId));
      const octree = view.inProject ? octrees.view(scanId) : undefined;
      return octree ? { ...view, octree } : view;
    },
    'scans.selectPolygon': async ({ scanId, camera, polygon, filter, withIds }) => {
      const project = session.current;
      const has = (layer: string) => !!project && inProject(scanId) && project.listLayers(scanId).some((l) => l.name === layer);
      const { positions } = scans.get(scanId);
      const octree = project && inProject(scanId) ? await selectionOctrees.get(project.dir, scanId) : null;
      return idSet(
        selections,
        scanId,
        await selectPolygon({ positions, octree }, camera, polygon, filter ?? {}, {
          user: () => (has('user') ? project!.readLabels(scanId, 'user') : null),
          predicted: () => (has('predicted') ? project!.readLabels(scanId, 'predicted') : null),
        }),
        withIds,
      );
    },
    'scans.import': ({ path: file }) => {
      session.require();
      return { jobId: importFile(path.resolve(file)).id };
    },
    'demo.generate': ({ seed, points }) => ({ jobId: generateDemo(seed, points).id }),
    'jobs.list': () => jobs.list(),
    'jobs.get': ({ jobId }) => jobs.get(jobId),
    'jobs.cancel': ({ jobId }) => jobs.cancel(jobId),
    ...projectHandlers(
      session,
      {
        projectChanged: (dir) => {
          selections.clear();
          emit('project.changed', { dir });
        },
        labelsChanged: userLabelsChanged,
        projectOpened: () => {
          for (const s of scans.list()) if (s.format === 'demo' || s.format === 'demo-mesh') adoptIntoProject(scans.get(s.id));
          loadProjectScans();
        },
      },
      recent,
      selections,
    ),
    ...clickMethods,
    'propagation.ground': async ({ scanId }) => idSet(selections, scanId, await propagation.groundPoints(scanId)),
    'propagation.superpoint': async ({ scanId, point }) => idSet(selections, scanId, await propagation.superpointOf(scanId, point)),
    'propagation.suggest': async ({ scanId, n }) =>
      (await propagation.suggest(scanId, n)).map((s) => ({
        point: s.point,
        position: s.position,
        world: s.world,
        gain: s.gain,
        reason: s.reason,
      })),
    'export.start': ({ scanId, format, out, classes, labeledOnly, mergePredicted, lasVersion }) => {
      const target = path.resolve(out);
      // The default target is <project>/exports/..., which a new project does not have yet.
      fs.mkdirSync(path.dirname(target), { recursive: true });
      return {
        jobId: startExportJob(jobs, session.require(), {
          scanId,
          format,
          out: target,
          ...(classes ? { classes } : {}),
          ...(labeledOnly !== undefined ? { labeledOnly } : {}),
          ...(mergePredicted !== undefined ? { mergePredicted } : {}),
          ...(lasVersion ? { lasVersion } : {}),
          // The demo exists only in memory (no source file): exported from the loaded scan.
          memoryScan: (id) => (scans.has(id) ? scans.get(id) : null),
        }).id,
      };
    },
  };

  const inProject = (scanId: string) => !!session.current?.listScans().some((s) => s.id === scanId);
  const meshLabels = (): MeshLabelSource | null => {
    const project = session.current;
    if (!project) return null;
    return {
      labelCount: (scanId) => project.listScans().find((s) => s.id === scanId)?.pointCount ?? null,
      hasLayer: (scanId, layer) => project.listLayers(scanId).some((l) => l.name === layer),
      readLabels: (scanId, layer) => project.readLabels(scanId, layer),
    };
  };

  /** One chunk of a label layer as uint16 classes (unlabeled 0xffff whatever the code width), or its uint8 confidence. */
  const labelsBlob = (scanId: string, chunk: number, kind: string): Uint8Array | null => {
    const project = session.current;
    if (!project || !inProject(scanId)) return null;
    const layerName = kind === 'labels' ? 'user' : 'predicted';
    if (layerName === 'predicted' && !project.listLayers(scanId).some((l) => l.name === 'predicted')) {
      const start = chunk * CHUNK_POINTS;
      const count = Math.max(0, Math.min(CHUNK_POINTS, scans.get(scanId).pointCount - start));
      return kind === 'confidence' ? new Uint8Array(count) : new Uint8Array(new Uint16Array(count).fill(0xffff).buffer);
    }
    const layer = project.readLabels(scanId, layerName);
    if (kind === 'confidence') {
      const conf = layer.confidence ?? new Uint8Array(layer.classes.length);
      const start = chunk * CHUNK_POINTS;
      return start >= conf.length ? null : conf.slice(start, Math.min(conf.length, start + CHUNK_POINTS));
    }
    const labels = layer.classes;
    const start = chunk * CHUNK_POINTS;
    if (start >= labels.length) return null;
    const end = Math.min(labels.length, start + CHUNK_POINTS);
    const none = unlabeledCode(labels instanceof Uint8Array ? 1 : 2);
    const out = new Uint16Array(end - start);
    for (let i = start; i < end; i++) out[i - start] = labels[i] === none ? 0xffff : labels[i]!;
    return new Uint8Array(out.buffer);
  };

  const dispatch = createDispatcher(handlers, { validateResults: options.validateResults ?? false });
  if (options.projectDir) recent.add(session.openOrCreate(options.projectDir).dir);
  const demo = options.demo === undefined ? { seed: 1, points: 300_000 } : options.demo;
  const startup: Promise<unknown>[] = [];
  // The mesh variant follows the point demo, so the point demo stays the first scan listed.
  if (demo)
    startup.push(
      generateDemo(demo.seed, demo.points).done.then((j) =>
        j.state === 'done' && j.result !== null ? generateDemoMesh(demo.seed).done : j,
      ),
    );
  for (const s of session.current?.listScans() ?? []) if (s.sourcePath) startup.push(importFile(s.sourcePath, s.id).done);
  const ready = Promise.all(startup).then(() => undefined);

  return {
    handle: dispatch,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    readBlob: (blobPath) => {
      if (blobPath.includes('/mesh/')) return readMeshBlob(scans, blobPath, meshLabels());
      if (blobPath.includes('/octree/')) return octrees.read(blobPath);
      const m = /^scans\/([^/]+)\/chunks\/(\d+)\/(labels|predicted|confidence)$/.exec(blobPath);
      if (m) return labelsBlob(decodeURIComponent(m[1]!), Number(m[2]), m[3]!);
      return scans.blob(blobPath);
    },
    ready,
    async close() {
      for (const job of jobs.list()) if (job.state === 'running' || job.state === 'queued') jobs.cancel(job.id);
      await Promise.allSettled(startup);
      listeners.clear();
      disposeClicks();
      await propagation.close();
      octrees.close();
      selectionOctrees.drop();
      session.close();
    },
  };
}
