import type * as ort from 'onnxruntime-node';
import type { RenderedView } from '../../render/view';
import type { Prompts, SegmentResult, Segmenter } from '../segmenter';
import type { Feeds, SamAdapter } from './adapter';
import { detectModel, type DetectedModel, type ModelSignature } from './detect';
import { EdgeSamAdapter } from './edgesam';
import { EfficientSamAdapter } from './efficientsam';
import { HfSamAdapter } from './hfsam';
import { Sam1Adapter } from './sam1';
import { Sam2Adapter } from './sam2';

export function signatureOf(session: ort.InferenceSession): ModelSignature {
  const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
    list.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] }));
  return { inputs: meta(session.inputMetadata), outputs: meta(session.outputMetadata) };
}

export function adapterFor(detected: DetectedModel): SamAdapter {
  switch (detected.family) {
    case 'sam1':
      return new Sam1Adapter(detected);
    case 'sam2':
      return new Sam2Adapter();
    case 'edgesam':
      return new EdgeSamAdapter();
    case 'efficientsam':
      return new EfficientSamAdapter();
    case 'hf-sam':
      return new HfSamAdapter();
  }
}

/** Embeddings kept for this many recent views: re-prompting a view (negative click) skips the encoder. */
const CACHE_VIEWS = 8;

/**
 * A SAM-family model as a Segmenter: encoder once per rendered view (cached), decoder per prompt
 * set. The family is detected and validated from the sessions' signatures on construction.
 */
export class SamSegmenter implements Segmenter {
  readonly detected: DetectedModel;
  readonly viewSize: { width: number; height: number };
  readonly description: string;
  private readonly adapter: SamAdapter;
  private readonly cache = new Map<RenderedView, Promise<Feeds>>();
  /** Encoder runs and cache hits, for diagnostics and tests. */
  readonly stats = { encodes: 0, cacheHits: 0 };

  constructor(
    readonly id: string,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    readonly provider: string,
    inputSize = 1024,
  ) {
    this.detected = detectModel(signatureOf(encoder), signatureOf(decoder));
    this.adapter = adapterFor(this.detected);
    this.viewSize = { width: inputSize, height: inputSize };
    this.description = `${id}: ${this.detected.summary} on ${provider}`;
  }

  /** The image embedding of a view, computed once. */
  embed(view: RenderedView): Promise<Feeds> {
    let e = this.cache.get(view);
    if (e) {
      this.stats.cacheHits++;
      return e;
    }
    this.stats.encodes++;
    e = this.adapter.encode(this.encoder, { rgb: view.rgb, width: view.width, height: view.height });
    this.cache.set(view, e);
    e.catch(() => this.cache.delete(view));
    while (this.cache.size > CACHE_VIEWS) this.cache.delete(this.cache.keys().next().value!);
    return e;
  }

  async segment(view: RenderedView, prompts: Prompts): Promise<SegmentResult> {
    const embedding = await this.embed(view);
    return this.adapter.decode(this.decoder, embedding, prompts, view.width, view.height);
  }

  /** Decoder only, on an embedding already computed: the per-click cost once a view is encoded. */
  decodeWith(embedding: Feeds, prompts: Prompts, width: number, height: number): Promise<SegmentResult> {
    return this.adapter.decode(this.decoder, embedding, prompts, width, height);
  }

  async dispose(): Promise<void> {
    this.cache.clear();
    await this.encoder.release();
    await this.decoder.release();
  }
}
