import { describe, expect, it } from 'vitest';
import { NearestClickAnnotator } from '../../../electron/services/eval/annotator';
import { concatScans } from '../../../electron/services/eval/concat';
import { summarizeInstances, type ObjectRun } from '../../../electron/services/eval/instanceRun';
import { lineChartSvg } from '../../../electron/services/eval/plot';
import {
  buildVoxelIndex,
  errorComponents,
  groupedErrorComponents,
  largestComponent,
  medianSpacing,
} from '../../../electron/services/eval/protocol/components';
import { innermostPoint } from '../../../electron/services/eval/protocol/innermost';
import {
  clicksToReach,
  confusion,
  extendCurve,
  maskIoU,
  meanIoUAt,
  meanNoC,
  NO_LABEL,
  scoreConfusion,
} from '../../../electron/services/eval/protocol/metrics';
import { runSemantic } from '../../../electron/services/eval/semanticRun';
import { instanceTruth, semanticTruth } from '../../../electron/services/eval/truth';
import type { Scan } from '../../../electron/services/scans/model';

/** Points on an integer lattice, listed x fastest. */
function lattice(nx: number, ny: number, nz: number, spacing = 1, offset: [number, number, number] = [0, 0, 0]): Float32Array {
  const out: number[] = [];
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) out.push(offset[0] + x * spacing, offset[1] + y * spacing, offset[2] + z * spacing);
  return Float32Array.from(out);
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// Voxel edges are offset by half a cell so lattice points sit inside voxels, never on their faces.
const shifted = (p: Float32Array) => p.map((v) => v + 0.5);

describe('median nearest-neighbour spacing', () => {
  it('is the lattice step on a regular sheet and a regular block', () => {
    expect(medianSpacing(lattice(40, 30, 1, 0.5))).toBeCloseTo(0.5, 5);
    expect(medianSpacing(lattice(12, 12, 12, 2))).toBeCloseTo(2, 5);
  });
  it('ignores exact duplicates', () => {
    const p = lattice(10, 10, 1, 1);
    expect(medianSpacing(concat(p, p))).toBeCloseTo(1, 5);
  });
});

describe('error components', () => {
  // Three clusters on a line, gaps of 5 units between them: 10, 30 and 30 points; voxel = 1.
  const a = lattice(10, 1, 1, 1, [0, 0, 0]);
  const b = lattice(30, 1, 1, 1, [15, 0, 0]);
  const c = lattice(30, 1, 1, 1, [50, 0, 0]);
  const positions = shifted(concat(a, b, c));
  const index = buildVoxelIndex(positions, 1);

  it('groups voxel-adjacent error points and picks the largest, ties by the lowest point id', () => {
    const mask = new Uint8Array(70).fill(1);
    const comps = errorComponents(index, mask);
    expect(comps.map((x) => x.points.length)).toEqual([30, 30, 10]);
    expect(comps[0]!.points[0]).toBe(10); // cluster b starts at point 10, before cluster c (40)
    expect(largestComponent(index, mask)!.points[0]).toBe(10);
  });

  it('splits a cluster where correct points separate the errors, and joins diagonal voxels (26-adjacency)', () => {
    const mask = new Uint8Array(70);
    for (let p = 10; p < 40; p++) mask[p] = p === 25 ? 0 : 1;
    expect(errorComponents(index, mask).map((x) => x.points.length)).toEqual([15, 14]);
    const diag = shifted(Float32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 5, 5, 5]));
    const di = buildVoxelIndex(diag, 1);
    expect(errorComponents(di, new Uint8Array(4).fill(1)).map((x) => x.points.length)).toEqual([3, 1]);
  });

  it('grouped by true class, adjacent errors of two classes are two components', () => {
    const mask = new Uint8Array(70);
    const group = new Int32Array(70).fill(-1);
    for (let p = 10; p < 40; p++) {
      mask[p] = 1;
      group[p] = p < 22 ? 0 : 1;
    }
    expect(errorComponents(index, mask).map((x) => x.points.length)).toEqual([30]);
    const g = groupedErrorComponents(index, mask, group);
    expect(g.map((x) => [x.points.length, x.points[0]])).toEqual([
      [18, 22],
      [12, 10],
    ]);
  });

  it('is empty without errors', () => {
    expect(largestComponent(index, new Uint8Array(70))).toBeNull();
  });
});

describe('innermost point', () => {
  it('is the centre of a solid block', () => {
    const positions = shifted(lattice(9, 9, 9));
    const index = buildVoxelIndex(positions, 1);
    const comp = largestComponent(index, new Uint8Array(729).fill(1))!;
    const r = innermostPoint(index, comp, positions);
    expect(r.point).toBe(4 + 4 * 9 + 4 * 81);
    expect(r.depth).toBe(4);
  });

  it('is the centre of a flat sheet (2.5D aerial case: open rims are the border)', () => {
    const positions = shifted(lattice(11, 11, 1));
    const index = buildVoxelIndex(positions, 1);
    const r = innermostPoint(index, largestComponent(index, new Uint8Array(121).fill(1))!, positions);
    expect(r.point).toBe(5 + 5 * 11);
  });

  it('keeps away from the correct points the error touches', () => {
    // A line of 21 points; 0..10 wrong, 11..20 right: border at 0 (open end) and 10 (meets correct).
    const positions = shifted(lattice(21, 1, 1));
    const index = buildVoxelIndex(positions, 1);
    const mask = new Uint8Array(21);
    for (let p = 0; p <= 10; p++) mask[p] = 1;
    expect(innermostPoint(index, largestComponent(index, mask)!, positions).point).toBe(5);
  });

  it('breaks ties by the lowest point id', () => {
    // Two points in one voxel, equally far from the centroid.
    const positions = Float32Array.from([0.25, 0.5, 0.5, 0.75, 0.5, 0.5]);
    const index = buildVoxelIndex(positions, 1);
    expect(innermostPoint(index, largestComponent(index, new Uint8Array(2).fill(1))!, positions).point).toBe(0);
  });
});

describe('metrics', () => {
  it('IoU, mIoU and OA from the confusion; unlabelled counts as wrong; unscored points are left out', () => {
    // truth: 0 0 0 1 1 (and one unscored point); predicted: 0 0 1 1 none, 1
    const truth = Int32Array.from([0, 0, 0, 1, 1, -1]);
    const pred = Uint16Array.from([0, 0, 1, 1, NO_LABEL, 1]);
    const s = scoreConfusion(confusion(truth, pred, 2), 2);
    expect(s.iou[0]).toBeCloseTo(2 / 3);
    expect(s.iou[1]).toBeCloseTo(1 / 3);
    expect(s.miou).toBeCloseTo(0.5);
    expect(s.oa).toBeCloseTo(3 / 5);
    expect(scoreConfusion(confusion(truth, pred, 2), 2, [0]).miou).toBeCloseTo(2 / 3);
  });

  it('mask IoU', () => {
    expect(maskIoU(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([0, 1, 1, 0]))).toBeCloseTo(1 / 3);
    expect(maskIoU(new Uint8Array(3), new Uint8Array(3))).toBe(0);
  });

  it('NoC@k: first click reaching the IoU, capped; IoU@k carries a finished run forward', () => {
    const curve = [0.5, 0.82, 0.86, 0.95];
    expect(clicksToReach(curve, 0.8, 20)).toBe(2);
    expect(clicksToReach(curve, 0.85, 20)).toBe(3);
    expect(clicksToReach(curve, 0.9, 20)).toBe(4);
    expect(clicksToReach([0.1, 0.2], 0.8, 20)).toBe(20);
    expect(meanNoC([curve, [0.1, 0.2]], 0.85, 20)).toBe((3 + 20) / 2);
    expect(meanIoUAt([curve, [0.3]], 10)).toBeCloseTo((0.95 + 0.3) / 2);
    expect(extendCurve([0.2, 0.9], 4)).toEqual([0.2, 0.9, 0.9, 0.9]);
    const run = (ious: number[]): ObjectRun => ({
      value: 1,
      points: 10,
      clicks: ious.map((iou, i) => ({ point: i, positive: true, iou, ms: 1 })),
    });
    const s = summarizeInstances([run([0.5, 0.82, 0.86, 0.95]), run([0.91])], 20);
    expect(s.noc).toEqual({ '80': 1.5, '85': 2, '90': 2.5 });
    expect(s.iouAt['1']).toBeCloseTo((0.5 + 0.91) / 2);
    expect(s.iouAt['3']).toBeCloseTo((0.86 + 0.91) / 2);
  });
});

describe('ground truth selection', () => {
  it('drops ignored values, "no value" sentinels and classes below the minimum share from scoring', () => {
    const raw = Float64Array.from([2, 2, 2, 2, 2, 2, 2, 2, 6, 6, 6, 7, 0, Number.MAX_VALUE]);
    const t = semanticTruth(raw, { ignore: [0], minClassShare: 0.1 });
    expect(t.values).toEqual([2, 6, 7]);
    expect(t.counts).toEqual([8, 3, 1]);
    expect(t.scored).toEqual([0, 1]);
    expect(Array.from(t.classOf.slice(8))).toEqual([1, 1, 1, -1, -1, -1]);
    expect(Array.from(t.anyClassOf.slice(8))).toEqual([1, 1, 1, 2, -1, -1]);
    expect(t.ignoredPoints).toBe(2);
  });

  it('instances: sentinel and ignored values are background, small objects left out, max-objects evenly spaced', () => {
    const raw = Float64Array.from([Number.MAX_VALUE, 1, 1, 1, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 0]);
    const t = instanceTruth(raw, { ignore: [0], minPoints: 2 });
    expect(t.values).toEqual([1, 3, 4, 5]);
    expect(t.skippedSmall).toBe(1);
    expect(Array.from(t.members[1]!)).toEqual([5, 6, 7]);
    expect(instanceTruth(raw, { ignore: [0], minPoints: 2, maxObjects: 2 }).values).toEqual([1, 4]);
  });
});

describe('semantic protocol with the nearest-click labeler', () => {
  // Two slabs side by side, 10 x 5 points each, 5 units apart: class 0 left, class 1 right.
  const left = lattice(10, 5, 1, 1, [0, 0, 0]);
  const right = lattice(10, 5, 1, 1, [15, 0, 0]);
  const positions = shifted(concat(left, right));
  const raw = Float64Array.from({ length: 100 }, (_, p) => (p < 50 ? 10 : 20));
  const truth = semanticTruth(raw);
  const index = buildVoxelIndex(positions, 1.5);

  it('clicks the centre of the largest wrong region with its true class, then the next, and stops when all is right', async () => {
    const run = await runSemantic({ positions, index, truth }, new NearestClickAnnotator(positions), 5);
    // Both slabs are wrong at first (equal size): the one holding point 0 wins; its centre is (4|5, 2).
    expect(run.steps[0]!.component).toBe(50);
    expect([4 + 2 * 10, 5 + 2 * 10]).toContain(run.steps[0]!.point);
    expect(run.steps[0]!.value).toBe(10);
    expect(run.steps[0]!.miou).toBeCloseTo(0.25); // class 10 IoU 0.5, class 20 IoU 0
    expect(run.steps[1]!.component).toBe(50);
    expect(run.steps[1]!.value).toBe(20);
    expect(run.steps[1]!.point).toBeGreaterThanOrEqual(50);
    expect(run.steps[1]!.miou).toBe(1);
    expect(run.steps).toHaveLength(2);
    expect(run.perfect).toBe(true);
  });

  it('is deterministic', async () => {
    const a = await runSemantic({ positions, index, truth }, new NearestClickAnnotator(positions), 3);
    const b = await runSemantic({ positions, index, truth }, new NearestClickAnnotator(positions), 3);
    expect(b.steps.map((s) => [s.point, s.cls, s.miou])).toEqual(a.steps.map((s) => [s.point, s.cls, s.miou]));
  });
});

describe('concatScans and the plot', () => {
  const scan = (origin: [number, number, number], pts: number[], cls: number[]): Scan => ({
    id: 'x',
    name: 'x',
    format: 'las',
    sourcePath: null,
    origin,
    positions: Float32Array.from(pts),
    pointCount: pts.length / 3,
    attributes: [{ name: 'classification', type: 'uint8', components: 1, values: Uint8Array.from(cls) }],
    mesh: null,
    labelLayers: [],
    crs: null,
    source: null,
  });

  it('re-bases positions on the first origin and numbers the files as instances', () => {
    const s = concatScans([scan([100, 200, 0], [1, 1, 1], [12]), scan([110, 195, 2], [0, 0, 0, 1, 0, 0], [13, 13])], { name: 'both' });
    expect(s.pointCount).toBe(3);
    expect(Array.from(s.positions)).toEqual([1, 1, 1, 10, -5, 2, 11, -5, 2]);
    expect(Array.from(s.attributes.find((a) => a.name === 'classification')!.values)).toEqual([12, 13, 13]);
    expect(Array.from(s.attributes.find((a) => a.name === 'instance')!.values)).toEqual([1, 2, 2]);
  });

  it('draws one polyline per series with a legend', () => {
    const svg = lineChartSvg([
      {
        name: 'scanlabel',
        points: [
          { x: 1, y: 0.2 },
          { x: 2, y: 0.6 },
        ],
      },
      {
        name: 'nearest-click baseline',
        dashed: true,
        points: [
          { x: 1, y: 0.2 },
          { x: 2, y: 0.4 },
        ],
      },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('nearest-click baseline');
  });
});
