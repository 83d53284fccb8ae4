import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createLazPerf } from 'laz-perf';

/** The part of laz-perf's Emscripten module we use (its bundled typings need @types/emscripten). */
interface ChunkDecoderHandle {
  open(pointFormat: number, recordLength: number, pointer: number): void;
  getPoint(pointer: number): void;
  delete(): void;
  /** embind's internal handle state: `ptr` is the C++ object's address in the WASM heap. */
  $$?: { ptr?: unknown };
}

interface LazPerfModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  ChunkDecoder: new () => ChunkDecoderHandle;
}

/** `ChunkDecoder::getPoint` called without embind: (method pointer, this, destination). */
type RawGetPoint = (method: number, self: number, dest: number) => void;

interface LoadedLazPerf {
  mod: LazPerfModule;
  /** Null when the raw entry could not be found: then embind's `getPoint` is used. */
  rawGetPoint: { fn: RawGetPoint; method: number } | null;
}

/** The few WebAssembly JS API members used here (the Node-only TypeScript lib does not declare them). */
interface WasmJsApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmTable {
  get(index: number): unknown;
}
const wasmJs = (globalThis as unknown as { WebAssembly: WasmJsApi }).WebAssembly;

let shared: Promise<LoadedLazPerf> | null = null;
let sharedModule: LazPerfModule | null = null;

function thisFile(): string {
  // ESM (sources, ESM bundles) has import.meta.url; CJS bundles (where esbuild empties import.meta) have
  // __filename. Not the other way round: an eval'd worker defines a global __filename, '[worker eval]'.
  const url = import.meta.url as string | undefined;
  return url ? fileURLToPath(url) : __filename;
}

/** laz-perf's WASM, compiled here so a failure shows before Emscripten's loader (which would wait forever). */
function compileLazPerfWasm(): object | null {
  try {
    return new wasmJs.Module(readFileSync(createRequire(thisFile()).resolve('laz-perf/lib/node/laz-perf.wasm')));
  } catch {
    return null;
  }
}

/**
 * embind's generated `getPoint` wrapper checks and converts its arguments on every call, which costs
 * about a third of the decode time. We instantiate the WASM ourselves (Emscripten's
 * `instantiateWasm` hook) and note which table entry and method pointer embind registers for
 * `ChunkDecoder.getPoint`, so points can be decoded by calling that entry directly.
 */
async function instantiate(): Promise<LoadedLazPerf> {
  const factory = createLazPerf as unknown as (options?: object) => Promise<LazPerfModule>;
  const wasm = compileLazPerfWasm();
  if (!wasm) return { mod: await factory(), rawGetPoint: null };
  const classNames = new Map<number, number>();
  const methods: { classType: number; name: number; signature: number; invoker: number; context: number }[] = [];
  let table: WasmTable | null = null;
  const mod = await factory({
    instantiateWasm(imports: { env: Record<string, (...args: number[]) => unknown> }, receive: (instance: object) => void) {
      const env = imports.env;
      const registerClass = env._embind_register_class!;
      const registerMethod = env._embind_register_class_function!;
      env._embind_register_class = (...a: number[]) => {
        classNames.set(a[0]!, a[10]!);
        return registerClass(...a);
      };
      env._embind_register_class_function = (...a: number[]) => {
        methods.push({ classType: a[0]!, name: a[1]!, signature: a[4]!, invoker: a[5]!, context: a[6]! });
        return registerMethod(...a);
      };
      const instance = new wasmJs.Instance(wasm, imports);
      table = instance.exports.__indirect_function_table as WasmTable;
      receive(instance);
      return instance.exports;
    },
  });
  const cString = (at: number) => {
    let s = '';
    for (let i = at; mod.HEAPU8[i]; i++) s += String.fromCharCode(mod.HEAPU8[i]!);
    return s;
  };
  const m = methods.find(
    (x) => cString(x.name) === 'getPoint' && cString(x.signature) === 'viii' && cString(classNames.get(x.classType) ?? 0) === 'ChunkDecoder',
  );
  const fn = m && table ? ((table as WasmTable).get(m.invoker) as RawGetPoint | null) : null;
  return { mod, rawGetPoint: fn ? { fn, method: m!.context } : null };
}

/** One WASM instance per thread; a fresh one after a decode failure (see `discard`). */
function loadModule(): Promise<LoadedLazPerf> {
  shared ??= instantiate().then((l) => ((sharedModule = l.mod), l));
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
  /** The open decoder's C++ address, when points are decoded through `rawGetPoint`. */
  private self = 0;
  private compressedPtr = 0;
  private batchPtr = 0;

  private constructor(
    private readonly loaded: LoadedLazPerf,
    private readonly pointFormat: number,
    private readonly recordLength: number,
  ) {}

  static async create(pointFormat: number, recordLength: number): Promise<LazChunkDecoder> {
    return new LazChunkDecoder(await loadModule(), pointFormat, recordLength);
  }

  private get mod(): LazPerfModule {
    return this.loaded.mod;
  }

  /** Whether points skip embind's wrapper (false only if laz-perf's layout ever changes). */
  get direct(): boolean {
    return this.loaded.rawGetPoint !== null;
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
    const ptr = this.decoder.$$?.ptr;
    this.self = this.loaded.rawGetPoint && typeof ptr === 'number' && ptr > 0 ? ptr : 0;
  }

  /** Decodes the next `count` points of the open chunk into `dest` at byte `destOffset`. */
  decode(dest: Uint8Array, destOffset: number, count: number): void {
    const d = this.decoder;
    if (!d) throw new Error('LazChunkDecoder.decode before open');
    const rl = this.recordLength;
    const raw = this.self ? this.loaded.rawGetPoint! : null;
    let done = 0;
    while (done < count) {
      const n = Math.min(BATCH_POINTS, count - done);
      if (raw) for (let i = 0, at = this.batchPtr; i < n; i++, at += rl) raw.fn(raw.method, this.self, at);
      else for (let i = 0, at = this.batchPtr; i < n; i++, at += rl) d.getPoint(at);
      // HEAPU8 is re-read each time: the heap may have grown (and been replaced) meanwhile.
      dest.set(this.mod.HEAPU8.subarray(this.batchPtr, this.batchPtr + n * rl), destOffset + done * rl);
      done += n;
    }
  }

  private release(): void {
    if (this.decoder) {
      this.decoder.delete();
      this.decoder = null;
      this.self = 0;
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
    this.self = 0;
    this.compressedPtr = 0;
    this.batchPtr = 0;
  }
}
