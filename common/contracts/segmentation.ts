import { z } from 'zod';

const method = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ params, result });
const Finite = z.number().finite();
const Vec3 = z.tuple([Finite, Finite, Finite]);
const PointId = z.number().int().min(0).max(0xffffffff);

/** The shared pinhole camera (common/geometry/camera.ts), as the user sees the scan. */
export const CameraSchema = z
  .object({
    width: z.number().int().min(1).max(16384),
    height: z.number().int().min(1).max(16384),
    fx: Finite,
    fy: Finite,
    cx: Finite,
    cy: Finite,
    eye: Vec3,
    rotation: z.tuple([Finite, Finite, Finite, Finite, Finite, Finite, Finite, Finite, Finite]),
    near: z.number().positive(),
  })
  .strict();

export const ClickPreviewParams = z
  .object({
    scanId: z.string().min(1).max(128),
    positives: z.array(PointId).max(64),
    negatives: z.array(PointId).max(64).default([]),
    camera: CameraSchema.optional(),
    box: z.object({ x0: Finite, y0: Finite, x1: Finite, y1: Finite }).strict().optional(),
    /** Single tree: cut a closed canopy to the clicked tree's crown (instance labelling of forests). */
    crowns: z.boolean().optional(),
  })
  .strict();

export const ClickPreviewResult = z.object({
  previewId: z.string(),
  scanId: z.string(),
  target: z.enum(['points', 'faces']),
  segmenter: z.string(),
  count: z.number().int().min(0),
  /** Ascending point (or face) ids, uint32 LE in base64: a preview can hold a million ids. */
  idsBase64: z.string(),
  meanConfidence: z.number(),
  timings: z.record(z.string(), z.number()),
  /**
   * The segmenter's 2D mask of the primary view (the user's view when a camera was sent), at model
   * resolution: one bit per pixel, row-major, pixel i in bit (i & 7) of byte (i >> 3), base64.
   */
  mask: z
    .object({ width: z.number().int().min(1).max(4096), height: z.number().int().min(1).max(4096), bitsBase64: z.string() })
    .optional(),
});
export type ClickPreviewResult = z.infer<typeof ClickPreviewResult>;

export const SegmenterStatus = z.object({
  segmenter: z.string(),
  description: z.string(),
  /** Execution provider that runs the model ('builtin' for the weight-free segmenter). */
  provider: z.string(),
  notes: z.array(z.string()),
  lastLatencyMs: z.number().nullable(),
});
export type SegmenterStatus = z.infer<typeof SegmenterStatus>;

export const segmentationContract = {
  'click.preview': method(ClickPreviewParams, ClickPreviewResult),
  'click.accept': method(
    z.object({ previewId: z.string().min(1).max(64), classCode: z.number().int().min(0).max(65534) }).strict(),
    z.object({ editId: z.number().int(), pointCount: z.number().int() }),
  ),
  'click.cancel': method(z.object({ previewId: z.string().min(1).max(64) }).strict(), z.object({ cancelled: z.boolean() })),
  'segmentation.status': method(z.object({}).strict(), SegmenterStatus),
} as const;
