import * as ort from 'onnxruntime-node';
import type { Prompts, SegmentResult } from '../segmenter';
import { promptArrays, type Feeds, type ImageInput, type RunnableSession, type SamAdapter } from './adapter';
import { argmax, lowResToMask } from './postprocess';
import { IMAGENET_MEAN, IMAGENET_STD, longSideShape, normalizePadNchw, resizeRgb } from './preprocess';

/**
 * Hugging Face transformers / transformers.js SAM and SlimSAM (vision_encoder.onnx +
 * prompt_encoder_mask_decoder.onnx): processor = rescale 1/255, ImageNet mean/std, long side 1024,
 * pad bottom-right; points in the long-side frame as [B, P, N, 2], labels int64; three 256 x 256
 * logit maps, best by iou_scores, upsampled like SAM.
 */
export class HfSamAdapter implements SamAdapter {
  readonly family = 'hf-sam' as const;

  async encode(encoder: RunnableSession, image: ImageInput): Promise<Feeds> {
    const shape = longSideShape(image.width, image.height);
    const hwc = resizeRgb(image.rgb, image.width, image.height, shape.width, shape.height);
    const input = new ort.Tensor('float32', normalizePadNchw(hwc, shape.width, shape.height, 1024, IMAGENET_MEAN, IMAGENET_STD, 1), [1, 3, 1024, 1024]);
    const out = await encoder.run({ pixel_values: input });
    return { image_embeddings: out.image_embeddings!, image_positional_embeddings: out.image_positional_embeddings! };
  }

  async decode(decoder: RunnableSession, embedding: Feeds, prompts: Prompts, width: number, height: number): Promise<SegmentResult> {
    const shape = longSideShape(width, height);
    const { coords, labels } = promptArrays(prompts, shape.width / width, shape.height / height, false);
    const n = labels.length;
    const out = await decoder.run({
      ...embedding,
      input_points: new ort.Tensor('float32', Float32Array.from(coords), [1, 1, n, 2]),
      input_labels: new ort.Tensor('int64', BigInt64Array.from(labels.map((l) => BigInt(l))), [1, 1, n]),
    });
    const scores = out.iou_scores!.data as Float32Array;
    const k = argmax(scores);
    const mask = lowResToMask(out.pred_masks!.data as Float32Array, k * 256 * 256, { kind: 'long-side', newWidth: shape.width, newHeight: shape.height }, width, height);
    return { width, height, mask, score: scores[k]! };
  }
}
