import type { LabelChunkRow } from '../db/index';
import { CodecError, decodeInstances, encodeInstances } from './codec';
import { unlabeledCode } from './flags';

/**
 * The labels of one chunk of points in one layer, decoded into dense typed arrays. Storage per
 * point: class (1 or 2 bytes, by schema) + flags (1) + confidence (1, predicted layers only);
 * instances are allocated only once a point of the chunk gets one.
 */
export class LabelChunk {
  constructor(
    readonly key: number,
    readonly classes: Uint8Array | Uint16Array,
    readonly flags: Uint8Array,
    readonly confidence: Uint8Array | null,
    public instances: Uint32Array | null,
    /** Encoded instance blob as stored; undefined once instances changed and it must be re-encoded. */
    private instanceBlob: Uint8Array | null | undefined = undefined,
  ) {}

  get size() {
    return this.flags.length;
  }

  private counts: readonly (readonly [code: number, points: number])[] | null = null;

  /**
   * [code, points] for every class code in the chunk (unlabeled included), counted once: a chunk in
   * the store's cache is never modified in place (edits work on clones, which start uncounted).
   */
  codeCounts(): readonly (readonly [code: number, points: number])[] {
    if (this.counts) return this.counts;
    const hist = new Uint32Array(this.classes instanceof Uint8Array ? 256 : 65536);
    const classes = this.classes;
    for (let i = 0; i < classes.length; i++) hist[classes[i]!]!++;
    const counts: [number, number][] = [];
    for (let code = 0; code < hist.length; code++) if (hist[code]! > 0) counts.push([code, hist[code]!]);
    return (this.counts = counts);
  }

  static empty(key: number, size: number, codeWidth: 1 | 2, withConfidence: boolean): LabelChunk {
    const classes = codeWidth === 1 ? new Uint8Array(size) : new Uint16Array(size);
    classes.fill(unlabeledCode(codeWidth));
    return new LabelChunk(key, classes, new Uint8Array(size), withConfidence ? new Uint8Array(size) : null, null);
  }

  clone(): LabelChunk {
    return new LabelChunk(this.key, this.classes.slice(), this.flags.slice(), this.confidence?.slice() ?? null, this.instances?.slice() ?? null, this.instanceBlob);
  }

  /** The instance array for writing (allocated on first use); invalidates the encoded blob. */
  instancesForWrite(): Uint32Array {
    this.instanceBlob = undefined;
    this.instances ??= new Uint32Array(this.size);
    return this.instances;
  }

  /** Decodes a stored row; throws CodecError when the blobs do not have the sizes the layer implies. */
  static fromRow(row: LabelChunkRow, expectedSize: number, codeWidth: 1 | 2, withConfidence: boolean): LabelChunk {
    const size = row.pointCount;
    if (size !== expectedSize) throw new CodecError(`chunk ${row.chunkKey} holds ${size} points, expected ${expectedSize}`);
    if (row.classData.length !== size * codeWidth) throw new CodecError(`chunk ${row.chunkKey}: class data has ${row.classData.length} bytes, expected ${size * codeWidth}`);
    if (row.flagData.length !== size) throw new CodecError(`chunk ${row.chunkKey}: flag data has ${row.flagData.length} bytes, expected ${size}`);
    // Copy out of the driver's Buffer: alignment for Uint16Array, and no aliasing of pooled memory.
    const classBytes = new Uint8Array(row.classData);
    const classes = codeWidth === 1 ? classBytes : new Uint16Array(classBytes.buffer, 0, size);
    let confidence: Uint8Array | null = null;
    if (withConfidence) {
      confidence = row.confidenceData ? new Uint8Array(row.confidenceData) : new Uint8Array(size);
      if (confidence.length !== size) throw new CodecError(`chunk ${row.chunkKey}: confidence has ${confidence.length} bytes, expected ${size}`);
    }
    const instances = row.instanceData ? decodeInstances(row.instanceData, size) : null;
    return new LabelChunk(row.chunkKey, classes, new Uint8Array(row.flagData), confidence, instances, row.instanceData ? new Uint8Array(row.instanceData) : null);
  }

  toRow(layerId: number): LabelChunkRow {
    if (this.instanceBlob === undefined) this.instanceBlob = this.instances ? encodeInstances(this.instances) : null;
    return {
      layerId,
      chunkKey: this.key,
      pointCount: this.size,
      classData: new Uint8Array(this.classes.buffer, this.classes.byteOffset, this.classes.byteLength),
      flagData: this.flags,
      confidenceData: this.confidence,
      instanceData: this.instanceBlob,
    };
  }
}
