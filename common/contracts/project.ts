import { z } from 'zod';
import { Vec3 } from './scans';

/**
 * The project store's service contract: projects, scans, class schemas, label layers, edits with
 * undo/redo, stats. Point sets travel as ranges, small index lists, or base64 uint32 LE (large
 * selections should use ranges or base64; bulk label arrays are served as binary blobs).
 */
const method = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ params, result });

const ScanId = z.string().min(1).max(128);
const LayerName = z.string().min(1).max(64);
const ClassCode = z.number().int().min(0).max(65534);
const InstanceId = z.number().int().min(0).max(0xffffffff);
const Color = z.string().regex(/^#[0-9a-f]{6}$/i);
const Hotkey = z.string().min(1).max(16);

export const PresetId = z.enum(['asprs', 'sum', 'semantickitti', 's3dis']);
export type PresetId = z.infer<typeof PresetId>;
export const LayerKind = z.enum(['user', 'predicted', 'imported']);
export type LayerKind = z.infer<typeof LayerKind>;
export const LabelSource = z.enum(['none', 'manual', 'click', 'propagated', 'predicted', 'imported']);
export type LabelSource = z.infer<typeof LabelSource>;

export const PointSet = z.union([
  z.object({ indices: z.array(z.number().int().min(0).max(0xffffffff)).max(1_000_000) }).strict(),
  z.object({ ranges: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])).max(1_000_000) }).strict(),
  z.object({ base64: z.string().max(64 * 1024 * 1024) }).strict(),
  /** A selection held by the core (scans.selectPolygon, propagation.ground/superpoint): no ids on the wire. */
  z.object({ selection: z.string().min(1).max(64) }).strict(),
]);
export type PointSet = z.infer<typeof PointSet>;

export const ProjectInfo = z.object({
  dir: z.string(),
  uuid: z.string(),
  name: z.string(),
  readOnly: z.boolean(),
  activeSchemaId: z.number().int().nullable(),
  createdAt: z.number(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

export const ProjectScan = z.object({
  id: z.string(),
  name: z.string(),
  sourcePath: z.string().nullable(),
  format: z.string(),
  crs: z.string().nullable(),
  origin: Vec3,
  pointCount: z.number().int().min(0),
  faceCount: z.number().int().min(0),
  createdAt: z.number(),
});
export type ProjectScan = z.infer<typeof ProjectScan>;

export const RegisterScanParams = z
  .object({
    id: ScanId.optional(),
    name: z.string().min(1).max(256),
    sourcePath: z.string().nullable().default(null),
    format: z.string().min(1).max(32),
    crs: z.string().nullable().default(null),
    origin: Vec3.default([0, 0, 0]),
    pointCount: z.number().int().min(0).max(0xffffffff),
    faceCount: z.number().int().min(0).default(0),
  })
  .strict();
export type RegisterScanParams = z.input<typeof RegisterScanParams>;

export const ClassSchemaInfo = z.object({
  id: z.number().int(),
  name: z.string(),
  preset: PresetId.nullable(),
  codeWidth: z.union([z.literal(1), z.literal(2)]),
});
export type ClassSchemaInfo = z.infer<typeof ClassSchemaInfo>;

export const LabelClass = z.object({
  code: ClassCode,
  name: z.string().min(1).max(128),
  color: Color,
  hotkey: Hotkey.nullable(),
  /** Code written on export; null = code. */
  exportCode: z.number().int().min(0).nullable(),
});
export type LabelClass = z.infer<typeof LabelClass>;

export const ClassInput = LabelClass.extend({
  hotkey: Hotkey.nullable().default(null),
  exportCode: z.number().int().min(0).nullable().default(null),
}).strict();
export type ClassInput = z.input<typeof ClassInput>;

export const ClassPatch = z
  .object({ name: z.string().min(1).max(128), color: Color, hotkey: Hotkey.nullable(), exportCode: z.number().int().min(0).nullable() })
  .partial()
  .strict();
export type ClassPatch = z.infer<typeof ClassPatch>;

export const LayerInfo = z.object({
  id: z.number().int(),
  scanId: z.string(),
  name: z.string(),
  kind: LayerKind,
  schemaId: z.number().int(),
});
export type LayerInfo = z.infer<typeof LayerInfo>;

const EditTarget = {
  scanId: ScanId,
  /** Layer name; default 'user'. */
  layer: LayerName.optional(),
  /** Edits skip locked points unless this is set. */
  includeLocked: z.boolean().optional(),
};

export const EditParams = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('assign'),
      ...EditTarget,
      points: PointSet,
      classCode: ClassCode,
      instance: InstanceId.optional(),
      confidence: z.number().int().min(0).max(255).optional(),
      source: LabelSource.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('erase'), ...EditTarget, points: PointSet }).strict(),
  z
    .object({
      kind: z.literal('lift'),
      ...EditTarget,
      points: PointSet,
      classCode: ClassCode,
      instance: InstanceId.optional(),
      clickIds: z.array(z.number().int()).max(1000),
      modelId: z.string().nullable().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('merge'), ...EditTarget, instances: z.array(InstanceId).min(1).max(10_000), into: InstanceId }).strict(),
  z.object({ kind: z.literal('split'), ...EditTarget, points: PointSet, instance: InstanceId }).strict(),
  z
    .object({
      kind: z.literal('accept'),
      ...EditTarget,
      fromLayer: LayerName,
      points: PointSet.optional(),
      minConfidence: z.number().int().min(0).max(255).optional(),
      /** Only points whose source-layer class is one of these (accept one predicted class scan-wide). */
      classes: z.array(ClassCode).min(1).max(1024).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('lock'), ...EditTarget, points: PointSet.optional(), classes: z.array(ClassCode).optional() }).strict(),
  z.object({ kind: z.literal('unlock'), ...EditTarget, points: PointSet.optional(), classes: z.array(ClassCode).optional() }).strict(),
]);
export type EditParams = z.infer<typeof EditParams>;
export type EditKind = EditParams['kind'];

export const EditResult = z.object({
  editId: z.number().int(),
  kind: z.string(),
  /** Points the edit changed (locked points skipped are not included). */
  pointCount: z.number().int(),
  skippedLocked: z.number().int(),
});
export type EditResult = z.infer<typeof EditResult>;

export const HistoryEntry = z.object({
  editId: z.number().int(),
  kind: z.string(),
  layer: z.string(),
  params: z.record(z.string(), z.unknown()),
  pointCount: z.number().int(),
  skippedLocked: z.number().int(),
  state: z.enum(['applied', 'undone']),
  createdAt: z.number(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const History = z.object({
  entries: z.array(HistoryEntry),
  canUndo: z.boolean(),
  canRedo: z.boolean(),
});
export type History = z.infer<typeof History>;

export const LabelStats = z.object({
  scanId: z.string(),
  layer: z.string(),
  total: z.number().int(),
  labeled: z.number().int(),
  locked: z.number().int(),
  classes: z.array(z.object({ code: z.number().int(), name: z.string().nullable(), count: z.number().int() })),
});
export type LabelStats = z.infer<typeof LabelStats>;

const ScanParams = z.object({ scanId: ScanId }).strict();
const Ok = z.object({ ok: z.literal(true) });

export const projectContract = {
  'project.create': method(
    z.object({ dir: z.string().min(1), name: z.string().max(256).optional(), schema: PresetId.default('asprs') }).strict(),
    ProjectInfo,
  ),
  'project.open': method(z.object({ dir: z.string().min(1), readOnly: z.boolean().default(false) }).strict(), ProjectInfo),
  'project.close': method(z.object({}).strict(), Ok),
  /** Recently opened project folders, newest first. */
  'project.recent': method(z.object({}).strict(), z.array(z.string())),
  'project.info': method(z.object({}).strict(), ProjectInfo),
  'project.scans': method(z.object({}).strict(), z.array(ProjectScan)),
  'project.registerScan': method(RegisterScanParams, ProjectScan),
  'classes.schemas': method(z.object({}).strict(), z.array(ClassSchemaInfo)),
  'classes.createSchema': method(
    z
      .object({
        name: z.string().min(1).max(128),
        preset: PresetId.optional(),
        classes: z.array(ClassInput).max(65535).optional(),
        codeWidth: z.union([z.literal(1), z.literal(2)]).optional(),
        activate: z.boolean().default(false),
      })
      .strict(),
    ClassSchemaInfo,
  ),
  'classes.list': method(z.object({ schemaId: z.number().int().optional() }).strict(), z.array(LabelClass)),
  'classes.add': method(z.object({ schemaId: z.number().int().optional(), class: ClassInput }).strict(), LabelClass),
  'classes.update': method(z.object({ schemaId: z.number().int().optional(), code: ClassCode, patch: ClassPatch }).strict(), LabelClass),
  'classes.remove': method(z.object({ schemaId: z.number().int().optional(), code: ClassCode }).strict(), Ok),
  'labels.layers': method(ScanParams, z.array(LayerInfo)),
  'labels.createLayer': method(z.object({ scanId: ScanId, name: LayerName, kind: LayerKind }).strict(), LayerInfo),
  'labels.applyEdit': method(EditParams, EditResult),
  'labels.undo': method(ScanParams, EditResult.nullable()),
  'labels.redo': method(ScanParams, EditResult.nullable()),
  'labels.history': method(
    z.object({ scanId: ScanId, limit: z.number().int().min(1).max(10_000).default(100), beforeId: z.number().int().optional() }).strict(),
    History,
  ),
  'labels.stats': method(z.object({ scanId: ScanId, layer: LayerName.optional() }).strict(), LabelStats),
} as const;

export type ProjectContract = typeof projectContract;
