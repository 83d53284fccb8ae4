import { ServiceFailure } from '../../../../../common/result';

/** What ORT reports about one input or output (`session.inputMetadata`), symbolic dims as strings. */
export interface TensorSignature {
  name: string;
  type: string;
  shape: readonly (number | string)[];
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

export type SamFamily = 'sam1' | 'sam2' | 'efficientsam' | 'edgesam' | 'hf-sam';

export interface DetectedModel {
  family: SamFamily;
  /** sam1 only: samexporter --use-preprocess encoders take HWC 0..255 and normalise in-graph. */
  encoderInput: 'hwc-preprocess' | 'nchw-1024' | 'nchw-any';
  /** Masks per decode (sam1: 1 with --return-single-mask, else 4). */
  masks: number;
  summary: string;
}

export class ModelSignatureError extends ServiceFailure {
  constructor(message: string) {
    super('bad_input', message);
    this.name = 'ModelSignatureError';
  }
}

/** [name, dtype, shape]: a number must match, null accepts any (symbolic or fixed). */
type Spec = [string, string, (number | null)[]];

const E = 'float32';
const I64 = 'int64';

const DECODERS: Record<SamFamily, { inputs: Spec[]; outputs: Spec[] }> = {
  sam1: {
    inputs: [
      ['image_embeddings', E, [1, 256, 64, 64]],
      ['point_coords', E, [1, null, 2]],
      ['point_labels', E, [1, null]],
      ['mask_input', E, [1, 1, 256, 256]],
      ['has_mask_input', E, [1]],
      ['orig_im_size', E, [2]],
    ],
    outputs: [
      ['masks', E, [1, null, null, null]],
      ['iou_predictions', E, [1, null]],
      ['low_res_masks', E, [1, null, 256, 256]],
    ],
  },
  sam2: {
    inputs: [
      ['image_embed', E, [1, 256, 64, 64]],
      ['high_res_feats_0', E, [1, 32, 256, 256]],
      ['high_res_feats_1', E, [1, 64, 128, 128]],
      ['point_coords', E, [null, null, 2]],
      ['point_labels', E, [null, null]],
      ['mask_input', E, [null, 1, 256, 256]],
      ['has_mask_input', E, [null]],
    ],
    outputs: [
      ['masks', E, [null, 3, 256, 256]],
      ['iou_predictions', E, [null, 3]],
    ],
  },
  efficientsam: {
    inputs: [
      ['image_embeddings', E, [null, 256, 64, 64]],
      ['batched_point_coords', E, [null, null, null, 2]],
      ['batched_point_labels', E, [null, null, null]],
      ['orig_im_size', I64, [2]],
    ],
    outputs: [
      ['output_masks', E, [null, null, 3, null, null]],
      ['iou_predictions', E, [null, null, 3]],
    ],
  },
  edgesam: {
    inputs: [
      ['image_embeddings', E, [1, 256, 64, 64]],
      ['point_coords', E, [1, null, 2]],
      ['point_labels', E, [1, null]],
    ],
    outputs: [
      ['scores', E, [1, 4]],
      ['masks', E, [1, 4, 256, 256]],
    ],
  },
  'hf-sam': {
    inputs: [
      ['input_points', E, [null, null, null, 2]],
      ['input_labels', I64, [null, null, null]],
      ['image_embeddings', E, [null, 256, 64, 64]],
      ['image_positional_embeddings', E, [null, 256, 64, 64]],
    ],
    outputs: [
      ['iou_scores', E, [null, null, 3]],
      ['pred_masks', E, [null, null, 3, 256, 256]],
    ],
  },
};

const ENCODER_OUTPUTS: Record<SamFamily, Spec[]> = {
  sam1: [['image_embeddings', E, [1, 256, 64, 64]]],
  sam2: [
    ['high_res_feats_0', E, [1, 32, 256, 256]],
    ['high_res_feats_1', E, [1, 64, 128, 128]],
    ['image_embed', E, [1, 256, 64, 64]],
  ],
  efficientsam: [['image_embeddings', E, [null, 256, 64, 64]]],
  edgesam: [['image_embeddings', E, [1, 256, 64, 64]]],
  'hf-sam': [
    ['image_embeddings', E, [null, 256, 64, 64]],
    ['image_positional_embeddings', E, [null, 256, 64, 64]],
  ],
};

/** The family from the decoder's input/output names (never by trial: ORT ignores unknown feeds). */
export function familyOf(decoder: ModelSignature): SamFamily {
  const names = new Set(decoder.inputs.map((i) => i.name));
  const outs = new Set(decoder.outputs.map((o) => o.name));
  if (names.has('high_res_feats_0')) return 'sam2';
  if (names.has('batched_point_coords')) return 'efficientsam';
  if (names.has('input_points') && names.has('image_positional_embeddings')) return 'hf-sam';
  if (names.has('orig_im_size') && names.has('mask_input')) return 'sam1';
  if (names.has('image_embeddings') && names.has('point_coords') && outs.has('scores')) return 'edgesam';
  if (names.has('image_features_0'))
    throw new ModelSignatureError('decoder looks like a Microsoft onnxruntime-tools SAM2 export (image_features_0 ...); export with samexporter (image_embed, high_res_feats_0/1) instead');
  throw new ModelSignatureError(
    `decoder inputs [${[...names].join(', ')}] / outputs [${[...outs].join(', ')}] match no supported SAM family ` +
      '(sam1, sam2 samexporter, efficientsam, edgesam, hf-sam); is this the encoder, or not a SAM decoder?',
  );
}

/** Detects and validates an encoder/decoder pair; throws one error listing every mismatch. */
export function detectModel(encoder: ModelSignature, decoder: ModelSignature): DetectedModel {
  const family = familyOf(decoder);
  const problems: string[] = [];
  const spec = DECODERS[family];
  check('decoder input', decoder.inputs, spec.inputs, problems);
  check('decoder output', decoder.outputs, spec.outputs, problems);
  check('encoder output', encoder.outputs, ENCODER_OUTPUTS[family], problems);

  let encoderInput: DetectedModel['encoderInput'] = 'nchw-1024';
  const encIn = encoder.inputs[0];
  if (encoder.inputs.length !== 1 || !encIn) problems.push(`encoder must have exactly 1 input, has ${encoder.inputs.length}`);
  else {
    const expectedName = { sam1: 'input_image', sam2: 'image', efficientsam: 'batched_images', edgesam: 'image', 'hf-sam': 'pixel_values' }[family];
    if (encIn.name !== expectedName) problems.push(`encoder input is "${encIn.name}", a ${family} encoder takes "${expectedName}" (encoder and decoder from different exports?)`);
    if (encIn.type !== E) problems.push(`encoder input "${encIn.name}" is ${encIn.type}, expected float32`);
    if (family === 'sam1' && encIn.shape.length === 3) {
      encoderInput = 'hwc-preprocess';
      if (encIn.shape[2] !== 3) problems.push(`encoder input "${encIn.name}" shape [${encIn.shape}] should be [H, W, 3]`);
    } else if (family === 'efficientsam') {
      encoderInput = 'nchw-any';
      if (encIn.shape.length !== 4 || encIn.shape[1] !== 3) problems.push(`encoder input "${encIn.name}" shape [${encIn.shape}] should be [B, 3, H, W]`);
    } else {
      const s = encIn.shape;
      if (s.length !== 4 || s[1] !== 3 || (typeof s[2] === 'number' && s[2] !== 1024) || (typeof s[3] === 'number' && s[3] !== 1024))
        problems.push(`encoder input "${encIn.name}" shape [${s}] should be [1, 3, 1024, 1024]`);
    }
  }
  if (problems.length > 0) throw new ModelSignatureError(`not a valid ${family} model pair:\n  - ${problems.join('\n  - ')}`);

  let masks = { sam1: 4, sam2: 3, efficientsam: 3, edgesam: 4, 'hf-sam': 3 }[family];
  if (family === 'sam1') {
    const c = decoder.outputs.find((o) => o.name === 'iou_predictions')!.shape[1];
    masks = typeof c === 'number' ? c : 4;
    if (masks !== 1 && masks !== 4) throw new ModelSignatureError(`sam1 decoder returns ${masks} masks; expected 1 (--return-single-mask) or 4`);
  }
  const summary = `${family}${family === 'sam1' ? (encoderInput === 'hwc-preprocess' ? ' (in-graph preprocessing)' : ' (host preprocessing)') : ''}, ${masks} mask${masks > 1 ? 's' : ''} per prompt`;
  return { family, encoderInput, masks, summary };
}

function check(role: string, actual: TensorSignature[], expected: Spec[], problems: string[]) {
  for (const [name, type, shape] of expected) {
    const a = actual.find((x) => x.name === name);
    if (!a) {
      problems.push(`${role} "${name}" is missing (has: ${actual.map((x) => x.name).join(', ') || 'none'})`);
      continue;
    }
    if (a.type !== type) problems.push(`${role} "${name}" is ${a.type}, expected ${type}`);
    if (a.shape.length > 0 && a.shape.length !== shape.length) {
      problems.push(`${role} "${name}" has shape [${a.shape}], expected rank ${shape.length}`);
      continue;
    }
    shape.forEach((d, i) => {
      const ad = a.shape[i];
      if (d !== null && typeof ad === 'number' && ad !== d && ad !== -1) problems.push(`${role} "${name}" dim ${i} is ${ad}, expected ${d}`);
    });
  }
}
