import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  ClassInput,
  ClassPatch,
  type ClassSchemaInfo,
  type EditParams,
  type EditResult,
  type History,
  type LabelClass,
  type LabelStats,
  type LayerInfo,
  type LayerKind,
  type PresetId,
  type ProjectInfo,
  type ProjectScan,
  RegisterScanParams,
} from '../../../common/contracts/project';
import { ServiceFailure } from '../../../common/result';
import { ProjectDb, repositories, type ClassRow, type ClassSchemaRow, type LayerRow, type Repositories, type ScanRow } from '../db/index';
import { BadInputError } from '../errors';
import { type EditCommand, LabelStore, type LayerLabels, type LayerSnapshot } from './labelStore';
import { pointSetToIndices, type SelectionResolver } from './pointSets';
import { PRESETS, defaultHotkey } from './presets';

export const PROJECT_FILE = 'project.sqlite';
/** Binary sidecars (octree nodes) live next to the database, written by the octree service. */
export const SIDECAR_DIR = 'nodes';
export const LABEL_CHUNK_SIZE = 65536;

export interface CreateProjectOptions {
  name?: string;
  schema?: PresetId;
}

/**
 * A ScanLabel project: a folder with project.sqlite and binary sidecars. One writer at a time;
 * every mutating method has committed its change when it returns.
 */
export class ProjectStore {
  readonly labels: LabelStore;

  private constructor(
    readonly dir: string,
    private readonly db: ProjectDb,
    private readonly repos: Repositories,
  ) {
    this.labels = new LabelStore(db, repos);
  }

  static create(dir: string, options: CreateProjectOptions = {}): ProjectStore {
    const root = resolve(dir);
    if (existsSync(join(root, PROJECT_FILE))) throw new ServiceFailure('conflict', `${root}: already holds a project`);
    if (existsSync(root) && !statSync(root).isDirectory()) throw new BadInputError(root, 'is a file, not a folder');
    mkdirSync(join(root, SIDECAR_DIR), { recursive: true });
    const db = ProjectDb.open(join(root, PROJECT_FILE), { create: true });
    const store = new ProjectStore(root, db, repositories(db));
    try {
      db.tx(() => {
        const schema = store.insertPreset(options.schema ?? 'asprs');
        store.repos.projects.insert({ uuid: randomUUID(), name: options.name ?? basename(root), activeSchemaId: schema.id, createdAt: Date.now() });
      });
    } catch (e) {
      db.close();
      throw e;
    }
    return store;
  }

  static open(dir: string, options: { readOnly?: boolean } = {}): ProjectStore {
    const root = resolve(dir);
    if (!existsSync(root)) throw new BadInputError(root, 'no such folder');
    const file = join(root, PROJECT_FILE);
    if (!existsSync(file)) throw new BadInputError(root, `not a ScanLabel project (no ${PROJECT_FILE})`);
    const db = ProjectDb.open(file, { readOnly: options.readOnly ?? false });
    const repos = repositories(db);
    if (!repos.projects.get()) {
      db.close();
      throw new BadInputError(file, 'not a ScanLabel project (no project record)');
    }
    if (!db.readOnly) repos.jobs.failInterrupted(Date.now());
    return new ProjectStore(root, db, repos);
  }

  close() {
    this.labels.clearCache();
    this.db.close();
  }

  get isOpen() {
    return this.db.isOpen;
  }

  get sidecarDir() {
    return join(this.dir, SIDECAR_DIR);
  }

  info(): ProjectInfo {
    const p = this.repos.projects.get()!;
    return { dir: this.dir, uuid: p.uuid, name: p.name, readOnly: this.db.readOnly, activeSchemaId: p.activeSchemaId, createdAt: p.createdAt };
  }

  integrityCheck(): string[] {
    return this.db.integrityCheck();
  }

  // ---- scans ----

  listScans(): ProjectScan[] {
    return this.repos.scans.list().map(toScan);
  }

  getScan(id: string): ProjectScan {
    const row = this.repos.scans.get(id);
    if (!row) throw new ServiceFailure('not_found', `no scan "${id}" in this project`);
    return toScan(row);
  }

  /** For importers: records a scan and gives it an empty 'user' label layer in the active schema. */
  registerScan(input: RegisterScanParams): ProjectScan {
    const p = parse(RegisterScanParams, input);
    return this.db.tx(() => {
      const id = p.id ?? this.repos.scans.nextId();
      if (this.repos.scans.get(id)) throw new ServiceFailure('conflict', `scan "${id}" already exists`);
      const row: ScanRow = {
        id,
        name: p.name,
        sourcePath: p.sourcePath,
        format: p.format,
        crs: p.crs,
        originX: p.origin[0],
        originY: p.origin[1],
        originZ: p.origin[2],
        pointCount: p.pointCount,
        faceCount: p.faceCount,
        createdAt: Date.now(),
      };
      this.repos.scans.insert(row);
      this.insertLayer(id, 'user', 'user');
      return toScan(row);
    });
  }

  // ---- class schemas ----

  listSchemas(): ClassSchemaInfo[] {
    return this.repos.classes.listSchemas().map(toSchema);
  }

  createSchema(input: { name: string; preset?: PresetId; classes?: ClassInput[]; codeWidth?: 1 | 2; activate?: boolean }): ClassSchemaInfo {
    return this.db.tx(() => {
      let schema: ClassSchemaRow;
      if (input.preset) schema = this.insertPreset(input.preset, input.name);
      else {
        const classes = (input.classes ?? []).map((c) => parse(ClassInput, c));
        const codeWidth = input.codeWidth ?? (classes.every((c) => c.code < 0xff) ? 1 : 2);
        const id = this.repos.classes.insertSchema({ name: input.name, preset: null, codeWidth, createdAt: Date.now() });
        schema = this.repos.classes.getSchema(id)!;
        classes.forEach((c, i) => this.insertClass(schema, c, i));
      }
      if (input.activate) this.repos.projects.setActiveSchema(schema.id);
      return toSchema(schema);
    });
  }

  setActiveSchema(schemaId: number) {
    this.schema(schemaId);
    this.db.tx(() => this.repos.projects.setActiveSchema(schemaId));
  }

  listClasses(schemaId?: number): LabelClass[] {
    return this.repos.classes.listClasses(this.schema(schemaId).id).map(toClass);
  }

  addClass(input: ClassInput, schemaId?: number): LabelClass {
    const schema = this.schema(schemaId);
    const c = parse(ClassInput, input);
    return this.db.tx(() => {
      if (this.repos.classes.getClass(schema.id, c.code)) throw new ServiceFailure('conflict', `class code ${c.code} already exists in "${schema.name}"`);
      const sort = this.repos.classes.listClasses(schema.id).length;
      return toClass(this.insertClass(schema, c, sort));
    });
  }

  updateClass(code: number, patch: ClassPatch, schemaId?: number): LabelClass {
    const schema = this.schema(schemaId);
    const p = parse(ClassPatch, patch);
    return this.db.tx(() => {
      const cur = this.repos.classes.getClass(schema.id, code);
      if (!cur) throw new ServiceFailure('not_found', `no class ${code} in "${schema.name}"`);
      const next: ClassRow = {
        ...cur,
        name: p.name ?? cur.name,
        color: (p.color ?? cur.color).toLowerCase(),
        hotkey: p.hotkey === undefined ? cur.hotkey : p.hotkey,
        exportCode: p.exportCode === undefined ? cur.exportCode : p.exportCode,
      };
      this.checkHotkey(schema.id, next.hotkey, code);
      this.repos.classes.updateClass(next);
      return toClass(next);
    });
  }

  /** Refuses while any point of a layer using the schema still carries the code. */
  removeClass(code: number, schemaId?: number) {
    const schema = this.schema(schemaId);
    if (!this.repos.classes.getClass(schema.id, code)) throw new ServiceFailure('not_found', `no class ${code} in "${schema.name}"`);
    if (this.labels.codeInUse(schema.id, code)) throw new ServiceFailure('conflict', `class ${code} is still used by labeled points; relabel them first`);
    this.db.tx(() => this.repos.classes.deleteClass(schema.id, code));
  }

  // ---- layers and labels ----

  listLayers(scanId: string): LayerInfo[] {
    this.getScan(scanId);
    return this.repos.layers.list(scanId).map(toLayer);
  }

  createLayer(scanId: string, name: string, kind: LayerKind): LayerInfo {
    this.getScan(scanId);
    return this.db.tx(() => {
      if (this.repos.layers.byName(scanId, name)) throw new ServiceFailure('conflict', `scan "${scanId}" already has a layer "${name}"`);
      return toLayer(this.insertLayer(scanId, name, kind));
    });
  }

  /** Writes propagation's output as the scan's 'predicted' layer (created on first use); see LabelStore.replaceDerivedLayer. */
  writePredictions(scanId: string, classes: Uint8Array | Uint16Array, confidence: Uint8Array): void {
    if (!this.repos.layers.byName(scanId, 'predicted')) this.createLayer(scanId, 'predicted', 'predicted');
    this.labels.replaceDerivedLayer(scanId, 'predicted', classes, confidence);
  }

  /** Bytes per class code of the scan's layers (1 or 2), from the active schema. */
  codeWidth(scanId: string, layer = 'user'): 1 | 2 {
    return this.labels.layer(scanId, layer).codeWidth;
  }

  /** Applies an edit; when this returns, the edit and its undo data are committed. */
  applyEdit(cmd: EditCommand): EditResult {
    return this.labels.applyEdit(cmd);
  }

  /** The same, from contract params (point sets as JSON, or a selection handle the caller resolves). */
  applyEditParams(params: EditParams, resolveSelection?: SelectionResolver): EditResult {
    const { points, ...rest } = params as EditParams & { points?: Parameters<typeof pointSetToIndices>[0] };
    return this.labels.applyEdit({ ...rest, ...(points ? { points: pointSetToIndices(points, resolveSelection) } : {}) } as EditCommand);
  }

  undo(scanId: string): EditResult | null {
    this.getScan(scanId);
    return this.labels.undo(scanId);
  }

  redo(scanId: string): EditResult | null {
    this.getScan(scanId);
    return this.labels.redo(scanId);
  }

  history(scanId: string, limit = 100, beforeId?: number): History {
    this.getScan(scanId);
    return this.labels.history(scanId, limit, beforeId);
  }

  stats(scanId: string, layer = 'user'): LabelStats {
    const l = this.labels.layer(scanId, layer);
    const names = new Map(this.repos.classes.listClasses(l.row.schemaId).map((c) => [c.code, c.name]));
    return this.labels.stats(scanId, layer, names);
  }

  readLabels(scanId: string, layer = 'user'): LayerLabels {
    return this.labels.readLabels(scanId, layer);
  }

  /** The layer's stored chunks, uncopied (see LabelStore.snapshot). */
  labelSnapshot(scanId: string, layer = 'user'): LayerSnapshot {
    return this.labels.snapshot(scanId, layer);
  }

  /** Stored label bytes of a layer and the points they cover (storage budget checks). */
  labelStorage(scanId: string, layer = 'user'): { points: number; bytes: number } {
    return this.repos.labelChunks.storedBytes(this.labels.layer(scanId, layer).row.id);
  }

  // ---- clicks, models, jobs: thin persistence for the segmentation and jobs services ----

  get clicks() {
    return this.repos.clicks;
  }

  get models() {
    return this.repos.models;
  }

  get jobs() {
    return this.repos.jobs;
  }

  /** Runs fn in one durable transaction (for callers composing repository writes). */
  transaction<T>(fn: () => T): T {
    return this.db.tx(fn);
  }

  // ---- internals ----

  private schema(schemaId?: number): ClassSchemaRow {
    const id = schemaId ?? this.repos.projects.get()?.activeSchemaId;
    const s = id === undefined || id === null ? undefined : this.repos.classes.getSchema(id);
    if (!s) throw new ServiceFailure('not_found', `no class schema ${id ?? '(none active)'}`);
    return s;
  }

  private insertPreset(preset: PresetId, name?: string): ClassSchemaRow {
    const p = PRESETS[preset];
    const schemaName = name ?? p.name;
    if (this.repos.classes.listSchemas().some((s) => s.name === schemaName)) throw new ServiceFailure('conflict', `a class schema "${schemaName}" already exists`);
    const id = this.repos.classes.insertSchema({ name: schemaName, preset, codeWidth: 1, createdAt: Date.now() });
    const schema = this.repos.classes.getSchema(id)!;
    p.classes.forEach((c, i) => this.insertClass(schema, { ...c, hotkey: defaultHotkey(i), exportCode: null }, i));
    return schema;
  }

  private insertClass(schema: ClassSchemaRow, c: { code: number; name: string; color: string; hotkey: string | null; exportCode: number | null }, sort: number): ClassRow {
    const max = schema.codeWidth === 1 ? 0xfe : 0xfffe;
    if (c.code > max) throw new ServiceFailure('invalid_params', `class code ${c.code} exceeds ${max}, the largest "${schema.name}" can store`);
    this.checkHotkey(schema.id, c.hotkey, c.code);
    const row: ClassRow = { schemaId: schema.id, code: c.code, name: c.name, color: c.color.toLowerCase(), hotkey: c.hotkey, exportCode: c.exportCode, sort };
    this.repos.classes.insertClass(row);
    return row;
  }

  private checkHotkey(schemaId: number, hotkey: string | null, code: number) {
    if (hotkey === null) return;
    const holder = this.repos.classes.byHotkey(schemaId, hotkey);
    if (holder && holder.code !== code) throw new ServiceFailure('conflict', `hotkey "${hotkey}" is already used by class ${holder.code} (${holder.name})`);
  }

  private insertLayer(scanId: string, name: string, kind: LayerKind): LayerRow {
    const schemaId = this.schema().id;
    const row = { scanId, name, kind, schemaId, chunkSize: LABEL_CHUNK_SIZE, createdAt: Date.now() };
    return { id: this.repos.layers.insert(row), ...row };
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ServiceFailure('invalid_params', msg);
  }
  return r.data;
}

const toScan = (r: ScanRow): ProjectScan => ({
  id: r.id,
  name: r.name,
  sourcePath: r.sourcePath,
  format: r.format,
  crs: r.crs,
  origin: [r.originX, r.originY, r.originZ],
  pointCount: r.pointCount,
  faceCount: r.faceCount,
  createdAt: r.createdAt,
});

const toSchema = (s: ClassSchemaRow): ClassSchemaInfo => ({ id: s.id, name: s.name, preset: s.preset as PresetId | null, codeWidth: s.codeWidth });
const toClass = (c: ClassRow): LabelClass => ({ code: c.code, name: c.name, color: c.color, hotkey: c.hotkey, exportCode: c.exportCode });
const toLayer = (l: LayerRow): LayerInfo => ({ id: l.id, scanId: l.scanId, name: l.name, kind: l.kind, schemaId: l.schemaId });
