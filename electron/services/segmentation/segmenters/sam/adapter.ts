import type * as ort from 'onnxruntime-node';
import type { Prompts, SegmentResult } from '../segmenter';
import type { DetectedModel, SamFamily } from './detect';

export type Feeds = Record<string, ort.Tensor>;

/** One ORT session as the adapters use it. */
export type RunnableSession = Pick<ort.InferenceSession, 'run'>;

export interface ImageInput {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/**
 * A SAM family's host-side contract: how to feed the encoder (resize, normalise, layout), how to
 * express prompts in the decoder's coordinate frame (padding point, labels, dtypes), and how to
 * turn its outputs into one mask (which of the multimask outputs, upsampling, threshold).
 */
export interface SamAdapter {
  readonly family: SamFamily;
  encode(encoder: RunnableSession, image: ImageInput): Promise<Feeds>;
  decode(decoder: RunnableSession, embedding: Feeds, prompts: Prompts, width: number, height: number): Promise<SegmentResult>;
}

export interface PromptArrays {
  coords: number[];
  labels: number[];
}

/**
 * Prompts -> flat (x, y) pairs and labels in a model frame. View prompts are continuous pixel
 * coordinates (pixel i spans [i, i+1)); SAM-family encoders add 0.5 to what they are fed (they
 * expect pixel indices), so we feed `x * scale - 0.5` and the prompt lands exactly where clicked.
 * Labels: 1 positive, 0 negative, 2/3 box corners; a (0, 0, -1) padding point is appended when
 * asked and there is no box (SAM's ONNX contract).
 */
export function promptArrays(prompts: Prompts, sx: number, sy: number, padIfNoBox: boolean): PromptArrays {
  const coords: number[] = [];
  const labels: number[] = [];
  for (const p of prompts.points) {
    coords.push(p.x * sx - 0.5, p.y * sy - 0.5);
    labels.push(p.positive ? 1 : 0);
  }
  if (prompts.box) {
    const b = prompts.box;
    coords.push(b.x0 * sx - 0.5, b.y0 * sy - 0.5, b.x1 * sx - 0.5, b.y1 * sy - 0.5);
    labels.push(2, 3);
  } else if (padIfNoBox) {
    coords.push(0, 0);
    labels.push(-1);
  }
  return { coords, labels };
}

export type AdapterFactory = (detected: DetectedModel) => SamAdapter;
