import type { EditParams, EditResult, History, HistoryEntry, LabelStats } from '../../../common/contracts/project';
import { ServiceFailure } from '../../../common/result';
import type { EditChunkRow, EditRow, LayerRow, ProjectDb, Repositories } from '../db/index';
import { BadInputError } from '../errors';
import { LabelChunk } from './chunk';
import { CodecError, IndexRunWriter, replayRuns, ValueRunWriter } from './codec';
import { LOCKED, SOURCE_MASK, sourceCode, unlabeledCode } from './flags';
import { groupByChunk } from './grouping';

type WithIndices<T> = T extends { points: unknown }
  ? Omit<T, 'points'> & { points: Uint32Array }
  : T extends { points?: unknown }
    ? Omit<T, 'points'> & { points?: Uint32Array }
    : T;
/** An edit as the service receives it: the contract's params with the point set already decoded. */
export type EditCommand = WithIndices<EditParams>;

interface LayerState {
  row: LayerRow;
  codeWidth: 1 | 2;
  withConfidence: boolean;
  pointCount: number;
  chunks: Map<number, LabelChunk>;
  allLoaded: boolean;
}

/** One point's labels, mutated in place by edit transforms (no allocation per point). */
interface Tuple {
  cls: number;
  flags: number;
  conf: number;
  inst: number;
}
/** Per-point rule for edits whose new values depend on the point; false leaves the point untouched. */
type Transform = (t: Tuple, chunkKey: number, local: number) => boolean;

/** Values an edit writes on every selected point; -1 keeps the point's current value. */
interface UniformWrite {
  cls: number;
  source: number;
  conf: number;
  inst: number;
}

interface Plan {
  layer: LayerState;
  /** Ascending global indices per chunk key. */
  groups: Map<number, Uint32Array>;
  respectLocks: boolean;
  /** Either a uniform write (fast path, most edits) or a per-point transform. */
  write: UniformWrite | { transform: Transform; writesInstances: boolean };
}

const KEEP = -1;

/** Full-length label arrays of a layer (for export, comparisons and the renderer's blob). */
export interface LayerLabels {
  classes: Uint8Array | Uint16Array;
  flags: Uint8Array;
  confidence: Uint8Array | null;
  instances: Uint32Array;
  unlabeled: number;
}

/**
 * A layer's stored chunks as they are now, without copying: edits replace chunks copy-on-write,
 * so the arrays never change under a reader. `chunks[key]` is undefined where nothing was ever
 * stored (every point unlabeled, flags 0, no instance, confidence 0). Read-only.
 */
export interface LayerSnapshot {
  pointCount: number;
  chunkSize: number;
  codeWidth: 1 | 2;
  unlabeled: number;
  withConfidence: boolean;
  chunks: readonly (Readonly<Pick<LabelChunk, 'classes' | 'flags' | 'confidence' | 'instances' | 'codeCounts'>> | undefined)[];
}

/** Full-length arrays from a snapshot (unstored chunks stay unlabeled). */
export function expandSnapshot(snap: LayerSnapshot): LayerLabels {
  const n = snap.pointCount;
  const classes = snap.codeWidth === 1 ? new Uint8Array(n) : new Uint16Array(n);
  classes.fill(snap.unlabeled);
  const out: LayerLabels = { classes, flags: new Uint8Array(n), confidence: snap.withConfidence ? new Uint8Array(n) : null, instances: new Uint32Array(n), unlabeled: snap.unlabeled };
  snap.chunks.forEach((c, key) => {
    if (!c) return;
    const base = key * snap.chunkSize;
    out.classes.set(c.classes, base);
    out.flags.set(c.flags, base);
    if (out.confidence && c.confidence) out.confidence.set(c.confidence, base);
    if (c.instances) out.instances.set(c.instances, base);
  });
  return out;
}

/**
 * Label layers of every scan, with edits as persisted commands. The database is the truth and
 * this class keeps a decoded cache of it: each change is computed on copies of the affected
 * chunks, committed in one transaction (edit row + undo data + chunk rows), and only then
 * swapped into the cache. Safe because the project has a single writer (see ProjectDb).
 */
export class LabelStore {
  private readonly layers = new Map<number, LayerState>();

  constructor(
    private readonly db: ProjectDb,
    private readonly repos: Repositories,
  ) {}

  layer(scanId: string, name = 'user'): LayerState {
    const row = this.repos.layers.byName(scanId, name);
    if (!row) {
      if (!this.repos.scans.get(scanId)) throw new ServiceFailure('not_found', `no scan "${scanId}" in this project`);
      throw new ServiceFailure('not_found', `scan "${scanId}" has no label layer "${name}"`);
    }
    return this.layerById(row.id);
  }

  private layerById(id: number): LayerState {
    const cached = this.layers.get(id);
    if (cached) return cached;
    const row = this.repos.layers.get(id);
    if (!row) throw new ServiceFailure('not_found', `no label layer ${id}`);
    const schema = this.repos.classes.getSchema(row.schemaId);
    const scan = this.repos.scans.get(row.scanId);
    if (!schema || !scan) throw new BadInputError(this.db.file, `label layer ${id} refers to a missing schema or scan`);
    const state: LayerState = {
      row,
      codeWidth: schema.codeWidth,
      withConfidence: row.kind === 'predicted',
      pointCount: scan.pointCount,
      chunks: new Map(),
      allLoaded: false,
    };
    this.layers.set(id, state);
    return state;
  }

  private chunkSize(l: LayerState, key: number) {
    return Math.min(l.row.chunkSize, l.pointCount - key * l.row.chunkSize);
  }

  private decode(l: LayerState, row: Parameters<typeof LabelChunk.fromRow>[0]): LabelChunk {
    try {
      return LabelChunk.fromRow(row, this.chunkSize(l, row.chunkKey), l.codeWidth, l.withConfidence);
    } catch (e) {
      if (e instanceof CodecError) throw new BadInputError(this.db.file, `labels of layer "${l.row.name}" (scan ${l.row.scanId}) are damaged: ${e.message}`);
      throw e;
    }
  }

  /** The chunk as stored, or an all-unlabeled one when it has never been written. */
  private chunk(l: LayerState, key: number): LabelChunk {
    let c = l.chunks.get(key);
    if (c) return c;
    const row = this.repos.labelChunks.get(l.row.id, key);
    c = row ? this.decode(l, row) : LabelChunk.empty(key, this.chunkSize(l, key), l.codeWidth, l.withConfidence);
    l.chunks.set(key, c);
    return c;
  }

  /** Loads every stored chunk; chunks with no row stay absent (all unlabeled). */
  private loadAll(l: LayerState) {
    if (l.allLoaded) return;
    for (const row of this.repos.labelChunks.all(l.row.id)) if (!l.chunks.has(row.chunkKey)) l.chunks.set(row.chunkKey, this.decode(l, row));
    l.allLoaded = true;
  }

  private storedChunks(l: LayerState): LabelChunk[] {
    this.loadAll(l);
    return [...l.chunks.values()].sort((a, b) => a.key - b.key);
  }

  applyEdit(cmd: EditCommand): EditResult {
    this.db.assertWritable();
    const plan = this.plan(cmd);
    const { layer } = plan;
    const changed: LabelChunk[] = [];
    const undo: EditChunkRow[] = [];
    let pointCount = 0;
    let skippedLocked = 0;
    let selected = 0;

    for (const [key, points] of plan.groups) {
      selected += points.length;
      const c = this.chunk(layer, key).clone();
      const r = 'transform' in plan.write ? applyTransform(c, key * layer.row.chunkSize, points, plan.respectLocks, plan.write) : applyUniform(c, key * layer.row.chunkSize, points, plan.respectLocks, plan.write);
      skippedLocked += r.skipped;
      if (r.count === 0) continue;
      pointCount += r.count;
      changed.push(c);
      undo.push({ chunkKey: key, indices: r.indices, before: r.before, after: r.after });
    }

    if (pointCount === 0) {
      throw new ServiceFailure(
        'invalid_params',
        skippedLocked > 0
          ? `nothing to change: all ${skippedLocked} selected points are locked (include locked points to edit them)`
          : selected === 0
            ? 'nothing to change: the edit selects no points'
            : `nothing to change: the ${selected} selected points already carry this label`,
      );
    }

    const now = Date.now();
    const editId = this.db.tx(() => {
      this.repos.edits.discardUndone(layer.row.scanId);
      const id = this.repos.edits.insert({
        scanId: layer.row.scanId,
        layerId: layer.row.id,
        kind: cmd.kind,
        params: JSON.stringify(describe(cmd)),
        pointCount,
        skippedLocked,
        state: 'applied',
        createdAt: now,
        changedAt: now,
      });
      for (const u of undo) this.repos.edits.insertChunk(id, u);
      for (const c of changed) this.repos.labelChunks.upsert(c.toRow(layer.row.id));
      if (cmd.kind === 'lift' && cmd.clickIds.length > 0) this.repos.clicks.linkEdit(cmd.clickIds, id);
      return id;
    });
    for (const c of changed) layer.chunks.set(c.key, c);
    return { editId, kind: cmd.kind, pointCount, skippedLocked };
  }

  undo(scanId: string): EditResult | null {
    this.db.assertWritable();
    const edit = this.repos.edits.lastApplied(scanId);
    return edit ? this.replay(edit, 'before', 'undone') : null;
  }

  redo(scanId: string): EditResult | null {
    this.db.assertWritable();
    const edit = this.repos.edits.firstUndone(scanId);
    return edit ? this.replay(edit, 'after', 'applied') : null;
  }

  /** Writes an edit's stored before (undo) or after (redo) values back: blob reads, no recomputation. */
  private replay(edit: EditRow, side: 'before' | 'after', state: 'applied' | 'undone'): EditResult {
    const layer = this.layerById(edit.layerId);
    const changed: LabelChunk[] = [];
    for (const row of this.repos.edits.chunks(edit.id)) {
      const c = this.chunk(layer, row.chunkKey).clone();
      try {
        replayRuns(row.indices, row[side], {
          classes: c.classes,
          flags: c.flags,
          confidence: c.confidence,
          instances: (create) => (create || c.instances ? c.instancesForWrite() : null),
          size: c.size,
        });
      } catch (e) {
        if (e instanceof CodecError) throw new BadInputError(this.db.file, `undo data of edit ${edit.id} (chunk ${row.chunkKey}) is damaged: ${e.message}`);
        throw e;
      }
      changed.push(c);
    }
    this.db.tx(() => {
      for (const c of changed) this.repos.labelChunks.upsert(c.toRow(layer.row.id));
      this.repos.edits.setState(edit.id, state, Date.now());
    });
    for (const c of changed) layer.chunks.set(c.key, c);
    return { editId: edit.id, kind: edit.kind, pointCount: edit.pointCount, skippedLocked: edit.skippedLocked };
  }

  history(scanId: string, limit = 100, beforeId?: number): History {
    const layerNames = new Map(this.repos.layers.list(scanId).map((l) => [l.id, l.name]));
    const entries: HistoryEntry[] = this.repos.edits.list(scanId, limit, beforeId).map((e) => ({
      editId: e.id,
      kind: e.kind,
      layer: layerNames.get(e.layerId) ?? String(e.layerId),
      params: JSON.parse(e.params) as Record<string, unknown>,
      pointCount: e.pointCount,
      skippedLocked: e.skippedLocked,
      state: e.state,
      createdAt: e.createdAt,
    }));
    const counts = this.repos.edits.count(scanId);
    return { entries, canUndo: counts.applied > 0, canRedo: counts.undone > 0 };
  }

  stats(scanId: string, layerName = 'user', names: ReadonlyMap<number, string> = new Map()): LabelStats {
    const l = this.layer(scanId, layerName);
    const unlabeled = unlabeledCode(l.codeWidth);
    const hist = new Float64Array(unlabeled + 1);
    let locked = 0;
    for (const c of this.storedChunks(l)) {
      const cls = c.classes;
      for (let i = 0; i < cls.length; i++) hist[cls[i]!]!++;
      const f = c.flags;
      for (let i = 0; i < f.length; i++) if (f[i]! & LOCKED) locked++;
    }
    const total = l.pointCount;
    const classes: LabelStats['classes'] = [];
    for (let code = 0; code < unlabeled; code++) if (hist[code]! > 0) classes.push({ code, name: names.get(code) ?? null, count: hist[code]! });
    const labeled = classes.reduce((s, c) => s + c.count, 0);
    return { scanId, layer: layerName, total, labeled, locked, classes };
  }

  /** Whether any point of any layer using the schema carries the code (class removal guard). */
  codeInUse(schemaId: number, code: number): boolean {
    for (const row of this.repos.layers.listBySchema(schemaId)) {
      const l = this.layerById(row.id);
      for (const c of this.storedChunks(l)) if (c.classes.includes(code)) return true;
    }
    return false;
  }

  /** The stored chunks with no full-length copy (exports read them batch by batch). */
  snapshot(scanId: string, layerName = 'user'): LayerSnapshot {
    const l = this.layer(scanId, layerName);
    const chunks: LabelChunk[] = [];
    for (const c of this.storedChunks(l)) chunks[c.key] = c;
    return { pointCount: l.pointCount, chunkSize: l.row.chunkSize, codeWidth: l.codeWidth, unlabeled: unlabeledCode(l.codeWidth), withConfidence: l.withConfidence, chunks };
  }

  readLabels(scanId: string, layerName = 'user'): LayerLabels {
    return expandSnapshot(this.snapshot(scanId, layerName));
  }

  /**
   * Replaces a derived layer (predictions) wholesale in one transaction. Not an edit: predictions are
   * recomputed from the user's labels after every edit, so they have no undo of their own; undoing
   * the user's edit re-runs propagation instead. Only layers of kind 'predicted' may be written so.
   */
  replaceDerivedLayer(scanId: string, layerName: string, classes: Uint8Array | Uint16Array, confidence: Uint8Array): void {
    this.db.assertWritable();
    const l = this.layer(scanId, layerName);
    if (l.row.kind !== 'predicted') throw new ServiceFailure('invalid_params', `layer "${layerName}" holds ${l.row.kind} labels; only predicted layers are replaced wholesale`);
    if (classes.length !== l.pointCount || confidence.length !== l.pointCount)
      throw new ServiceFailure('invalid_params', `predictions for ${classes.length} points, scan has ${l.pointCount}`);
    const unlabeled = unlabeledCode(l.codeWidth);
    const src = sourceCode('predicted');
    const chunks: LabelChunk[] = [];
    for (let key = 0; key * l.row.chunkSize < l.pointCount; key++) {
      const start = key * l.row.chunkSize;
      const size = this.chunkSize(l, key);
      const c = LabelChunk.empty(key, size, l.codeWidth, true);
      for (let i = 0; i < size; i++) {
        const v = classes[start + i]!;
        if (v === unlabeled) continue;
        c.classes[i] = v;
        c.flags[i] = src;
        c.confidence![i] = confidence[start + i]!;
      }
      chunks.push(c);
    }
    this.db.tx(() => {
      for (const c of chunks) this.repos.labelChunks.upsert(c.toRow(l.row.id));
    });
    for (const c of chunks) l.chunks.set(c.key, c);
    l.allLoaded = true;
  }

  /** Drops cached chunks (after close, or to measure cold reads). */
  clearCache() {
    this.layers.clear();
  }

  private plan(cmd: EditCommand): Plan {
    const layer = this.layer(cmd.scanId, cmd.layer ?? 'user');
    const unlabeled = unlabeledCode(layer.codeWidth);
    const respectLocks = cmd.kind !== 'lock' && cmd.kind !== 'unlock' && !cmd.includeLocked;
    const explicit = (points: Uint32Array) => groupByChunk(points, layer.row.chunkSize, layer.pointCount);
    const checkCode = (code: number) => {
      if (code >= unlabeled) throw new ServiceFailure('invalid_params', `class code ${code} does not fit this layer's ${layer.codeWidth}-byte codes`);
      if (!this.repos.classes.getClass(layer.row.schemaId, code)) throw new ServiceFailure('invalid_params', `class code ${code} is not in the layer's class schema`);
    };
    const keepLock = (flags: number) => flags & ~SOURCE_MASK;

    switch (cmd.kind) {
      case 'assign':
      case 'lift': {
        checkCode(cmd.classCode);
        const source = sourceCode(cmd.kind === 'lift' ? 'click' : (cmd.source ?? 'manual'));
        const conf = cmd.kind === 'assign' ? (cmd.confidence ?? 255) : 255;
        const inst = cmd.instance ?? KEEP;
        return { layer, respectLocks, groups: explicit(cmd.points), write: { cls: cmd.classCode, source, conf, inst } };
      }
      case 'erase':
        return { layer, respectLocks, groups: explicit(cmd.points), write: { cls: unlabeled, source: 0, conf: 0, inst: 0 } };
      case 'split':
        return { layer, respectLocks, groups: explicit(cmd.points), write: { cls: KEEP, source: KEEP, conf: KEEP, inst: cmd.instance } };
      case 'merge': {
        const from = new Set(cmd.instances);
        const groups = this.matching(layer, (c, i) => c.instances !== null && from.has(c.instances[i]!));
        return { layer, respectLocks, groups, write: { cls: KEEP, source: KEEP, conf: KEEP, inst: cmd.into } };
      }
      case 'lock':
      case 'unlock': {
        const classes = cmd.classes ? new Set(cmd.classes) : null;
        const wanted = (cls: number) => cls !== unlabeled && (!classes || classes.has(cls));
        const groups = cmd.points ? explicit(cmd.points) : this.matching(layer, (c, i) => wanted(c.classes[i]!));
        const lock = cmd.kind === 'lock';
        const transform: Transform = (t) => {
          if (cmd.points && classes && !wanted(t.cls)) return false;
          const next = lock ? t.flags | LOCKED : t.flags & ~LOCKED;
          if (next === t.flags) return false;
          t.flags = next;
          return true;
        };
        return { layer, respectLocks, groups, write: { transform, writesInstances: false } };
      }
      case 'accept': {
        const from = this.layer(cmd.scanId, cmd.fromLayer);
        if (from.row.id === layer.row.id) throw new ServiceFailure('invalid_params', 'accept needs a source layer other than the target');
        if (from.row.schemaId !== layer.row.schemaId) throw new ServiceFailure('invalid_params', `layers "${from.row.name}" and "${layer.row.name}" use different class schemas`);
        const fromUnlabeled = unlabeledCode(from.codeWidth);
        const min = cmd.minConfidence ?? 0;
        const only = cmd.classes ? new Set(cmd.classes) : null;
        const usable = (c: LabelChunk, i: number) =>
          c.classes[i] !== fromUnlabeled && (!c.confidence || c.confidence[i]! >= min) && (!only || only.has(c.classes[i]!));
        const groups = cmd.points ? explicit(cmd.points) : this.matching(from, usable);
        const src = sourceCode('predicted');
        const transform: Transform = (t, key, i) => {
          const c = this.chunk(from, key);
          if (!usable(c, i)) return false;
          t.cls = c.classes[i]!;
          t.flags = keepLock(t.flags) | src;
          t.conf = c.confidence ? c.confidence[i]! : 255;
          t.inst = c.instances ? c.instances[i]! : 0;
          return true;
        };
        return { layer, respectLocks, groups, write: { transform, writesInstances: true } };
      }
    }
  }

  /** Global indices, per stored chunk, of points that satisfy a predicate. */
  private matching(l: LayerState, pred: (c: LabelChunk, i: number) => boolean): Map<number, Uint32Array> {
    const groups = new Map<number, Uint32Array>();
    for (const c of this.storedChunks(l)) {
      const base = c.key * l.row.chunkSize;
      const hits: number[] = [];
      for (let i = 0; i < c.size; i++) if (pred(c, i)) hits.push(base + i);
      if (hits.length > 0) groups.set(c.key, Uint32Array.from(hits));
    }
    return groups;
  }
}

interface ChunkChange {
  count: number;
  skipped: number;
  indices: Uint8Array;
  before: Uint8Array;
  after: Uint8Array;
}

/**
 * Writes uniform values into a chunk copy and records undo data in the same pass. Kept free of
 * per-point calls and allocations: it runs a million times for a large brush stroke.
 */
function applyUniform(c: LabelChunk, base: number, points: Uint32Array, respectLocks: boolean, w: UniformWrite): ChunkChange {
  const { cls: setCls, source: setSource, conf: setConf, inst: setInst } = w;
  const classes = c.classes;
  const flags = c.flags;
  const conf = c.confidence;
  const inst = setInst > 0 || (setInst === 0 && c.instances) ? c.instancesForWrite() : c.instances;
  const writeInst = setInst !== KEEP && inst !== null;
  const idx = new IndexRunWriter(points.length);
  const before = new ValueRunWriter(points.length);
  const after = new ValueRunWriter(points.length);
  let count = 0;
  let skipped = 0;
  let k = 0;
  while (k < points.length) {
    const i = points[k]! - base;
    const f = flags[i]!;
    if (respectLocks && f & LOCKED) {
      skipped++;
      k++;
      continue;
    }
    const oc = classes[i]!;
    const oq = conf ? conf[i]! : 0;
    const oi = inst ? inst[i]! : 0;
    // Extend over following points that are adjacent and hold the same values: one run, one fill.
    let len = 1;
    while (k + len < points.length) {
      const j = points[k + len]! - base;
      if (j !== i + len || flags[j] !== f || classes[j] !== oc || (conf !== null && conf[j] !== oq) || (inst !== null && inst[j] !== oi)) break;
      len++;
    }
    const nc = setCls === KEEP ? oc : setCls;
    const nf = setSource === KEEP ? f : (f & ~SOURCE_MASK) | setSource;
    const nq = conf ? (setConf === KEEP ? oq : setConf) : 0;
    const ni = setInst === KEEP ? oi : setInst;
    if (nc === oc && nf === f && nq === oq && ni === oi) {
      // Already as the edit wants (erasing unlabeled points, re-assigning the same class): not a change.
      k += len;
      continue;
    }
    before.pushRun(len, oc, f, oq, oi);
    after.pushRun(len, nc, nf, nq, ni);
    idx.pushRun(i, len);
    if (len === 1) {
      classes[i] = nc;
      flags[i] = nf;
      if (conf) conf[i] = nq;
      if (writeInst) inst[i] = ni;
    } else {
      classes.fill(nc, i, i + len);
      flags.fill(nf, i, i + len);
      if (conf) conf.fill(nq, i, i + len);
      if (writeInst) inst.fill(ni, i, i + len);
    }
    count += len;
    k += len;
  }
  return { count, skipped, indices: idx.finish(), before: before.finish(), after: after.finish() };
}

function applyTransform(
  c: LabelChunk,
  base: number,
  points: Uint32Array,
  respectLocks: boolean,
  w: { transform: Transform; writesInstances: boolean },
): ChunkChange {
  const t: Tuple = { cls: 0, flags: 0, conf: 0, inst: 0 };
  const inst = w.writesInstances ? c.instancesForWrite() : c.instances;
  const idx = new IndexRunWriter(points.length);
  const before = new ValueRunWriter(points.length);
  const after = new ValueRunWriter(points.length);
  let count = 0;
  let skipped = 0;
  for (let k = 0; k < points.length; k++) {
    const i = points[k]! - base;
    const f = c.flags[i]!;
    if (respectLocks && f & LOCKED) {
      skipped++;
      continue;
    }
    const oc = c.classes[i]!;
    const oq = c.confidence ? c.confidence[i]! : 0;
    const oi = inst ? inst[i]! : 0;
    t.cls = oc;
    t.flags = f;
    t.conf = oq;
    t.inst = oi;
    if (!w.transform(t, c.key, i)) continue;
    before.push(oc, f, oq, oi);
    after.push(t.cls, t.flags, c.confidence ? t.conf : 0, inst ? t.inst : 0);
    c.classes[i] = t.cls;
    c.flags[i] = t.flags;
    if (c.confidence) c.confidence[i] = t.conf;
    if (inst) inst[i] = t.inst;
    idx.push(i);
    count++;
  }
  return { count, skipped, indices: idx.finish(), before: before.finish(), after: after.finish() };
}

/** What the history shows of an edit: its parameters without the point set. */
function describe(cmd: EditCommand): Record<string, unknown> {
  const { points, scanId: _scanId, ...rest } = cmd as EditCommand & { points?: Uint32Array };
  return { ...rest, layer: cmd.layer ?? 'user', ...(points ? { selected: points.length } : {}) };
}
