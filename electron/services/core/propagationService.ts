import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceFailure } from '../../../common/result';
import type { JobQueue } from '../jobs/jobQueue';
import {
  faceCentroidCloud,
  fromStoreLayer,
  PropagationEngine,
  suggestClicks,
  toStoreClasses,
  type PropagationResult,
  type Suggestion,
} from '../propagation/index';
import type { ScanRegistry } from '../scans/scanRegistry';
import type { ProjectSession } from './projectSession';

/**
 * Rough peak memory of preparing a scan's features and superpoints, in bytes per point. Measured on the
 * 100 M point viewer bench: the core grew by more than 150 B/point and was still growing when stopped
 * (18.8 GB on a 24 GB machine), so preparation is refused above what half the machine's memory allows
 * instead of running the machine out of memory. The labels and every other tool still work.
 */
const PREPARE_BYTES_PER_POINT = 200;

/** Largest scan (points, or faces for meshes) propagation prepares here; SCANLABEL_PROPAGATION_MAX_POINTS overrides. */
export function propagationPointLimit(totalMemory = os.totalmem(), env = process.env.SCANLABEL_PROPAGATION_MAX_POINTS): number {
  const override = Number(env);
  if (Number.isFinite(override) && override > 0) return Math.floor(override);
  return Math.floor((totalMemory * 0.5) / PREPARE_BYTES_PER_POINT);
}

interface ScanPropagation {
  engine: Promise<PropagationEngine>;
  last: PropagationResult | null;
  /** A run is queued or running: later edits only mark it dirty (the engine also coalesces). */
  scheduled: boolean;
  dirty: boolean;
  /** The scan is too large to prepare here; the refusal was reported once as a failed job. */
  refused?: boolean;
}

/**
 * Keeps each project scan's 'predicted' layer in step with the user's labels: after every user edit
 * a propagation job trains on the user layer and writes the predictions (never over user-labeled or
 * locked points). Features and superpoints are prepared once per scan in a worker and cached in the
 * project folder, so later runs only train and predict.
 */
export class PropagationService {
  private readonly scans = new Map<string, ScanPropagation>();

  constructor(
    private readonly registry: ScanRegistry,
    private readonly session: ProjectSession,
    private readonly jobs: JobQueue,
    private readonly onPredictions: (scanId: string) => void,
    private readonly maxPoints = propagationPointLimit(),
  ) {}

  /** Called after any change to a scan's user layer. */
  schedule(scanId: string): void {
    const project = this.session.current;
    if (!project || project.info().readOnly || !this.registry.has(scanId)) return;
    const state = this.state(scanId);
    if (state.refused) return;
    const tooLarge = this.tooLarge(scanId);
    if (tooLarge) {
      // Reported once (a failed job with the reason), not on every edit.
      state.refused = true;
      this.jobs.start('propagate', `Propagate labels (${scanId})`, () => Promise.reject(tooLarge));
      return;
    }
    if (state.scheduled) {
      state.dirty = true;
      return;
    }
    state.scheduled = true;
    state.dirty = false;
    const job = this.jobs.start('propagate', `Propagate labels (${scanId})`, async (ctx) => {
      const engine = await state.engine;
      if (!engine.prepared) {
        ctx.progress(0, 'preparing features and superpoints (once per scan)');
        engine.onProgress = (f, stage) => ctx.progress(f * 0.8, stage);
        await engine.prepare(this.elements(scanId), { cacheFile: this.cacheFile(scanId) });
        engine.onProgress = null;
      }
      let result: PropagationResult | undefined;
      do {
        state.dirty = false;
        if (ctx.signal.aborted) return null;
        ctx.progress(0.85, 'training and predicting');
        const store = this.session.require();
        const width = store.codeWidth(scanId);
        const layer = store.readLabels(scanId, 'user');
        const { userLabels, locked } = fromStoreLayer(layer.classes, layer.flags, width);
        if (!userLabels.some((v) => v !== 0)) return { labeled: 0 };
        result = await engine.propagate(userLabels, locked);
        store.writePredictions(scanId, toStoreClasses(result.classes, width), result.confidence);
        state.last = result;
        this.onPredictions(scanId);
      } while (state.dirty);
      return { predicted: result?.classes.length ?? 0, mode: engine.mode };
    });
    void job.done.finally(() => {
      state.scheduled = false;
      if (state.dirty) this.schedule(scanId);
    });
  }

  /** The scan's prepared features (ground mask, superpoints), preparing them first if needed. */
  private async prepared(scanId: string) {
    const tooLarge = this.tooLarge(scanId);
    if (tooLarge) throw tooLarge;
    const engine = await this.state(scanId).engine;
    if (!engine.prepared) await engine.prepare(this.elements(scanId), { cacheFile: this.cacheFile(scanId) });
    return engine.prepared!;
  }

  /** The one-click "label ground" selection: every point the ground filter calls ground. */
  async groundPoints(scanId: string): Promise<Uint32Array> {
    const ground = (await this.prepared(scanId)).ground;
    let n = 0;
    for (const g of ground) n += g;
    const out = new Uint32Array(n);
    for (let p = 0, k = 0; p < ground.length; p++) if (ground[p]) out[k++] = p;
    return out;
  }

  /** Every point of the superpoint holding `point` ("fill superpoint"). */
  async superpointOf(scanId: string, point: number): Promise<Uint32Array> {
    const of = (await this.prepared(scanId)).superpoints.of;
    if (point < 0 || point >= of.length)
      throw new ServiceFailure('invalid_params', `point ${point} is outside the scan (0..${of.length - 1})`);
    const id = of[point]!;
    const out: number[] = [];
    for (let p = 0; p < of.length; p++) if (of[p] === id) out.push(p);
    return Uint32Array.from(out);
  }

  /** Next places to click, by expected gain (uncertain, large, spread out). */
  async suggest(scanId: string, n: number): Promise<Suggestion[]> {
    const store = this.session.require();
    const tooLarge = this.tooLarge(scanId);
    if (tooLarge) throw tooLarge;
    const state = this.state(scanId);
    const engine = await state.engine;
    const scan = this.elements(scanId);
    if (!engine.prepared) await engine.prepare(scan, { cacheFile: this.cacheFile(scanId) });
    const layer = store.readLabels(scanId, 'user');
    const { userLabels, locked } = fromStoreLayer(layer.classes, layer.flags, store.codeWidth(scanId));
    return suggestClicks({
      prepared: engine.prepared!,
      positions: scan.positions,
      origin: this.registry.get(scanId).origin,
      userLabels,
      locked,
      result: state.last,
      n,
    });
  }

  async close(): Promise<void> {
    const engines = [...this.scans.values()].map((s) => s.engine);
    this.scans.clear();
    await Promise.allSettled(engines.map(async (e) => (await e).close()));
  }

  /** What a scan's labels index: its points, or for a mesh its faces (as a face-centroid cloud, see superfacets). */
  private elements(scanId: string) {
    const scan = this.registry.get(scanId);
    return scan.mesh && scan.mesh.indices.length > 0 ? faceCentroidCloud(scan) : scan;
  }

  /** The refusal for a scan larger than this machine can prepare, or null. */
  private tooLarge(scanId: string): ServiceFailure | null {
    const scan = this.registry.get(scanId);
    const n = scan.mesh && scan.mesh.indices.length > 0 ? scan.mesh.indices.length / 3 : scan.pointCount;
    if (n <= this.maxPoints) return null;
    return new ServiceFailure(
      'bad_input',
      `propagation is off for ${scanId}: ${n.toLocaleString('en')} elements need about ${((n * PREPARE_BYTES_PER_POINT) / 2 ** 30).toFixed(1)} GiB to prepare, ` +
        `more than half of this machine's memory allows (${this.maxPoints.toLocaleString('en')}); labels and every other tool still work ` +
        '(SCANLABEL_PROPAGATION_MAX_POINTS raises the limit)',
    );
  }

  private state(scanId: string): ScanPropagation {
    let s = this.scans.get(scanId);
    if (!s) {
      s = { engine: PropagationEngine.start(), last: null, scheduled: false, dirty: false };
      this.scans.set(scanId, s);
    }
    return s;
  }

  private cacheFile(scanId: string): string | undefined {
    const dir = this.session.current?.dir;
    if (!dir) return undefined;
    const folder = path.join(dir, 'propagation');
    fs.mkdirSync(folder, { recursive: true });
    return path.join(folder, `${scanId.replace(/[^\w.-]/g, '_')}.features`);
  }
}
