import * as ort from 'onnxruntime-node';
import type { Prompts, SegmentResult } from '../segmenter';
import { promptArrays, type Feeds, type ImageInput, type RunnableSession, type SamAdapter } from './adapter';
import type { DetectedModel } from './detect';
import { argmax, thresholdLogits } from './postprocess';
import { longSideShape, normalizePadNchw, resizeRgb, SAM_MEAN, SAM_STD } from './preprocess';

/**
 * Official SAM / samexporter / MobileSAM (same decoder). The decoder upsamples in-graph to
 * `orig_im_size`, so masks come back at view resolution as logits.
 * Multimask (C = 4) selection follows SamPredictor: with one click (+ padding point) or a box
 * alone, the best of masks 1..3 by predicted IoU; with more prompts, mask 0.
 */
export class Sam1Adapter implements SamAdapter {
  readonly family = 'sam1' as const;
  constructor(private readonly detected: DetectedModel) {}

  async encode(encoder: RunnableSession, image: ImageInput): Promise<Feeds> {
    const shape = longSideShape(image.width, image.height);
    const hwc = resizeRgb(image.rgb, image.width, image.height, shape.width, shape.height);
    const input =
      this.detected.encoderInput === 'hwc-preprocess'
        ? new ort.Tensor('float32', hwc, [shape.height, shape.width, 3])
        : new ort.Tensor('float32', normalizePadNchw(hwc, shape.width, shape.height, 1024, SAM_MEAN, SAM_STD, 255), [1, 3, 1024, 1024]);
    const out = await encoder.run({ input_image: input });
    return { image_embeddings: out.image_embeddings! };
  }

  async decode(decoder: RunnableSession, embedding: Feeds, prompts: Prompts, width: number, height: number): Promise<SegmentResult> {
    const shape = longSideShape(width, height);
    const { coords, labels } = promptArrays(prompts, shape.width / width, shape.height / height, true);
    const n = labels.length;
    const out = await decoder.run(
      {
        image_embeddings: embedding.image_embeddings!,
        point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, n, 2]),
        point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, n]),
        mask_input: new ort.Tensor('float32', new Float32Array(256 * 256), [1, 1, 256, 256]),
        has_mask_input: new ort.Tensor('float32', Float32Array.of(0), [1]),
        orig_im_size: new ort.Tensor('float32', Float32Array.of(height, width), [2]),
      },
      ['masks', 'iou_predictions'],
    );
    const scores = out.iou_predictions!.data as Float32Array;
    const C = scores.length;
    const k = C === 1 ? 0 : n <= 2 ? argmax(scores, 1, C) : 0;
    const mask = thresholdLogits(out.masks!.data as Float32Array, k * width * height, width * height);
    return { width, height, mask, score: scores[k]! };
  }
}
