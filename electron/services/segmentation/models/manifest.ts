import { z } from 'zod';

/**
 * native-models/<id>/model.json: everything needed to load and trust a user's exported model.
 * The family and preprocessing are detected from the ONNX signatures when the model is added and
 * written down here, so a reader (or `models verify`) can see what the app will feed it.
 */
export const ModelFile = z.object({
  /** Relative to the manifest's folder. */
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
  /** External-data sidecars (ViT-H `<name>_data.bin`), resolved next to the model by ORT. */
  externalData: z.array(z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int() })).default([]),
});

export const ModelManifest = z.object({
  schema: z.literal('scanlabel-model/1'),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  name: z.string().min(1),
  family: z.enum(['sam1', 'sam2', 'efficientsam', 'edgesam', 'hf-sam']),
  files: z.object({ encoder: ModelFile, decoder: ModelFile }),
  /** Square view size the model is fed (SAM family: 1024). */
  inputSize: z.number().int().min(64).max(4096),
  preprocessing: z.object({
    encoderInput: z.enum(['hwc-preprocess', 'nchw-1024', 'nchw-any']),
    resize: z.enum(['longest_side', 'stretch', 'in-graph']),
    normalization: z.enum(['sam-0-255', 'imagenet-0-1', 'in-graph']),
    masks: z.number().int(),
  }),
  license: z.string().default('unknown'),
  source: z.string().default('unknown'),
  addedAt: z.string(),
});
export type ModelManifest = z.infer<typeof ModelManifest>;
