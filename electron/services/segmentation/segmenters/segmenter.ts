import type { RenderedView } from '../render/view';
import type { BuiltinOptions } from './builtin';

/** A prompt point in view pixel coordinates (continuous; the pixel centre of column x is x + 0.5). */
export interface PromptPoint {
  x: number;
  y: number;
  positive: boolean;
  /**
   * The anchor's own height above the terrain model, when known. The pixel it lands on may show
   * a surface just in front of it (a facade over the ground at its foot), so this, not the pixel,
   * says which side of the ground line a negative click lies on.
   */
  heightAboveGround?: number;
}

export interface Prompts {
  points: PromptPoint[];
  /** Optional box in view pixels (x0, y0 top-left; x1, y1 bottom-right). */
  box?: { x0: number; y0: number; x1: number; y1: number };
}

export interface SegmentResult {
  width: number;
  height: number;
  /** 1 inside, 0 outside, per view pixel. */
  mask: Uint8Array;
  /** The segmenter's confidence in the mask, 0..1 (SAM: predicted IoU). */
  score: number;
}

/**
 * Image + depth/normal/id + prompts in, mask + score out. The view carries every channel; SAM
 * models read only RGB, the built-in segmenter reads geometry too. Implementations may cache work
 * per view object (SAM image embeddings), so pass the same view for repeated prompts.
 */
export interface Segmenter {
  readonly id: string;
  /** Human-readable, includes the execution provider for ONNX models ("sam1 vit_b on cpu"). */
  readonly description: string;
  /** Resolution the views should be rendered at (SAM: 1024 long side; built-in: smaller is faster). */
  readonly viewSize: { width: number; height: number };
  segment(view: RenderedView, prompts: Prompts): Promise<SegmentResult>;
  /**
   * Set by the built-in segmenter: it is plain code with these options, so render workers run it
   * next to the render (`segmentGeometric`) instead of shipping each view back for segmentation.
   */
  readonly portable?: { builtin: BuiltinOptions };
  dispose(): Promise<void>;
}
