import { BadInputError } from '../../../errors';
import type { BufferStore } from './buffers';
import type { Accessor, ComponentType, GltfDocument } from './schema';
import { TYPE_COMPONENTS, item } from './schema';

const MAX_UNBACKED_VALUES = 2 ** 26;
const COMPONENT_BYTES: Record<ComponentType, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };

function readComponent(view: DataView, at: number, type: ComponentType): number {
  switch (type) {
    case 5120:
      return view.getInt8(at);
    case 5121:
      return view.getUint8(at);
    case 5122:
      return view.getInt16(at, true);
    case 5123:
      return view.getUint16(at, true);
    case 5125:
      return view.getUint32(at, true);
    case 5126:
      return view.getFloat32(at, true);
  }
}

/** glTF's normalized-integer mapping to [0,1] or [-1,1] (spec 3.11). */
export function normalize(value: number, type: ComponentType): number {
  switch (type) {
    case 5120:
      return Math.max(value / 127, -1);
    case 5121:
      return value / 255;
    case 5122:
      return Math.max(value / 32767, -1);
    case 5123:
      return value / 65535;
    case 5125:
      return value / 4294967295;
    case 5126:
      return value;
  }
}

export interface AccessorData {
  count: number;
  components: number;
  /** count * components values, normalized when the accessor says so. */
  values: Float64Array;
}

/** Reads `count` elements of `components` values from a view, checking every byte lies inside it. */
function readStrided(
  bytes: Uint8Array,
  byteOffset: number,
  stride: number | undefined,
  count: number,
  components: number,
  type: ComponentType,
  out: Float64Array,
  what: string,
  file: string,
): void {
  const elementSize = COMPONENT_BYTES[type] * components;
  const step = stride ?? elementSize;
  if (step < elementSize) throw new BadInputError(file, `${what}: byteStride ${step} is smaller than one element (${elementSize} bytes)`);
  const end = byteOffset + (count - 1) * step + elementSize;
  if (end > bytes.length)
    throw new BadInputError(
      file,
      `${what}: ${count} elements from byte ${byteOffset} (stride ${step}) need ${end} bytes, its bufferView has ${bytes.length}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = COMPONENT_BYTES[type];
  for (let i = 0; i < count; i++) {
    const at = byteOffset + i * step;
    for (let k = 0; k < components; k++) out[i * components + k] = readComponent(view, at + k * size, type);
  }
}

export class AccessorReader {
  constructor(
    private readonly doc: GltfDocument,
    private readonly buffers: BufferStore,
    private readonly file: string,
  ) {}

  accessor(index: number): Accessor {
    return item(this.doc.accessors, index, 'accessor', this.file);
  }

  /** All values of an accessor as float64 (sparse substitution and normalization applied). */
  read(index: number): AccessorData {
    const a = this.accessor(index);
    const what = `accessor ${index}`;
    const components = TYPE_COMPONENTS[a.type];
    if (a.type.startsWith('MAT')) throw new BadInputError(this.file, `${what}: matrix accessors are not vertex data`);
    // An accessor without a bufferView is all zeros (plus sparse values): bound it before allocating.
    if (a.bufferView === undefined && a.count * components > MAX_UNBACKED_VALUES)
      throw new BadInputError(this.file, `${what}: ${a.count} elements without a bufferView is implausible`);
    const bytes = a.bufferView === undefined ? null : this.buffers.view(a.bufferView);
    // readStrided re-checks, but the size must be known to fit before the output is allocated.
    if (bytes && a.byteOffset + (a.count - 1) * COMPONENT_BYTES[a.componentType] * components > bytes.length)
      throw new BadInputError(
        this.file,
        `${what}: ${a.count} elements from byte ${a.byteOffset} do not fit in bufferView ${a.bufferView} (${bytes.length} bytes)`,
      );
    const values = new Float64Array(a.count * components);
    if (bytes) {
      const stride = item(this.doc.bufferViews, a.bufferView!, 'bufferView', this.file).byteStride;
      readStrided(bytes, a.byteOffset, stride, a.count, components, a.componentType, values, what, this.file);
    }
    if (a.sparse) {
      const { count, indices, values: sparseValues } = a.sparse;
      if (count > a.count) throw new BadInputError(this.file, `${what}: sparse count ${count} exceeds the accessor count ${a.count}`);
      const at = new Float64Array(count);
      readStrided(
        this.buffers.view(indices.bufferView),
        indices.byteOffset,
        undefined,
        count,
        1,
        indices.componentType,
        at,
        `${what} sparse indices`,
        this.file,
      );
      const replacement = new Float64Array(count * components);
      readStrided(
        this.buffers.view(sparseValues.bufferView),
        sparseValues.byteOffset,
        undefined,
        count,
        components,
        a.componentType,
        replacement,
        `${what} sparse values`,
        this.file,
      );
      for (let s = 0; s < count; s++) {
        const target = at[s]!;
        if (target >= a.count) throw new BadInputError(this.file, `${what}: sparse index ${target} is out of range (count ${a.count})`);
        for (let k = 0; k < components; k++) values[target * components + k] = replacement[s * components + k]!;
      }
    }
    if (a.normalized) for (let i = 0; i < values.length; i++) values[i] = normalize(values[i]!, a.componentType);
    return { count: a.count, components, values };
  }

  /** An index accessor: unsigned integer scalars, each below `vertexCount`. */
  readIndices(index: number, vertexCount: number): Uint32Array {
    const a = this.accessor(index);
    if (a.type !== 'SCALAR' || (a.componentType !== 5121 && a.componentType !== 5123 && a.componentType !== 5125))
      throw new BadInputError(this.file, `accessor ${index}: indices must be unsigned integer scalars`);
    const { values } = this.read(index);
    const out = new Uint32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v >= vertexCount)
        throw new BadInputError(this.file, `accessor ${index}: index ${v} at position ${i} is out of range (${vertexCount} vertices)`);
      out[i] = v;
    }
    return out;
  }
}
