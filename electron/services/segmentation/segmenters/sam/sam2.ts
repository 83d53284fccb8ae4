import * as ort from 'onnxruntime-node';
import type { Prompts, SegmentResult } from '../segmenter';
import { promptArrays, type Feeds, type ImageInput, type RunnableSession, type SamAdapter } from './adapter';
import { argmax, lowResToMask } from './postprocess';
import { IMAGENET_MEAN, IMAGENET_STD, normalizePadNchw, resizeRgb } from './preprocess';

/**
 * SAM 2 / 2.1 exported by samexporter: stretched (not letterboxed) 1024 x 1024 input with ImageNet
 * statistics; the decoder appends its own padding point and returns three 256 x 256 logit maps;
 * the best by predicted IoU is upsampled on the host (samexporter's sam2_onnx.py does the same).
 */
export class Sam2Adapter implements SamAdapter {
  readonly family = 'sam2' as const;

  async encode(encoder: RunnableSession, image: ImageInput): Promise<Feeds> {
    const hwc = resizeRgb(image.rgb, image.width, image.height, 1024, 1024);
    const input = new ort.Tensor('float32', normalizePadNchw(hwc, 1024, 1024, 1024, IMAGENET_MEAN, IMAGENET_STD, 1), [1, 3, 1024, 1024]);
    const out = await encoder.run({ image: input });
    return { image_embed: out.image_embed!, high_res_feats_0: out.high_res_feats_0!, high_res_feats_1: out.high_res_feats_1! };
  }

  async decode(decoder: RunnableSession, embedding: Feeds, prompts: Prompts, width: number, height: number): Promise<SegmentResult> {
    const { coords, labels } = promptArrays(prompts, 1024 / width, 1024 / height, false);
    const n = labels.length;
    const out = await decoder.run({
      ...embedding,
      point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, n, 2]),
      point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, n]),
      mask_input: new ort.Tensor('float32', new Float32Array(256 * 256), [1, 1, 256, 256]),
      has_mask_input: new ort.Tensor('float32', Float32Array.of(0), [1]),
    });
    const scores = out.iou_predictions!.data as Float32Array;
    const k = argmax(scores);
    const mask = lowResToMask(out.masks!.data as Float32Array, k * 256 * 256, { kind: 'stretch' }, width, height);
    return { width, height, mask, score: scores[k]! };
  }
}
