import { mulberry32 } from '../../../../common/math/random';
import { Tile, tileRect } from './demoTexture';

/**
 * Procedural urban block with exact ground truth: rolling terrain with a road, buildings (flat and
 * gabled roofs, facades), trees (trunk + crown), cars on the road and street poles. Every face knows
 * its class, object instance and surface kind (roof / facade), so tests can score segmentation exactly.
 */
export const DemoClass = { ground: 2, vegetation: 5, building: 6, car: 64, pole: 65 } as const;
export const DemoSurface = { other: 0, roof: 1, facade: 2 } as const;

export const DEMO_CLASSES = [
  { code: DemoClass.ground, name: 'Ground', color: '#a57f55' },
  { code: DemoClass.vegetation, name: 'High vegetation', color: '#2f9e44' },
  { code: DemoClass.building, name: 'Building', color: '#e03131' },
  { code: DemoClass.car, name: 'Car', color: '#1c7ed6' },
  { code: DemoClass.pole, name: 'Pole', color: '#f59f00' },
];

/** A UTM-like origin, so every consumer is exercised with georeferenced magnitudes. */
export const DEMO_ORIGIN: [number, number, number] = [512_000, 5_403_000, 80];
export const DEMO_EXTENT = 100; // metres, terrain spans [-50, 50]^2

export interface DemoObject {
  instance: number;
  classCode: number;
  kind: 'ground' | 'building' | 'tree' | 'car' | 'pole';
  /** Local-frame centre (x, y, z) of the object, useful for tests that click on it. */
  center: [number, number, number];
}

export interface DemoMesh {
  positions: Float32Array; // xyz per vertex, local frame (offsets from DEMO_ORIGIN)
  indices: Uint32Array;
  cornerUvs: Float32Array; // 6 per face
  faceClass: Uint16Array;
  faceInstance: Uint32Array;
  faceSurface: Uint8Array;
  objects: DemoObject[];
}

type V3 = [number, number, number];

class MeshBuilder {
  private pos: number[] = [];
  private idx: number[] = [];
  private uv: number[] = [];
  private cls: number[] = [];
  private inst: number[] = [];
  private surf: number[] = [];
  cur = { cls: 0, inst: 0, surf: 0 as number, tile: 0 as number };

  vertex(p: V3): number {
    this.pos.push(p[0], p[1], p[2]);
    return this.pos.length / 3 - 1;
  }

  /** Triangle with per-corner uvs given in tile-local [0,1] coordinates. */
  tri(a: number, b: number, c: number, uva: [number, number], uvb: [number, number], uvc: [number, number]) {
    const r = tileRect(this.cur.tile);
    const map = (t: [number, number]) => [r.u0 + t[0] * (r.u1 - r.u0), r.v0 + t[1] * (r.v1 - r.v0)];
    this.idx.push(a, b, c);
    this.uv.push(...map(uva), ...map(uvb), ...map(uvc));
    this.cls.push(this.cur.cls);
    this.inst.push(this.cur.inst);
    this.surf.push(this.cur.surf);
  }

  /** Quad a-b-c-d (counter-clockwise seen from outside), uv spanning the whole tile. */
  quad(a: V3, b: V3, c: V3, d: V3) {
    const ia = this.vertex(a);
    const ib = this.vertex(b);
    const ic = this.vertex(c);
    const id = this.vertex(d);
    this.tri(ia, ib, ic, [0, 1], [1, 1], [1, 0]);
    this.tri(ia, ic, id, [0, 1], [1, 0], [0, 0]);
  }

  build(objects: DemoObject[]): DemoMesh {
    return {
      positions: Float32Array.from(this.pos),
      indices: Uint32Array.from(this.idx),
      cornerUvs: Float32Array.from(this.uv),
      faceClass: Uint16Array.from(this.cls),
      faceInstance: Uint32Array.from(this.inst),
      faceSurface: Uint8Array.from(this.surf),
      objects,
    };
  }
}

function hills(x: number, y: number): number {
  return 2 * Math.sin(x / 23) + 1.5 * Math.cos(y / 17) + 0.5 * Math.sin((x + y) / 9);
}

/** Ground height: rolling hills, graded flat across the road band and blended back within 4 m of it. */
export function terrainHeight(x: number, y: number): number {
  const t = Math.min(1, Math.max(0, (Math.abs(y) - ROAD_Y1) / 4));
  const w = t * t * (3 - 2 * t);
  return roadHeight(x) * (1 - w) + hills(x, y) * w;
}

/** The road runs east-west at y in [ROAD_Y0, ROAD_Y1]. */
const ROAD_Y0 = -4;
const ROAD_Y1 = 4;

interface Footprint {
  cx: number;
  cy: number;
  w: number; // along local x
  d: number; // along local y
  angle: number;
}

function footprintCorners(f: Footprint): [number, number][] {
  const c = Math.cos(f.angle);
  const s = Math.sin(f.angle);
  const local: [number, number][] = [
    [-f.w / 2, -f.d / 2],
    [f.w / 2, -f.d / 2],
    [f.w / 2, f.d / 2],
    [-f.w / 2, f.d / 2],
  ];
  return local.map(([x, y]) => [f.cx + x * c - y * s, f.cy + x * s + y * c]);
}

function insideFootprint(f: Footprint, x: number, y: number, margin = 0): boolean {
  const c = Math.cos(-f.angle);
  const s = Math.sin(-f.angle);
  const lx = (x - f.cx) * c - (y - f.cy) * s;
  const ly = (x - f.cx) * s + (y - f.cy) * c;
  return Math.abs(lx) <= f.w / 2 + margin && Math.abs(ly) <= f.d / 2 + margin;
}

export function buildDemoMesh(seed: number): DemoMesh {
  const rand = mulberry32(seed);
  const range = (a: number, b: number) => a + (b - a) * rand();
  const mb = new MeshBuilder();
  const objects: DemoObject[] = [];
  let nextInstance = 1;

  // Buildings: one slot per lot on both sides of the road, jittered in size, height and rotation.
  const lots: [number, number][] = [
    [-32, 20],
    [-6, 22],
    [22, 19],
    [-30, -22],
    [0, -24],
    [28, -21],
  ];
  const footprints: Footprint[] = lots.map(([cx, cy]) => ({
    cx: cx + range(-2, 2),
    cy: cy + range(-1.5, 1.5),
    w: range(12, 17),
    d: range(9, 12),
    angle: range(-0.25, 0.25),
  }));

  // Terrain grid (2 m cells), skipping cells under building footprints.
  const cell = 2;
  const half = DEMO_EXTENT / 2;
  const groundInstance = 0;
  mb.cur = { cls: DemoClass.ground, inst: groundInstance, surf: DemoSurface.other, tile: Tile.grass };
  for (let gy = -half; gy < half; gy += cell) {
    for (let gx = -half; gx < half; gx += cell) {
      const cx = gx + cell / 2;
      const cy = gy + cell / 2;
      if (footprints.some((f) => insideFootprint(f, cx, cy, -0.5))) continue;
      mb.cur.tile = cy > ROAD_Y0 && cy < ROAD_Y1 ? Tile.asphalt : Math.abs(cy - ROAD_Y1 - 1.5) < 1 ? Tile.dirt : Tile.grass;
      const h = (x: number, y: number): V3 => [x, y, terrainHeight(x, y)];
      mb.quad(h(gx, gy), h(gx + cell, gy), h(gx + cell, gy + cell), h(gx, gy + cell));
    }
  }
  objects.push({ instance: groundInstance, classCode: DemoClass.ground, kind: 'ground', center: [0, 0, terrainHeight(0, 0)] });

  for (const f of footprints) {
    const inst = nextInstance++;
    const corners = footprintCorners(f);
    const base = Math.min(...corners.map(([x, y]) => terrainHeight(x, y))) - 0.3;
    const height = range(6, 16);
    const top = base + height;
    const gabled = rand() < 0.5;
    const facadeTile = rand() < 0.5 ? Tile.brick : Tile.plaster;
    mb.cur = { cls: DemoClass.building, inst, surf: DemoSurface.facade, tile: facadeTile };
    for (let i = 0; i < 4; i++) {
      const [x0, y0] = corners[i]!;
      const [x1, y1] = corners[(i + 1) % 4]!;
      mb.quad([x0, y0, base], [x1, y1, base], [x1, y1, top], [x0, y0, top]);
    }
    const [c0, c1, c2, c3] = corners as [[number, number], [number, number], [number, number], [number, number]];
    if (gabled) {
      // Ridge along the longer local x axis, midway between the long sides.
      const ridgeH = top + range(2.5, 4);
      const m0: [number, number] = [(c0[0] + c3[0]) / 2, (c0[1] + c3[1]) / 2];
      const m1: [number, number] = [(c1[0] + c2[0]) / 2, (c1[1] + c2[1]) / 2];
      mb.cur = { cls: DemoClass.building, inst, surf: DemoSurface.roof, tile: Tile.roofRed };
      mb.quad([c0[0], c0[1], top], [c1[0], c1[1], top], [m1[0], m1[1], ridgeH], [m0[0], m0[1], ridgeH]);
      mb.quad([c2[0], c2[1], top], [c3[0], c3[1], top], [m0[0], m0[1], ridgeH], [m1[0], m1[1], ridgeH]);
      mb.cur = { cls: DemoClass.building, inst, surf: DemoSurface.facade, tile: facadeTile };
      for (const [a, b, m] of [
        [c1, c2, m1],
        [c3, c0, m0],
      ] as const) {
        const ia = mb.vertex([a[0], a[1], top]);
        const ib = mb.vertex([b[0], b[1], top]);
        const im = mb.vertex([m[0], m[1], ridgeH]);
        mb.tri(ia, ib, im, [0, 1], [1, 1], [0.5, 0]);
      }
      objects.push({ instance: inst, classCode: DemoClass.building, kind: 'building', center: [f.cx, f.cy, (base + ridgeH) / 2] });
    } else {
      mb.cur = { cls: DemoClass.building, inst, surf: DemoSurface.roof, tile: Tile.roofGray };
      mb.quad([c0[0], c0[1], top], [c1[0], c1[1], top], [c2[0], c2[1], top], [c3[0], c3[1], top]);
      objects.push({ instance: inst, classCode: DemoClass.building, kind: 'building', center: [f.cx, f.cy, (base + top) / 2] });
    }
  }

  const clearOfBuildings = (x: number, y: number, margin: number) => !footprints.some((f) => insideFootprint(f, x, y, margin));

  // Trees in the gardens: not on the road, not inside or against buildings.
  let trees = 0;
  for (let attempt = 0; trees < 14 && attempt < 500; attempt++) {
    const x = range(-46, 46);
    const y = rand() < 0.5 ? range(8, 46) : range(-46, -8);
    if (!clearOfBuildings(x, y, 4.5)) continue;
    if (objects.some((o) => o.kind === 'tree' && Math.hypot(o.center[0] - x, o.center[1] - y) < 7)) continue;
    const inst = nextInstance++;
    const z0 = terrainHeight(x, y);
    const trunkH = range(2, 3.5);
    const radius = range(2, 3.4);
    mb.cur = { cls: DemoClass.vegetation, inst, surf: DemoSurface.other, tile: Tile.bark };
    prism(mb, x, y, z0 - 0.2, z0 + trunkH + radius * 0.5, 0.22, 6);
    mb.cur = { cls: DemoClass.vegetation, inst, surf: DemoSurface.other, tile: Tile.foliage };
    const cz = z0 + trunkH + radius * 0.9;
    crown(mb, [x, y, cz], radius, radius * range(1.0, 1.4), rand);
    objects.push({ instance: inst, classCode: DemoClass.vegetation, kind: 'tree', center: [x, y, cz] });
    trees++;
  }

  // Cars parked along both lanes of the road.
  const carTiles = [Tile.carRed, Tile.carBlue, Tile.carWhite, Tile.carBlack];
  const carXs = [-38, -24, -11, 3, 17, 31, 42];
  carXs.forEach((x0, i) => {
    const inst = nextInstance++;
    const x = x0 + range(-1.5, 1.5);
    const y = i % 2 === 0 ? -2 : 2;
    const z = roadHeight(x);
    const angle = range(-0.06, 0.06);
    const tile = carTiles[i % carTiles.length]!;
    mb.cur = { cls: DemoClass.car, inst, surf: DemoSurface.other, tile };
    box(mb, x, y, z + 0.3, 4.3, 1.8, 0.85, angle);
    mb.cur = { cls: DemoClass.car, inst, surf: DemoSurface.other, tile: Tile.carBlack };
    box(mb, x - 0.2, y, z + 1.15, 2.3, 1.6, 0.6, angle);
    objects.push({ instance: inst, classCode: DemoClass.car, kind: 'car', center: [x, y, z + 0.9] });
  });

  // Street poles on the verge.
  for (let i = 0; i < 8; i++) {
    const inst = nextInstance++;
    const x = -42 + i * 12 + range(-1, 1);
    const y = i % 2 === 0 ? ROAD_Y1 + 1.2 : ROAD_Y0 - 1.2;
    const z0 = terrainHeight(x, y);
    mb.cur = { cls: DemoClass.pole, inst, surf: DemoSurface.other, tile: Tile.metal };
    prism(mb, x, y, z0 - 0.1, z0 + 6.5, 0.13, 8);
    box(mb, x, y + (y > 0 ? -0.8 : 0.8), z0 + 6.3, 0.25, 1.6, 0.2, 0);
    objects.push({ instance: inst, classCode: DemoClass.pole, kind: 'pole', center: [x, y, z0 + 3.2] });
  }

  return mb.build(objects);
}

/** The road is graded: it follows the terrain along x only, so cars sit on a smooth surface. */
function roadHeight(x: number): number {
  return hills(x, 0);
}

function prism(mb: MeshBuilder, x: number, y: number, z0: number, z1: number, r: number, sides: number) {
  for (let i = 0; i < sides; i++) {
    const a0 = (i / sides) * Math.PI * 2;
    const a1 = ((i + 1) / sides) * Math.PI * 2;
    const p0: [number, number] = [x + r * Math.cos(a0), y + r * Math.sin(a0)];
    const p1: [number, number] = [x + r * Math.cos(a1), y + r * Math.sin(a1)];
    mb.quad([p0[0], p0[1], z0], [p1[0], p1[1], z0], [p1[0], p1[1], z1], [p0[0], p0[1], z1]);
  }
}

/** Axis box rotated about z; the bottom face is left out (it rests on the ground and is never seen). */
function box(mb: MeshBuilder, cx: number, cy: number, z0: number, w: number, d: number, h: number, angle: number) {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const corner = (lx: number, ly: number, z: number): V3 => [cx + lx * c - ly * s, cy + lx * s + ly * c, z];
  const z1 = z0 + h;
  const p = [
    [-w / 2, -d / 2],
    [w / 2, -d / 2],
    [w / 2, d / 2],
    [-w / 2, d / 2],
  ] as const;
  for (let i = 0; i < 4; i++) {
    const a = p[i]!;
    const b = p[(i + 1) % 4]!;
    mb.quad(corner(a[0], a[1], z0), corner(b[0], b[1], z0), corner(b[0], b[1], z1), corner(a[0], a[1], z1));
  }
  mb.quad(corner(p[0][0], p[0][1], z1), corner(p[1][0], p[1][1], z1), corner(p[2][0], p[2][1], z1), corner(p[3][0], p[3][1], z1));
}

/** Lumpy ellipsoid crown: a subdivided octahedron with radii jittered per vertex. */
function crown(mb: MeshBuilder, c: V3, r: number, rz: number, rand: () => number) {
  const rings = 8;
  const segs = 12;
  const grid: number[][] = [];
  for (let i = 0; i <= rings; i++) {
    const phi = (i / rings) * Math.PI;
    const row: number[] = [];
    for (let j = 0; j < segs; j++) {
      const th = (j / segs) * Math.PI * 2;
      const k = i === 0 || i === rings ? 1 : 0.85 + 0.3 * rand();
      row.push(mb.vertex([c[0] + r * k * Math.sin(phi) * Math.cos(th), c[1] + r * k * Math.sin(phi) * Math.sin(th), c[2] + rz * k * Math.cos(phi)]));
    }
    grid.push(row);
  }
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < segs; j++) {
      const a = grid[i]![j]!;
      const b = grid[i]![(j + 1) % segs]!;
      const cc = grid[i + 1]![(j + 1) % segs]!;
      const d = grid[i + 1]![j]!;
      mb.tri(a, d, cc, [0, 0], [0, 1], [1, 1]);
      mb.tri(a, cc, b, [0, 0], [1, 1], [1, 0]);
    }
  }
}
