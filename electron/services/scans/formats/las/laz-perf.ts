import { createLazPerf } from 'laz-perf';

/** The part of laz-perf's Emscripten module we use (its bundled typings need @types/emscripten). */
interface ChunkDecoderHandle {
  open(pointFormat: number, recordLength: number, pointer: number): void;
  getPoint(pointer: number): void;
  delete(): void;
}

interface LazPerfModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  ChunkDecoder: new () => ChunkDecoderHandle;
}

let shared: Promise<LazPerfModule> | null = null;
let sharedModule: LazPerfModule | null = null;

/** One WASM instance per process; a fresh one after a decode failure (see `discard`). */
function loadModule(): Promise<LazPerfModule> {
  shared ??= (createLazPerf as unknown as () => Promise<LazPerfModule>)().then((m) => (sharedModule = m));
  return shared;
}

/** Points decoded per WASM call batch: big enough to amortise the copy, small for the heap. */
const BATCH_POINTS = 1024;

/**
 * Decodes the points of one LAZ chunk (a chunk starts a fresh arithmetic coder, so any chunk can be
 * decoded alone). The compressed bytes live in the WASM heap only while their chunk is open.
 */
export class LazChunkDecoder {
  private decoder: ChunkDecoderHandle | null = null;
  private compressedPtr = 0;
  private batchPtr = 0;

  private constructor(
    private mod: LazPerfModule,
    private readonly pointFormat: number,
    private readonly recordLength: number,
  ) {}

  static async create(pointFormat: number, recordLength: number): Promise<LazChunkDecoder> {
    return new LazChunkDecoder(await loadModule(), pointFormat, recordLength);
  }

  /** Starts decoding a chunk; the previous one, if any, is released. */
  open(compressed: Uint8Array): void {
    this.release();
    const m = this.mod;
    // A few zero bytes of padding: the decoder reads ahead of the last symbol it needs.
    this.compressedPtr = m._malloc(compressed.length + 64);
    if (this.compressedPtr === 0) throw new Error(`cannot allocate ${compressed.length} bytes in the laz-perf heap`);
    m.HEAPU8.fill(0, this.compressedPtr, this.compressedPtr + compressed.length + 64);
    m.HEAPU8.set(compressed, this.compressedPtr);
    if (this.batchPtr === 0) this.batchPtr = m._malloc(BATCH_POINTS * this.recordLength);
    if (this.batchPtr === 0) throw new Error('cannot allocate the decode buffer in the laz-perf heap');
    this.decoder = new m.ChunkDecoder();
    this.decoder.open(this.pointFormat, this.recordLength, this.compressedPtr);
  }

  /** Decodes the next `count` points of the open chunk into `dest` at byte `destOffset`. */
  decode(dest: Uint8Array, destOffset: number, count: number): void {
    const d = this.decoder;
    if (!d) throw new Error('LazChunkDecoder.decode before open');
    const rl = this.recordLength;
    let done = 0;
    while (done < count) {
      const n = Math.min(BATCH_POINTS, count - done);
      for (let i = 0; i < n; i++) d.getPoint(this.batchPtr + i * rl);
      // HEAPU8 is re-read each time: the heap may have grown (and been replaced) meanwhile.
      dest.set(this.mod.HEAPU8.subarray(this.batchPtr, this.batchPtr + n * rl), destOffset + done * rl);
      done += n;
    }
  }

  private release(): void {
    if (this.decoder) {
      this.decoder.delete();
      this.decoder = null;
    }
    if (this.compressedPtr) {
      this.mod._free(this.compressedPtr);
      this.compressedPtr = 0;
    }
  }

  close(): void {
    this.release();
    if (this.batchPtr) {
      this.mod._free(this.batchPtr);
      this.batchPtr = 0;
    }
  }

  /**
   * After laz-perf threw (aborted, out-of-bounds access on corrupt input) its heap may be
   * inconsistent: drop this instance so later files get a clean one.
   */
  discard(): void {
    if (sharedModule === this.mod) {
      shared = null;
      sharedModule = null;
    }
    this.decoder = null;
    this.compressedPtr = 0;
    this.batchPtr = 0;
  }
}
