import { z } from 'zod';

export const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
export type Vec3 = z.infer<typeof Vec3>;

export const AttributeType = z.enum(['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32', 'float32', 'float64']);
export type AttributeType = z.infer<typeof AttributeType>;

export const AttributeInfo = z.object({
  name: z.string(),
  type: AttributeType,
  /** Values per point (3 for rgb). */
  components: z.number().int().min(1),
});
export type AttributeInfo = z.infer<typeof AttributeInfo>;

export const ClassInfo = z.object({
  code: z.number().int().min(0),
  name: z.string(),
  /** #rrggbb */
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
});
export type ClassInfo = z.infer<typeof ClassInfo>;

export const ScanSummary = z.object({
  id: z.string(),
  name: z.string(),
  format: z.string(),
  pointCount: z.number().int().min(0),
  faceCount: z.number().int().min(0),
  /** Double-precision origin in file coordinates; positions are float32 offsets from it. */
  origin: Vec3,
  /** Bounds of the float32 offsets (add origin for file coordinates). */
  boundsMin: Vec3,
  boundsMax: Vec3,
  attributes: z.array(AttributeInfo),
  crs: z.string().nullable(),
});
export type ScanSummary = z.infer<typeof ScanSummary>;

/** One renderable chunk of a scan, with binary attribute blobs fetched by URL (never through JSON RPC). */
export const ScanChunk = z.object({
  id: z.string(),
  pointCount: z.number().int().min(0),
  /** Relative blob paths, e.g. `blob/scans/demo/chunks/0/position`; prefix with the transport's blob base. */
  blobs: z.record(z.string(), z.string()),
});
export type ScanChunk = z.infer<typeof ScanChunk>;

export const ScanView = z.object({
  scan: ScanSummary,
  chunks: z.array(ScanChunk),
  /** Classes of the scan's own labels (imported or ground truth), for colouring the 'classification' blob. */
  classes: z.array(ClassInfo),
  /** True when the scan belongs to the open project: chunks then also offer a 'labels' blob (user layer). */
  inProject: z.boolean(),
  /** Display range of the 'intensity' blob (1st..99th percentile). */
  intensityRange: z.tuple([z.number(), z.number()]),
});
export type ScanView = z.infer<typeof ScanView>;
