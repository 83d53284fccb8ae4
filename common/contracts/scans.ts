import { z } from 'zod';
import { CameraSchema } from './segmentation';

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

/**
 * A scan's LOD octree (docs/octree-format.md) as the viewer reads it: the hierarchy as one JSON blob,
 * each node's bytes (as stored in nodes.bin) at `${nodePrefix}<name>`, and for project scans the
 * node's label layers at `${nodePrefix}<name>/labels|predicted|confidence` (gathered through the
 * node's original point indices).
 */
export const OctreeView = z.object({
  /** Relative blob path of the hierarchy (compact JSON: cube, spacing, attributes, nodes). */
  hierarchyBlob: z.string(),
  /** Relative blob path prefix of the nodes, e.g. `blob/scans/<id>/octree/nodes/`. */
  nodePrefix: z.string(),
  nodeCount: z.number().int().min(0),
  pointCount: z.number().int().min(0),
  levels: z.number().int().min(0),
  /** Minimum point spacing of the root node (halves per level). */
  rootSpacing: z.number(),
  /** Points the viewer draws at most by default (it may be overridden by the user). */
  budgetHint: z.number().int().min(1),
});
export type OctreeView = z.infer<typeof OctreeView>;

/** One texture image of a mesh: RGBA8 bytes (row 0 = top of the image) at `blob`. */
export const MeshTextureView = z.object({
  name: z.string(),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  blob: z.string(),
});
export type MeshTextureView = z.infer<typeof MeshTextureView>;

/**
 * A mesh scan's triangles for the viewer, as relative blob paths: `positions` float32 xyz per vertex
 * (scan frame), `indices` uint32 (3 per face), `cornerUvs` float32 (6 per face, v DOWN from the
 * image's top row), `faceTexture` int16 per face (-1 = none), `faceClasses` uint16 per face (the
 * file's classes, 0xffff none). Project mesh scans are labeled per face: `faceLabels` (user layer)
 * and `facePredicted` uint16 per face (0xffff = unlabeled), `faceConfidence` uint8 per face.
 */
export const MeshView = z.object({
  vertexCount: z.number().int().min(0),
  faceCount: z.number().int().min(0),
  blobs: z.object({
    positions: z.string(),
    indices: z.string(),
    cornerUvs: z.string().optional(),
    faceTexture: z.string().optional(),
    faceClasses: z.string().optional(),
    faceLabels: z.string().optional(),
    facePredicted: z.string().optional(),
    faceConfidence: z.string().optional(),
  }),
  textures: z.array(MeshTextureView),
});
export type MeshView = z.infer<typeof MeshView>;

export const ScanView = z.object({
  scan: ScanSummary,
  /** Present for mesh scans: the viewer draws the triangles (labels per face) instead of `chunks`. */
  mesh: MeshView.optional(),
  /** Present when the scan has an LOD octree in the project: the viewer then draws nodes under a point budget instead of `chunks`. */
  octree: OctreeView.optional(),
  chunks: z.array(ScanChunk),
  /** Classes of the scan's own labels (imported or ground truth), for colouring the 'classification' blob. */
  classes: z.array(ClassInfo),
  /** True when the scan belongs to the open project: chunks then also offer a 'labels' blob (user layer). */
  inProject: z.boolean(),
  /** Display range of the 'intensity' blob (1st..99th percentile). */
  intensityRange: z.tuple([z.number(), z.number()]),
});
export type ScanView = z.infer<typeof ScanView>;

/**
 * Polygon selection done by the core over every point of the in-memory scan (an LOD view only has
 * some points loaded). `camera` is the user's view (common/geometry/camera.ts), `polygon` is in its
 * pixels; `filter` mirrors what the viewer hides, so the selection takes only points the user can see.
 */
export const SelectPolygonParams = z
  .object({
    scanId: z.string().min(1).max(128),
    camera: CameraSchema,
    polygon: z
      .array(z.tuple([z.number().finite(), z.number().finite()]))
      .min(3)
      .max(10_000),
    filter: z
      .object({
        /** z range (scan frame) outside which points are hidden. */
        heightSlice: z.tuple([z.number().finite(), z.number().finite()]).optional(),
        /** User-label codes hidden in the label colour modes. */
        hiddenClasses: z.array(z.number().int().min(0).max(65535)).max(1024).optional(),
        /** Only this class (user label, else prediction) is shown. */
        isolate: z.number().int().min(0).max(65535).optional(),
        /** Only unlabeled points are shown. */
        unlabeledOnly: z.boolean().optional(),
        /** Axis-aligned clipping box (scan frame): points outside are hidden. */
        clipBox: z
          .object({
            min: z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]),
            max: z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /** false: return only the count and the handle, not the ids. Default true. */
    withIds: z.boolean().optional(),
  })
  .strict();
export type SelectPolygonParams = z.infer<typeof SelectPolygonParams>;

/**
 * A selection computed in the core. `selectionId` names it in a later edit (PointSet `{ selection }`),
 * so large selections never travel back; `idsBase64` (uint32 LE) is empty when the caller passed
 * `withIds: false` (an LOD view highlights its loaded points itself).
 */
export const CoreSelection = z.object({ count: z.number().int(), selectionId: z.string(), idsBase64: z.string() });
export type CoreSelection = z.infer<typeof CoreSelection>;
