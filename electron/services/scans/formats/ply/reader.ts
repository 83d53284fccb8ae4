import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { AttributeInfo } from '../../../../../common/contracts/scans';
import { BadInputError } from '../../../errors';
import { decodeImage } from '../../images';
import { allocateAttribute, type LabelLayerData, type ScanAttribute, type ScanMesh, type ScanTexture } from '../../model';
import type { OpenOptions, PointChunk, ReadOptions, ScanInfo, ScanReader } from '../types';
import { BoundsAccumulator, checkedOrigin } from '../stream/bounds';
import { ChunkBuilder, chunkCapacity } from '../stream/chunkBuilder';
import { FileSource } from '../stream/fileSource';
import { fitsTarget } from '../stream/target';
import { isLabelName } from '../stream/labels';
import { writeAttributes } from './attributes';
import { emitFace } from './faces';
import { MAX_HEADER_BYTES, findHeaderEnd, parsePlyHeader, sniffPly } from './header';
import type { PlyHeader } from './header';
import { fixedVertexChunks, fixedVertexElement, scanFixedVertices } from './fixedVertices';
import { faceLayouts, vertexLayout } from './layout';
import type { FaceLayout, VertexLayout } from './layout';
import { minBinaryRecordSize } from './records';
import { walkElements } from './walk';
import { scanVerticesOnWorkers, vertexChunksOnWorkers, worthVertexChunkWorkers, worthVertexWorkers } from './vertices-on-workers';
import { decodePool } from '../stream/decode-pool';
import type { Position, RecordVisitor } from './walk';

/** PLY reads OpenOptions.allowMissingTextures; kept as a name for callers that import it. */
export type PlyOpenOptions = OpenOptions;

interface TextureRef {
  name: string;
  path: string;
  present: boolean;
}

/** What the validating first pass learned about the body. */
interface BodyFacts {
  starts: Position[];
  bounds: { min: [number, number, number]; max: [number, number, number] };
  triangles: number;
  degenerateFaces: number;
  unknownTextureFaces: number;
}

export async function openPly(path: string, options: PlyOpenOptions = {}): Promise<ScanReader> {
  const src = await FileSource.open(path);
  try {
    return await PlyReader.create(src, options);
  } catch (e) {
    await src.close();
    throw e;
  }
}

class PlyReader implements ScanReader {
  private constructor(
    private readonly src: FileSource,
    private readonly header: PlyHeader,
    private readonly vertex: VertexLayout,
    private readonly faces: FaceLayout[],
    private readonly textures: TextureRef[],
    private readonly facts: BodyFacts,
    readonly info: ScanInfo,
  ) {}

  get path(): string {
    return this.src.path;
  }

  static async create(src: FileSource, options: PlyOpenOptions): Promise<PlyReader> {
    const head = await src.read(0, MAX_HEADER_BYTES);
    if (!sniffPly(head)) throw new BadInputError(src.name, 'not a PLY file: it does not start with "ply"', { byte: 0 });
    const end = findHeaderEnd(head);
    if (end < 0) {
      const why =
        head.length < MAX_HEADER_BYTES ? 'header has no end_header line' : `no end_header within the first ${MAX_HEADER_BYTES} bytes`;
      throw new BadInputError(src.name, why, { byte: head.length });
    }
    const header = parsePlyHeader(head.toString('latin1', 0, end), end, src.name);
    checkDeclaredSizes(src, header);
    const vertex = vertexLayout(header, src.name);
    const faces = faceLayouts(header);
    const textures = await locateTextures(src, header, options.allowMissingTextures === true);
    const facts = await scanBody(src, header, vertex, faces, textures.length);
    const origin = checkedOrigin(src.name, facts.bounds.min, facts.bounds.max);
    const vertexEl = header.elements[vertex.element]!;
    const details: ScanInfo['details'] = {
      encoding: header.encoding,
      elements: header.elements.map((e) => `${e.name} ${e.count}`).join(', '),
    };
    if (faces.length > 0) details.triangles = facts.triangles;
    if (textures.length > 0) details.textures = textures.map((t) => t.name).join(', ');
    const missing = textures.filter((t) => !t.present);
    if (missing.length > 0) details.warning = `missing texture files: ${missing.map((t) => t.name).join(', ')}`;
    if (facts.degenerateFaces > 0) details.degenerateFaces = facts.degenerateFaces;
    if (facts.unknownTextureFaces > 0) details.facesWithUnknownTexture = facts.unknownTextureFaces;
    const skipped = [...vertex.mapping.skipped, ...faces.flatMap((f) => f.mapping?.skipped ?? [])];
    if (skipped.length > 0) details.skippedListProperties = skipped.join(', ');
    const labelNames = labelNamesFromComments(header.comments);
    const info: ScanInfo = {
      format: 'ply',
      version: `${header.encoding} ${header.version}`,
      pointCount: vertexEl.count,
      faceCount: facts.triangles,
      boundsMin: facts.bounds.min,
      boundsMax: facts.bounds.max,
      origin,
      attributes: vertex.mapping.attributes,
      crs: null,
      details,
      source: {
        format: 'ply',
        encoding: header.encoding,
        version: header.version,
        comments: header.comments,
        objInfo: header.objInfo,
        elements: header.elements,
        ...(Object.keys(labelNames).length > 0 ? { labelNames } : {}),
      },
    };
    return new PlyReader(src, header, vertex, faces, textures, facts, info);
  }

  async *chunks(options: ReadOptions = {}): AsyncIterable<PointChunk> {
    const { vertex } = this;
    if (this.info.pointCount === 0) return;
    const fixed = fixedVertexElement(this.header.encoding, this.header.elements[vertex.element]!);
    if (fixed) {
      const start = this.facts.starts[vertex.element]!.byte;
      const target = fitsTarget(options.target, this.info.pointCount, this.info.attributes) ? options.target : null;
      const capacity = chunkCapacity(options.chunkPoints);
      // Streamed large files decode on the worker pool; readScan's in-place target stays on this thread
      // (copying worker chunks in, and the workers' memory, would cost more than they save there).
      const pool = !target && worthVertexChunkWorkers(this.info.pointCount, capacity) ? await decodePool() : null;
      if (pool) {
        try {
          yield* vertexChunksOnWorkers(pool, this.src, fixed, vertex, start, this.info.origin, capacity, options.signal);
        } finally {
          pool.release();
        }
        return;
      }
      yield* fixedVertexChunks(this.src, fixed, vertex, start, this.info.origin, capacity, options.signal, target);
      return;
    }
    const builder = new ChunkBuilder(this.info.origin, vertex.mapping.attributes, chunkCapacity(options.chunkPoints));
    const visit: RecordVisitor = (values) => {
      const s = values.scalars;
      const i = builder.push(s[vertex.x]!, s[vertex.y]!, s[vertex.z]!);
      writeAttributes(vertex.mapping, s, builder.columns, i);
    };
    const visitors: (RecordVisitor | null)[] = [];
    visitors[vertex.element] = visit;
    const walk = walkElements(this.src, this.header, {
      element: vertex.element,
      start: this.facts.starts[vertex.element]!,
      until: vertex.element + 1,
      visitors,
    });
    for await (const _ of walk) {
      yield* builder.drain(options.signal);
    }
    builder.flush();
    yield* builder.drain(options.signal);
  }

  async mesh(): Promise<ScanMesh | null> {
    if (this.faces.length === 0) return null;
    const triangles = this.facts.triangles;
    const indices = new Uint32Array(triangles * 3);
    const polygons = this.faces.find((f) => f.kind === 'polygons');
    const hasUvs = this.faces.some((f) => f.texcoord >= 0);
    const cornerUvs = hasUvs ? new Float32Array(triangles * 6) : null;
    const textures = await this.loadTextures();
    const hasTexnumber = this.faces.some((f) => f.texnumber >= 0);
    const faceTexture = textures.list.length > 0 && (hasUvs || hasTexnumber) ? new Int16Array(triangles).fill(-1) : null;
    const faceAttributes: ScanAttribute[] = (polygons?.mapping?.attributes ?? []).map((a) => ({
      ...a,
      values: allocateAttribute(a.type, triangles * a.components),
    }));
    const columns = faceAttributes.map((a) => a.values);
    const vertexCount = this.info.pointCount;
    let t = 0;
    for (const layout of this.faces) {
      if (this.header.elements[layout.element]!.count === 0) continue;
      const visitors: (RecordVisitor | null)[] = [];
      visitors[layout.element] = (values) => {
        const uv = layout.texcoord >= 0 ? values.lists[layout.texcoord]! : null;
        const texture = faceTextureIndex(layout, values, uv, textures.remap);
        emitFace(layout, values, vertexCount, (a, b, c, ca, cb, cc) => {
          indices[t * 3] = a;
          indices[t * 3 + 1] = b;
          indices[t * 3 + 2] = c;
          if (cornerUvs && uv && uv.length > 0) {
            const o = t * 6;
            // PLY texcoords are OpenGL style (v up from the bottom row); the scan model's v runs down.
            cornerUvs[o] = uv[ca * 2]!;
            cornerUvs[o + 1] = 1 - uv[ca * 2 + 1]!;
            cornerUvs[o + 2] = uv[cb * 2]!;
            cornerUvs[o + 3] = 1 - uv[cb * 2 + 1]!;
            cornerUvs[o + 4] = uv[cc * 2]!;
            cornerUvs[o + 5] = 1 - uv[cc * 2 + 1]!;
          }
          if (faceTexture) faceTexture[t] = texture;
          if (layout.mapping && layout === polygons) writeAttributes(layout.mapping, values.scalars, columns, t);
          t++;
        });
      };
      const walk = walkElements(this.src, this.header, {
        element: layout.element,
        start: this.facts.starts[layout.element]!,
        until: layout.element + 1,
        visitors,
      });
      for await (const _ of walk);
    }
    return { indices, cornerUvs, faceTexture, textures: textures.list, faceAttributes };
  }

  labelAttributes(): { name: string; attribute: string; target: LabelLayerData['target'] }[] {
    const pick = (attrs: AttributeInfo[], target: LabelLayerData['target']) =>
      attrs.filter((a) => a.components === 1 && isLabelName(a.name)).map((a) => ({ name: a.name, attribute: a.name, target }));
    const polygons = this.faces.find((f) => f.kind === 'polygons');
    return [...pick(this.vertex.mapping.attributes, 'points'), ...pick(polygons?.mapping?.attributes ?? [], 'faces')];
  }

  close(): Promise<void> {
    return this.src.close();
  }

  /** Decodes the present textures; `remap` turns a file texnumber into an index of `list` (-1 when missing). */
  private async loadTextures(): Promise<{ list: ScanTexture[]; remap: number[] }> {
    const list: ScanTexture[] = [];
    const remap: number[] = [];
    for (const t of this.textures) {
      if (!t.present) {
        remap.push(-1);
        continue;
      }
      const bytes = await readFile(t.path);
      remap.push(list.length);
      list.push(decodeImage(bytes, t.name));
    }
    return { list, remap };
  }
}

/** The face's texture: its texnumber, or the only texture when the file has uvs but no texnumber. */
function faceTextureIndex(layout: FaceLayout, values: { scalars: Float64Array }, uv: number[] | null, remap: number[]): number {
  let n = layout.texnumber >= 0 ? values.scalars[layout.texnumber]! : uv && uv.length > 0 ? 0 : -1;
  if (!Number.isInteger(n) || n < 0 || n >= remap.length) n = -1;
  return n < 0 ? -1 : remap[n]!;
}

/** Rejects element counts the file cannot possibly hold, before anything is allocated for them. */
function checkDeclaredSizes(src: FileSource, header: PlyHeader): void {
  const available = src.size - header.dataOffset;
  let needed = 0;
  for (const el of header.elements) {
    // ascii: every value takes at least one character and one separator
    const perRecord = header.encoding === 'ascii' ? 2 * el.properties.length : minBinaryRecordSize(el);
    needed += el.count * perRecord;
    if (needed > available + (header.encoding === 'ascii' ? 1 : 0)) {
      throw new BadInputError(
        src.name,
        `element "${el.name}" declares ${el.count} records but the file has only ${available} bytes of data`,
        { byte: header.dataOffset },
      );
    }
  }
}

async function locateTextures(src: FileSource, header: PlyHeader, allowMissing: boolean): Promise<TextureRef[]> {
  const refs: TextureRef[] = [];
  for (const name of header.textureFiles) {
    const path = resolve(dirname(src.path), name.replace(/\\/g, '/'));
    const present = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!present && !allowMissing) {
      throw new BadInputError(src.name, `texture file "${name}" named in the header is missing (looked for ${path})`);
    }
    refs.push({ name, path, present });
  }
  return refs;
}

/** SUM-style class names: "comment label 1 ground". */
function labelNamesFromComments(comments: string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const c of comments) {
    const m = /^label\s+(-?\d+)\s+(.+)$/.exec(c);
    if (m) names[m[1]!] = m[2]!.trim();
  }
  return names;
}

/** The validating first pass: bounds, finite coordinates, face indices, triangle count, element starts. */
async function scanBody(
  src: FileSource,
  header: PlyHeader,
  vertex: VertexLayout,
  faces: FaceLayout[],
  textureCount: number,
): Promise<BodyFacts> {
  const bounds = new BoundsAccumulator();
  const vertexCount = header.elements[vertex.element]!.count;
  const starts: Position[] = [];
  const facts = { triangles: 0, degenerateFaces: 0, unknownTextureFaces: 0 };
  const where = (at: Position) => (header.encoding === 'ascii' ? { line: at.line } : { byte: at.byte });
  const visitors: (RecordVisitor | null)[] = header.elements.map(() => null);
  visitors[vertex.element] = (values, i, at) => {
    const s = values.scalars;
    const x = s[vertex.x]!;
    const y = s[vertex.y]!;
    const z = s[vertex.z]!;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
      throw new BadInputError(src.name, `vertex ${i} has a non-finite coordinate (${x}, ${y}, ${z})`, where(at));
    }
    bounds.add(x, y, z);
  };
  const count = (): void => {
    facts.triangles++;
  };
  for (const layout of faces) {
    const el = header.elements[layout.element]!;
    visitors[layout.element] = (values, i, at) => {
      const before = facts.triangles;
      const problem = emitFace(layout, values, vertexCount, count);
      if (problem !== null) throw new BadInputError(src.name, `element "${el.name}" record ${i}: ${problem}`, where(at));
      if (layout.kind === 'polygons' && facts.triangles === before) facts.degenerateFaces++;
      if (layout.texnumber >= 0) {
        const n = values.scalars[layout.texnumber]!;
        if (!(Number.isInteger(n) && n >= -1 && n < textureCount)) facts.unknownTextureFaces++;
      }
    };
  }
  const onElementStart = (e: number, at: Position): void => {
    starts[e] = at;
  };
  const fixed = fixedVertexElement(header.encoding, header.elements[vertex.element]!);
  if (fixed) {
    // Elements up to the vertex element (which the walk only skips, recording where it starts), the
    // vertex element column by column, then the rest: the same checks in the same order.
    const upTo = [...visitors];
    upTo[vertex.element] = null;
    const start = { byte: header.dataOffset, line: header.headerLines + 1 };
    for await (const _ of walkElements(src, header, { element: 0, start, until: vertex.element + 1, visitors: upTo, onElementStart }));
    const at = starts[vertex.element]!;
    const pool = worthVertexWorkers(fixed.element.count) ? await decodePool() : null;
    let next: number;
    try {
      next = pool
        ? await scanVerticesOnWorkers(pool, src, fixed, vertex, at.byte, bounds)
        : await scanFixedVertices(src, fixed, vertex, at.byte, bounds);
    } finally {
      pool?.release();
    }
    if (vertex.element + 1 < header.elements.length) {
      const walk = walkElements(src, header, {
        element: vertex.element + 1,
        start: { byte: next, line: 0 },
        until: header.elements.length,
        visitors,
        onElementStart,
      });
      for await (const _ of walk);
    }
    return { starts, bounds: bounds.result(), ...facts };
  }
  const walk = walkElements(src, header, {
    element: 0,
    start: { byte: header.dataOffset, line: header.headerLines + 1 },
    until: header.elements.length,
    visitors,
    onElementStart,
  });
  for await (const _ of walk);
  return { starts, bounds: bounds.result(), ...facts };
}
