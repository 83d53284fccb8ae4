/**
 * A minimal WebAssembly binary builder for the export's hand-written kernels: one exported
 * memory and functions that all take the same number of i32 parameters and return nothing.
 * Function bodies are written as opcode arrays (see labelKernel.ts and recordScatter.ts).
 */

export const I32 = 0x7f;
export const VOID = 0x40;
/** memarg: alignment hint 1 byte (records are unaligned), offset 0. */
export const MEM0 = [0x00, 0x00];
export const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  select: 0x1b,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  load: 0x28,
  load64: 0x29,
  load8u: 0x2d,
  load16u: 0x2f,
  store: 0x36,
  store64: 0x37,
  store8: 0x3a,
  store16: 0x3b,
  const: 0x41,
  eqz: 0x45,
  ltS: 0x48,
  ltU: 0x49,
  geS: 0x4e,
  add: 0x6a,
  sub: 0x6b,
  and: 0x71,
  or: 0x72,
  shl: 0x74,
} as const;

export const get = (i: number) => [op.get, i];
/** local += by */
export const bump = (local: number, by: number[]) => [...get(local), ...by, op.add, op.set, local];

/** Unsigned LEB128, as every WebAssembly length and index is written. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const vec = (bytes: number[]) => [...leb(bytes.length), ...bytes];
const section = (id: number, bytes: number[]) => [id, ...vec(bytes)];
const name = (s: string) => vec([...s].map((c) => c.charCodeAt(0)));

/** The slice of the WebAssembly JS API used here (services compile without DOM typings). */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
/** WebAssembly, typed with only what the export kernels use. */
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type I32Function = (...args: number[]) => void;

export interface KernelFunction {
  name: string;
  /** Instructions after the locals, including the function's final `end`. */
  body: number[];
}

/** Builds and instantiates a module: functions of `params` i32 parameters and `locals` i32 locals, exported with "mem". */
export function instantiate(params: number, locals: number, functions: KernelFunction[]): { memory: WasmMemory; exports: Record<string, I32Function> } {
  const bodies = functions.map((f) => vec([...leb(1), ...leb(locals), I32, ...f.body])); // one local group
  const exports = functions.flatMap((f, i) => [...name(f.name), 0x00, ...leb(i)]);
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...leb(1), 0x60, ...vec(Array<number>(params).fill(I32)), ...leb(0)]), // type 0: (params x i32) -> ()
    ...section(3, [...leb(functions.length), ...functions.map(() => 0)]), // every function has type 0
    ...section(5, [...leb(1), 0x00, ...leb(1)]), // memory: 1 page minimum, no maximum
    ...section(7, [...leb(1 + functions.length), ...name('mem'), 0x02, ...leb(0), ...exports]),
    ...section(10, [...leb(functions.length), ...bodies.flat()]),
  ]);
  const instance = new wasm.Instance(new wasm.Module(bytes));
  return { memory: instance.exports.mem as WasmMemory, exports: instance.exports as Record<string, I32Function> };
}

/** Grows `memory` to at least `bytes` (growing detaches views: call before handing any out). */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
