import * as ort from 'onnxruntime-node';
import type { Prompts, SegmentResult } from '../segmenter';
import { promptArrays, type Feeds, type ImageInput, type RunnableSession, type SamAdapter } from './adapter';
import { argmax, lowResToMask } from './postprocess';
import { longSideShape, normalizePadNchw, resizeRgb, SAM_MEAN, SAM_STD } from './preprocess';

/**
 * EdgeSAM: SAM preprocessing on the host (long side 1024, SAM mean/std, pad bottom-right); the
 * decoder takes only embeddings + points and returns `scores` then `masks` (4 x 256 x 256 logits).
 * Mask choice follows EdgeSAM's web demo: argmax of the four scores.
 */
export class EdgeSamAdapter implements SamAdapter {
  readonly family = 'edgesam' as const;

  async encode(encoder: RunnableSession, image: ImageInput): Promise<Feeds> {
    const shape = longSideShape(image.width, image.height);
    const hwc = resizeRgb(image.rgb, image.width, image.height, shape.width, shape.height);
    const input = new ort.Tensor('float32', normalizePadNchw(hwc, shape.width, shape.height, 1024, SAM_MEAN, SAM_STD, 255), [1, 3, 1024, 1024]);
    const out = await encoder.run({ image: input });
    return { image_embeddings: out.image_embeddings! };
  }

  async decode(decoder: RunnableSession, embedding: Feeds, prompts: Prompts, width: number, height: number): Promise<SegmentResult> {
    const shape = longSideShape(width, height);
    const { coords, labels } = promptArrays(prompts, shape.width / width, shape.height / height, true);
    const n = labels.length;
    const out = await decoder.run({
      image_embeddings: embedding.image_embeddings!,
      point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, n, 2]),
      point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, n]),
    });
    const scores = out.scores!.data as Float32Array;
    const k = argmax(scores);
    const mask = lowResToMask(out.masks!.data as Float32Array, k * 256 * 256, { kind: 'long-side', newWidth: shape.width, newHeight: shape.height }, width, height);
    return { width, height, mask, score: Math.max(0, Math.min(1, scores[k]!)) };
  }
}
