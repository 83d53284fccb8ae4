import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlCamera, project, type Camera, type Vec3 } from '../../../common/geometry/camera';
import { insidePolygon } from '../../../common/geometry/polygon';
import { selectPolygonInOctree, type OctreeSelectionStats } from '../../../electron/services/core/octreeSelection';
import { selectPolygon, selectPolygonFullScan } from '../../../electron/services/core/selectPolygon';
import { CROSSING, INSIDE, OUTSIDE, ScreenPolygon } from '../../../electron/services/core/screenPolygon';
import type { SelectionFilter, SelectionLayers } from '../../../electron/services/core/selectionFilter';
import type { LayerLabels } from '../../../electron/services/labels/labelStore';
import { buildOctree } from '../../../electron/services/octree/buildOctree';
import { OctreeStore } from '../../../electron/services/octree/octreeStore';
import { demoPointScan } from '../../../electron/services/scans/demo/demoScene';
import type { Scan } from '../../../electron/services/scans/model';
import { readScan } from '../../../electron/services/scans/read';

type Polygon = [number, number][];

/** The selection as specified (and as the core computed it before culling): every point, one by one. */
function reference(positions: Float32Array, camera: Camera, polygon: Polygon, filter: SelectionFilter, layers: SelectionLayers): number[] {
  const user = layers.user();
  const predicted = layers.predicted();
  const hidden = new Set(filter.hiddenClasses ?? []);
  const out: number[] = [];
  for (let i = 0; i < positions.length / 3; i++) {
    const p: Vec3 = [positions[i * 3]!, positions[i * 3 + 1]!, positions[i * 3 + 2]!];
    const q = project(camera, p);
    if (!q || !insidePolygon(polygon, q.u, q.v)) continue;
    if (filter.heightSlice && (p[2] < filter.heightSlice[0] || p[2] > filter.heightSlice[1])) continue;
    const clip = filter.clipBox;
    if (clip && [0, 1, 2].some((k) => p[k]! < clip.min[k]! || p[k]! > clip.max[k]!)) continue;
    if (user) {
      const label = user.classes[i]!;
      const labeled = label !== 0xff;
      if (filter.unlabeledOnly && labeled) continue;
      if (labeled && hidden.has(label)) continue;
      if (filter.isolate !== undefined) {
        const shown = labeled ? label : predicted && predicted.classes[i] !== 0xff ? predicted.classes[i]! : -1;
        if (shown !== filter.isolate) continue;
      }
    }
    out.push(i);
  }
  return out;
}

/** A uint8 label layer: class (i * 7) % 5 on every `step`-th point, the rest unlabeled. */
function fakeLayer(n: number, step: number): LayerLabels {
  const classes = new Uint8Array(n).fill(0xff);
  for (let i = 0; i < n; i += step) classes[i] = (i * 7) % 5;
  return { classes, flags: new Uint8Array(n), confidence: null, instances: new Uint32Array(n), unlabeled: 0 };
}

const noLayers: SelectionLayers = { user: () => null, predicted: () => null };

interface Fixture {
  scan: Scan;
  store: OctreeStore;
  center: Vec3;
  extent: number;
}

async function fixture(scan: Scan, dir: string, maxLeafPoints: number): Promise<Fixture> {
  await buildOctree(scan, dir, { threads: 0, maxLeafPoints });
  const store = await OctreeStore.open(dir);
  const { min, max } = store.hierarchy.bounds;
  const center: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  return { scan, store, center, extent: Math.max(max[0] - min[0], max[1] - min[1], max[2] - min[2]) };
}

/** Views of the scan: from above, oblique, from inside (the near plane cuts through nodes), tiny near plane. */
function cameras(f: Fixture): [string, Camera][] {
  const [cx, cy, cz] = f.center;
  const d = f.extent;
  return [
    ['top', fromGlCamera({ position: [cx, cy - 1, cz + 1.1 * d], target: f.center, up: [0, 0, 1], fovDeg: 55, near: 1 }, 800, 600)],
    ['oblique', fromGlCamera({ position: [cx - d, cy - 0.8 * d, cz + 0.6 * d], target: f.center, up: [0, 0, 1], fovDeg: 60 }, 1024, 768)],
    ['inside', fromGlCamera({ position: [cx + 0.1 * d, cy, cz + 0.05 * d], target: [cx + d, cy + 0.3 * d, cz], up: [0, 0, 1], fovDeg: 75, near: d * 0.02 }, 640, 480)],
  ];
}

const polygons: [string, Polygon][] = [
  ['quad', [[100, 100], [500, 120], [420, 480], [150, 400]]],
  ['lasso (concave)', [[50, 50], [600, 60], [600, 500], [320, 200], [60, 460]]],
  ['self-intersecting', [[80, 80], [560, 420], [560, 80], [80, 420]]],
  ['whole screen', [[-10, -10], [2000, -10], [2000, 2000], [-10, 2000]]],
  ['sliver', [[300, 10], [302, 10], [302, 590], [300, 590]]],
];

function quantile(f: Fixture, axis: number, t: number): number {
  const values = Float32Array.from({ length: f.scan.pointCount }, (_, i) => f.scan.positions[i * 3 + axis]!).sort();
  const lo = values[0]!;
  const hi = values[values.length - 1]!;
  if (t < 0) return lo + (hi - lo) * t;
  if (t > 1) return hi + (hi - lo) * (t - 1);
  return values[Math.min(values.length - 1, Math.floor(t * values.length))]!;
}

function filters(f: Fixture): [string, SelectionFilter][] {
  // Boxes placed by the points' quantiles per axis, so they cut through where the points are.
  const mid = (k: number, t: number) => quantile(f, k, t);
  return [
    ['none', {}],
    ['clip box', { clipBox: { min: [mid(0, 0.2), mid(1, 0.1), mid(2, -0.1)], max: [mid(0, 0.7), mid(1, 0.55), mid(2, 0.6)] } }],
    ['height slice', { heightSlice: [mid(2, 0.1), mid(2, 0.4)] }],
    ['clip box and slice', { heightSlice: [mid(2, 0.3), mid(2, 1)], clipBox: { min: [mid(0, 0.4), mid(1, 0.4), mid(2, 0)], max: [mid(0, 1.2), mid(1, 1.2), mid(2, 1)] } }],
  ];
}

function checkEqual(f: Fixture, label: string, maxTestedShare: number) {
  it(`${label}: octree culling selects exactly what the full scan selects (cameras x polygons x position filters)`, async () => {
    let tested = 0;
    let cases = 0;
    let wholeNodes = 0;
    const nonEmpty = new Set<string>();
    for (const [, camera] of cameras(f)) {
      for (const [, polygon] of polygons) {
        for (const [filterName, filter] of filters(f)) {
          const expected = reference(f.scan.positions, camera, polygon, filter, noLayers);
          const stats: OctreeSelectionStats = { nodesVisited: 0, nodesInside: 0, nodesCrossing: 0, pointsTested: 0 };
          const got = await selectPolygonInOctree(f.store, camera, polygon, filter, noLayers, stats);
          expect(Array.from(got)).toEqual(expected);
          expect(Array.from(selectPolygonFullScan(f.scan.positions, camera, polygon, filter, noLayers))).toEqual(expected);
          if (expected.length > 0) nonEmpty.add(filterName);
          tested += stats.pointsTested;
          wholeNodes += stats.nodesInside;
          cases++;
        }
      }
    }
    // Culling is real: whole nodes are taken by their index block, and well under all points are tested
    // (a small scan keeps a large share of its points in the top nodes, which span every polygon edge).
    expect(nonEmpty.size).toBe(filters(f).length);
    expect(wholeNodes).toBeGreaterThan(cases);
    expect(tested / (cases * f.scan.pointCount)).toBeLessThan(maxTestedShare);
  });

  it(`${label}: label filters (hidden, unlabeled only, isolate) and the dispatcher agree with the full scan`, async () => {
    const n = f.scan.pointCount;
    const layers: SelectionLayers = { user: () => fakeLayer(n, 3), predicted: () => fakeLayer(n, 2) };
    const [, camera] = cameras(f)[0]!;
    const [, polygon] = polygons[3]!;
    const [, clip] = filters(f)[1]!;
    const cases: SelectionFilter[] = [{ hiddenClasses: [1, 3] }, { unlabeledOnly: true, ...clip }, { isolate: 2 }, { isolate: 4, hiddenClasses: [4] }];
    for (const filter of cases) {
      const expected = reference(f.scan.positions, camera, polygon, filter, layers);
      expect(expected.length).toBeGreaterThan(0);
      expect(Array.from(await selectPolygon({ positions: f.scan.positions, octree: f.store }, camera, polygon, filter, layers))).toEqual(expected);
      expect(Array.from(await selectPolygon({ positions: f.scan.positions, octree: null }, camera, polygon, filter, layers))).toEqual(expected);
    }
  });
}

describe('scans.selectPolygon culled through the LOD octree', () => {
  let work: string;
  const real = {} as Fixture;
  const demo = {} as Fixture;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scanlabel-select-cull-'));
    // 37,805 real aerial points (1 km tile, bridge, vegetation); small leaves make a deep tree.
    const file = resolve(__dirname, '../../../../shared/data/ign-lidarhd/append-bug.laz');
    Object.assign(real, await fixture(await readScan(file), join(work, 'real', 'octree'), 600));
    Object.assign(demo, await fixture(demoPointScan({ seed: 3, points: 60_000 }), join(work, 'demo', 'octree'), 500));
  }, 120_000);
  afterAll(async () => {
    await real.store?.close();
    await demo.store?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the trees are deep enough to cull', () => {
    expect(real.store.nodes.length).toBeGreaterThan(40);
    expect(demo.store.nodes.length).toBeGreaterThan(40);
  });

  describe('real file (ign-lidarhd/append-bug.laz)', () => checkEqual(real, 'append-bug.laz', 0.35));
  describe('demo scene', () => checkEqual(demo, 'demo', 0.75));

  it('a stale octree (another point count) is ignored: the in-memory scan decides', async () => {
    const [, camera] = cameras(demo)[0]!;
    const [, polygon] = polygons[0]!;
    const fewer = demo.scan.positions.subarray(0, 3 * 1000);
    const expected = reference(fewer, camera, polygon, {}, noLayers);
    expect(Array.from(await selectPolygon({ positions: fewer, octree: demo.store }, camera, polygon, {}, noLayers))).toEqual(expected);
  });
});

describe('ScreenPolygon.classifyBox', () => {
  it('INSIDE boxes hold only selected points, OUTSIDE boxes none (random boxes and cameras)', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const seen = { [OUTSIDE]: 0, [INSIDE]: 0, [CROSSING]: 0 };
    for (let trial = 0; trial < 300; trial++) {
      const camera = fromGlCamera({ position: [rand() * 20 - 10, rand() * 20 - 10, rand() * 10 + 1], target: [0, 0, 0], up: [0, 0, 1], fovDeg: 50, near: 0.5 }, 400, 300);
      const screen = new ScreenPolygon(camera, polygons[1]![1].map(([x, y]) => [x * 0.6, y * 0.6]));
      const size = rand() * 4;
      const min = [rand() * 12 - 6, rand() * 12 - 6, rand() * 6 - 3];
      const max = min.map((v) => v + size);
      const side = screen.classifyBox(min, max);
      seen[side]++;
      if (side === CROSSING) continue;
      for (let k = 0; k < 200; k++) {
        const p = [0, 1, 2].map((a) => min[a]! + rand() * size) as Vec3;
        expect(screen.contains(...p)).toBe(side === INSIDE);
      }
    }
    expect(seen[INSIDE]).toBeGreaterThan(10);
    expect(seen[OUTSIDE]).toBeGreaterThan(10);
  });
});
