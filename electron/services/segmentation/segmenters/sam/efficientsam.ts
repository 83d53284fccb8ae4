import * as ort from 'onnxruntime-node';
import type { Prompts, SegmentResult } from '../segmenter';
import { promptArrays, type Feeds, type ImageInput, type RunnableSession, type SamAdapter } from './adapter';
import { argmax, thresholdLogits } from './postprocess';
import { nchwUnit } from './preprocess';

/**
 * EfficientSAM (yformer export): the encoder takes RGB 0..1 at any size and resizes/normalises
 * in-graph; the decoder takes points in ORIGINAL pixels ([B, Q, N, 2]), rescales them itself, and
 * returns three masks at `orig_im_size` (int64). Best by predicted IoU, threshold >= 0 as in the
 * repo's example.
 */
export class EfficientSamAdapter implements SamAdapter {
  readonly family = 'efficientsam' as const;

  async encode(encoder: RunnableSession, image: ImageInput): Promise<Feeds> {
    const input = new ort.Tensor('float32', nchwUnit(image.rgb, image.width, image.height), [1, 3, image.height, image.width]);
    const out = await encoder.run({ batched_images: input });
    return { image_embeddings: out.image_embeddings! };
  }

  async decode(decoder: RunnableSession, embedding: Feeds, prompts: Prompts, width: number, height: number): Promise<SegmentResult> {
    const { coords, labels } = promptArrays(prompts, 1, 1, false);
    const n = labels.length;
    const out = await decoder.run(
      {
        image_embeddings: embedding.image_embeddings!,
        batched_point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, 1, n, 2]),
        batched_point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, 1, n]),
        orig_im_size: new ort.Tensor('int64', BigInt64Array.of(BigInt(height), BigInt(width)), [2]),
      },
      ['output_masks', 'iou_predictions'],
    );
    const scores = out.iou_predictions!.data as Float32Array;
    const k = argmax(scores);
    const mask = thresholdLogits(out.output_masks!.data as Float32Array, k * width * height, width * height, -1e-12);
    return { width, height, mask, score: scores[k]! };
  }
}
