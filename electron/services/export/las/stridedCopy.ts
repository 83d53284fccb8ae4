import { wasm, type WasmMemory } from '../wasmModule';
/**
 * Copies fixed-size records into slots of a larger stride (point records growing by the label
 * fields) with WebAssembly's bulk `memory.copy`: one native copy per record instead of a JS byte
 * loop, about 3x faster, which is most of what LAS export spends per point.
 *
 * The module is this hand-assembled function (WebAssembly binary format, 121 bytes):
 *   (func (export "expand") (param $src i32) (param $dst i32) (param $n i32) (param $inLen i32) (param $outLen i32)
 *     (block (br_if 0 (i32.eqz (local.get $n)))
 *       (loop
 *         (memory.copy (local.get $dst) (local.get $src) (local.get $inLen))
 *         (local.set $src (i32.add (local.get $src) (local.get $inLen)))
 *         (local.set $dst (i32.add (local.get $dst) (local.get $outLen)))
 *         (br_if 0 (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
 *   (memory (export "mem") 1)
 */
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // type section: (i32 i32 i32 i32 i32) -> ()
  0x01, 0x09, 0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00,
  // function section: one function of type 0
  0x03, 0x02, 0x01, 0x00,
  // memory section: one memory, 1 page minimum, no maximum
  0x05, 0x03, 0x01, 0x00, 0x01,
  // export section: "mem" (memory 0), "expand" (function 0)
  0x07, 0x10, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x06, 0x65, 0x78, 0x70, 0x61, 0x6e, 0x64, 0x00, 0x00,
  // code section: one body of 46 bytes, no locals
  0x0a, 0x30, 0x01, 0x2e, 0x00,
  0x02, 0x40, 0x20, 0x02, 0x45, 0x0d, 0x00,
  0x03, 0x40, 0x20, 0x01, 0x20, 0x00, 0x20, 0x03, 0xfc, 0x0a, 0x00, 0x00,
  0x20, 0x00, 0x20, 0x03, 0x6a, 0x21, 0x00,
  0x20, 0x01, 0x20, 0x04, 0x6a, 0x21, 0x01,
  0x20, 0x02, 0x41, 0x01, 0x6b, 0x22, 0x02,
  0x0d, 0x00, 0x0b, 0x0b, 0x0b,
]);

interface Expander {
  memory: WasmMemory;
  expand: (src: number, dst: number, n: number, inLen: number, outLen: number) => void;
}

let compiled: Expander | null = null;

function expander(): Expander {
  if (!compiled) {
    const instance = new wasm.Instance(new wasm.Module(MODULE));
    compiled = { memory: instance.exports.mem as WasmMemory, expand: instance.exports.expand as Expander['expand'] };
  }
  return compiled;
}

/**
 * Writes `count` records of `inLen` bytes from `src` into `dst` at a stride of `outLen` bytes
 * (the bytes between records are left as they were in the scratch memory: callers overwrite them).
 */
export function stridedCopy(src: Uint8Array, dst: Uint8Array, count: number, inLen: number, outLen: number): void {
  const e = expander();
  const need = count * (inLen + outLen);
  const have = e.memory.buffer.byteLength;
  if (need > have) e.memory.grow(Math.ceil((need - have) / 65536));
  const heap = new Uint8Array(e.memory.buffer);
  const dstAt = count * inLen;
  heap.set(src.subarray(0, count * inLen), 0);
  e.expand(0, dstAt, count, inLen, outLen);
  dst.set(heap.subarray(dstAt, dstAt + count * outLen));
}
