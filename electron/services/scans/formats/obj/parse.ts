import { BadInputError } from '../../../errors';
import { GrowableFloat64, GrowableUint32 } from './growable';

/**
 * Wavefront OBJ geometry, parsed from text without I/O. Faces are triangulated as fans; each
 * triangle keeps its corners' vertex, uv and normal indices so uvs and normals can stay per corner.
 */
export interface ObjGeometry {
  /** xyz per vertex, float64 as written. */
  positions: Float64Array;
  /** rgb per vertex in 0..1 when the file has `v x y z r g b`, else null. */
  vertexColors: Float64Array | null;
  /** uv pairs (vt). */
  uvs: Float64Array;
  /** xyz per normal (vn). */
  normals: Float64Array;
  /** Per triangle corner: vertex index, uv index or -1, normal index or -1 (0-based). */
  cornerVertex: Uint32Array;
  cornerUv: Int32Array | null;
  cornerNormal: Int32Array | null;
  /** Per triangle: index into `materials` / `groups`. */
  faceMaterial: Uint32Array;
  faceGroup: Uint32Array;
  materials: string[];
  groups: string[];
  /** MTL file names from `mtllib`, as written (relative to the OBJ). */
  mtllibs: string[];
  /** Polygons (before triangulation), and lines/points that a mesh reader does not keep. */
  polygonCount: number;
  skipped: { lines: number; points: number; other: number };
}

const NO_INDEX = -1;

class Parser {
  readonly positions = new GrowableFloat64();
  readonly colors = new GrowableFloat64();
  readonly uvs = new GrowableFloat64();
  readonly normals = new GrowableFloat64();
  readonly cornerVertex = new GrowableUint32();
  readonly cornerUv = new GrowableFloat64();
  readonly cornerNormal = new GrowableFloat64();
  readonly faceMaterial = new GrowableUint32();
  readonly faceGroup = new GrowableUint32();
  readonly materials: string[] = [];
  readonly groups: string[] = [];
  readonly mtllibs: string[] = [];
  private readonly materialIndex = new Map<string, number>();
  private readonly groupIndex = new Map<string, number>();
  hasColors = false;
  anyUv = false;
  anyNormal = false;
  material = -1;
  group = -1;
  polygons = 0;
  skipped = { lines: 0, points: 0, other: 0 };
  line = 0;

  constructor(private readonly file: string) {}

  fail(detail: string): never {
    throw new BadInputError(this.file, detail, { line: this.line });
  }

  numbers(tokens: string[], from: number, count: number, what: string): number[] {
    const out: number[] = [];
    for (let i = from; i < from + count; i++) {
      const token = tokens[i];
      const value = token === undefined ? NaN : Number(token);
      if (!Number.isFinite(value)) this.fail(`${what}: expected ${count} numbers, got "${tokens.slice(from).join(' ')}"`);
      out.push(value);
    }
    return out;
  }

  named(map: Map<string, number>, list: string[], name: string): number {
    let index = map.get(name);
    if (index === undefined) {
      index = list.length;
      list.push(name);
      map.set(name, index);
    }
    return index;
  }

  /** Resolves a 1-based (or negative, relative to the end) OBJ index to 0-based. */
  resolve(token: string, count: number, what: string): number {
    if (!/^[+-]?\d+$/.test(token)) this.fail(`face ${what} index "${token}" is not an integer`);
    const n = Number(token);
    const index = n > 0 ? n - 1 : count + n;
    if (n === 0 || index < 0 || index >= count) this.fail(`face ${what} index ${n} is out of range (${count} defined so far)`);
    return index;
  }

  vertex(tokens: string[]): void {
    const n = tokens.length - 1;
    if (n !== 3 && n !== 4 && n !== 6 && n !== 7) this.fail(`vertex: expected "v x y z [w]" or "v x y z r g b", got ${n} values`);
    const xyz = this.numbers(tokens, 1, 3, 'vertex');
    for (const v of xyz) this.positions.push(v);
    if (n >= 6) {
      const rgb = this.numbers(tokens, n === 7 ? 5 : 4, 3, 'vertex colour');
      if (!this.hasColors) {
        // Vertices before the first coloured one default to white.
        for (let i = this.colors.length; i < this.positions.length - 3; i++) this.colors.push(1);
        this.hasColors = true;
      }
      for (const v of rgb) this.colors.push(v);
    } else if (n === 4) {
      this.numbers(tokens, 4, 1, 'vertex weight');
      if (this.hasColors) for (let k = 0; k < 3; k++) this.colors.push(1);
    } else if (this.hasColors) for (let k = 0; k < 3; k++) this.colors.push(1);
  }

  face(tokens: string[]): void {
    const corners = tokens.length - 1;
    if (corners < 3) this.fail(`face: expected at least 3 vertices, got ${corners}`);
    const vertexCount = this.positions.length / 3;
    const uvCount = this.uvs.length / 2;
    const normalCount = this.normals.length / 3;
    const v: number[] = [];
    const t: number[] = [];
    const nrm: number[] = [];
    for (let i = 1; i <= corners; i++) {
      const parts = tokens[i]!.split('/');
      if (parts.length > 3) this.fail(`face corner "${tokens[i]}": expected v, v/vt, v//vn or v/vt/vn`);
      v.push(this.resolve(parts[0]!, vertexCount, 'vertex'));
      t.push(parts[1] ? this.resolve(parts[1], uvCount, 'texture coordinate') : NO_INDEX);
      nrm.push(parts[2] ? this.resolve(parts[2], normalCount, 'normal') : NO_INDEX);
    }
    if (t.some((x) => x !== NO_INDEX)) this.anyUv = true;
    if (nrm.some((x) => x !== NO_INDEX)) this.anyNormal = true;
    if (this.material < 0) this.material = this.named(this.materialIndex, this.materials, '');
    if (this.group < 0) this.group = this.named(this.groupIndex, this.groups, '');
    this.polygons++;
    for (let k = 1; k + 1 < corners; k++) {
      for (const c of [0, k, k + 1]) {
        this.cornerVertex.push(v[c]!);
        this.cornerUv.push(t[c]!);
        this.cornerNormal.push(nrm[c]!);
      }
      this.faceMaterial.push(this.material);
      this.faceGroup.push(this.group);
    }
  }

  statement(tokens: string[], rest: string): void {
    switch (tokens[0]) {
      case 'v':
        return this.vertex(tokens);
      case 'vt': {
        if (tokens.length < 2) this.fail('texture coordinate: expected "vt u [v [w]]"');
        const u = this.numbers(tokens, 1, 1, 'texture coordinate')[0]!;
        const w = tokens.length > 2 ? this.numbers(tokens, 2, 1, 'texture coordinate')[0]! : 0;
        this.uvs.push(u);
        this.uvs.push(w);
        return;
      }
      case 'vn':
        for (const value of this.numbers(tokens, 1, 3, 'normal')) this.normals.push(value);
        return;
      case 'f':
        return this.face(tokens);
      case 'g':
      case 'o':
        this.group = this.named(this.groupIndex, this.groups, rest);
        return;
      case 'usemtl':
        this.material = this.named(this.materialIndex, this.materials, rest);
        return;
      case 'mtllib':
        // Names may contain spaces only when the line names a single file; split otherwise.
        if (rest) this.mtllibs.push(...(/\.mtl\s/i.test(rest) ? rest.split(/\s+/) : [rest]));
        return;
      case 'l':
        this.skipped.lines++;
        return;
      case 'p':
        this.skipped.points++;
        return;
      case 's':
      case 'vp':
      case 'cstype':
      case 'deg':
      case 'curv':
      case 'curv2':
      case 'surf':
      case 'parm':
      case 'trim':
      case 'hole':
      case 'end':
      case 'lod':
      case 'maplib':
      case 'usemap':
        this.skipped.other++;
        return;
      default:
        // Vendor statements (bevel, c_interp, shadow_obj...) are harmless; binary junk is not OBJ.
        if (!/^[A-Za-z_][\w-]*$/.test(tokens[0]!)) this.fail(`unexpected "${tokens[0]!.slice(0, 20)}": not an OBJ statement`);
        this.skipped.other++;
    }
  }
}

export function parseObj(text: string, file: string): ObjGeometry {
  const p = new Parser(file);
  let pending = '';
  let pendingLine = 0;
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    // A trailing backslash continues the statement on the next line.
    if (line.endsWith('\\')) {
      if (!pending) pendingLine = lineNo;
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    if (pending) {
      line = pending + line;
      pending = '';
      p.line = pendingLine;
    } else p.line = lineNo;
    if (!line) continue;
    const tokens = line.split(/\s+/);
    const rest = line.slice(tokens[0]!.length).trim();
    p.statement(tokens, rest);
  }
  const toInt32 = (a: GrowableFloat64) => Int32Array.from(a.toArray());
  return {
    positions: p.positions.toArray(),
    vertexColors: p.hasColors ? p.colors.toArray() : null,
    uvs: p.uvs.toArray(),
    normals: p.normals.toArray(),
    cornerVertex: p.cornerVertex.toArray(),
    cornerUv: p.anyUv ? toInt32(p.cornerUv) : null,
    cornerNormal: p.anyNormal ? toInt32(p.cornerNormal) : null,
    faceMaterial: p.faceMaterial.toArray(),
    faceGroup: p.faceGroup.toArray(),
    materials: p.materials,
    groups: p.groups,
    mtllibs: p.mtllibs,
    polygonCount: p.polygons,
    skipped: p.skipped,
  };
}
