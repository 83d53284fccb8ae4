import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../common/math/random';
import { localHeightColumns } from '../../../electron/services/propagation/features/localHeight';
import { quantizeRows } from '../../../electron/services/propagation/features/quantizedRows';
import { predictPoint, trainPointForest } from '../../../electron/services/propagation/pointClassifier';
import { prepareScan } from '../../../electron/services/propagation/prepare';
import { propagate } from '../../../electron/services/propagation/propagate';
import { servicePropagator } from '../../../electron/services/eval/annotator';
import { NO_LABEL } from '../../../electron/services/eval/protocol/metrics';

const GROUND = 2;
const LOW_VEG = 3;

/**
 * A 50 x 50 m field: ground with low vegetation (0.3-1 m) mixed in point by point (each position
 * is a plant with probability 0.3, so a plant's neighbours are mostly ground and no superpoint can
 * follow the mix). The user has labelled the western strip (x < 20) point by point.
 */
function mixedBlock() {
  const rand = mulberry32(5);
  const pos: number[] = [];
  const truth: number[] = [];
  for (let x = 0; x < 50; x += 0.5)
    for (let y = 0; y < 50; y += 0.5) {
      const veg = rand() < 0.3;
      pos.push(x + rand() * 0.2, y + rand() * 0.2, veg ? 0.3 + rand() * 0.7 : (rand() - 0.5) * 0.04);
      truth.push(veg ? LOW_VEG : GROUND);
    }
  const positions = Float32Array.from(pos);
  const scan = { positions, pointCount: truth.length, attributes: [] };
  const user = new Uint16Array(truth.length);
  for (let p = 0; p < truth.length; p++) if (positions[p * 3]! < 20) user[p] = truth[p]!;
  return { scan, truth, user };
}

/** mIoU over the points the user left open, over the classes present there. */
function openMIoU(classes: Uint16Array, user: Uint16Array, truth: number[]): number {
  const codes = [GROUND, LOW_VEG];
  let sum = 0;
  for (const c of codes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let p = 0; p < truth.length; p++) {
      if (user[p] !== 0) continue;
      const pred = classes[p] === c;
      const real = truth[p] === c;
      if (pred && real) tp++;
      else if (pred) fp++;
      else if (real) fn++;
    }
    sum += tp / Math.max(1, tp + fp + fn);
  }
  return sum / codes.length;
}

describe('per-point classifier in propagation', () => {
  const { scan, truth, user } = mixedBlock();
  const prepared = prepareScan(scan);

  it('beats the superpoint-only path where classes are mixed point by point', () => {
    const perPoint = propagate({ prepared, userLabels: user, locked: null, pointClassifier: {} });
    const superpointsOnly = propagate({ prepared, userLabels: user, locked: null, pointClassifier: false });
    const a = openMIoU(perPoint.classes, user, truth);
    const b = openMIoU(superpointsOnly.classes, user, truth);
    // Superpoints give the mixed field one class per patch; the point forest separates the plants
    // by their height above ground and local shape.
    expect(a).toBeGreaterThan(0.85);
    expect(a - b).toBeGreaterThan(0.15);
    expect(perPoint.pointTrainingRows).toBeGreaterThan(0);
    expect(superpointsOnly.pointTrainingRows).toBe(0);
  });

  it('never predicts or revises user-labelled (hard) or locked points; revises only soft labels', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const rand = mulberry32(seed);
      const labels = user.slice();
      // Some wrong labels, as a preview spilling over a class boundary would leave.
      for (let k = 0; k < 300; k++) labels[Math.floor(rand() * labels.length)] = rand() < 0.5 ? GROUND : LOW_VEG;
      const soft = new Uint8Array(labels.length);
      const locked = new Uint8Array(labels.length);
      for (let p = 0; p < labels.length; p++) {
        if (labels[p] !== 0 && rand() < 0.6) soft[p] = 1;
        if (rand() < 0.05) locked[p] = 1;
      }
      const r = propagate({ prepared, userLabels: labels, locked, soft, pointClassifier: { reviseAbove: 0.5 } });
      let revisedCount = 0;
      for (let p = 0; p < labels.length; p++) {
        const rev = r.revised![p]!;
        if (rev !== 0) revisedCount++;
        if (labels[p] !== 0 || locked[p]) {
          if (r.classes[p] !== 0 || r.confidence[p] !== 0) throw new Error(`seed ${seed}: point ${p} (user ${labels[p]}, locked ${locked[p]}) was predicted`);
        } else if (r.classes[p] === 0) throw new Error(`seed ${seed}: open point ${p} got no prediction`);
        if (rev !== 0 && (!soft[p] || locked[p] || labels[p] === 0 || rev === labels[p]))
          throw new Error(`seed ${seed}: point ${p} (user ${labels[p]}, soft ${soft[p]}, locked ${locked[p]}) revised to ${rev}`);
      }
      expect(revisedCount).toBeGreaterThan(0);
      // Without soft labels, or without a revision threshold, nothing is revised.
      expect(propagate({ prepared, userLabels: labels, locked, pointClassifier: { reviseAbove: 0.5 } }).revised).toBeNull();
      expect(propagate({ prepared, userLabels: labels, locked, soft, pointClassifier: {} }).revised).toBeNull();
    }
  });

  it('revises wrong soft labels more often than right ones', () => {
    const rand = mulberry32(9);
    const labels = user.slice();
    const soft = new Uint8Array(labels.length);
    // A preview that took a tenth of the plants it covered as ground.
    for (let p = 0; p < labels.length; p++) {
      if (labels[p] === 0) continue;
      soft[p] = 1;
      if (labels[p] === LOW_VEG && rand() < 0.1) labels[p] = GROUND;
    }
    const r = propagate({ prepared, userLabels: labels, locked: null, soft, pointClassifier: { reviseAbove: 0.75 } });
    let fixed = 0;
    let broken = 0;
    for (let p = 0; p < labels.length; p++) {
      const rev = r.revised![p]!;
      if (rev === 0) continue;
      if (rev === truth[p]) fixed++;
      else if (labels[p] === truth[p]) broken++;
    }
    expect(fixed).toBeGreaterThan(2 * broken);
  });
});

describe('the simulated annotator\'s propagator with the per-point classifier', () => {
  const { scan, truth, user } = mixedBlock();
  const prepared = prepareScan(scan);

  it('fills open points and revises only preview (soft) labels, never clicked points', async () => {
    // Class indices as the eval uses them: 0 = ground, 1 = low vegetation; some labels wrong.
    const rand = mulberry32(3);
    const labels = new Uint16Array(truth.length).fill(NO_LABEL);
    const soft = new Uint8Array(truth.length);
    for (let p = 0; p < truth.length; p++) {
      if (user[p] === 0) continue;
      labels[p] = rand() < 0.1 ? 0 : user[p] === LOW_VEG ? 1 : 0;
      soft[p] = rand() < 0.5 ? 1 : 0;
    }
    const out = await servicePropagator(prepared, { pointClassifier: { reviseAbove: 0.5 } }).update(labels, soft);
    let revisions = 0;
    for (let p = 0; p < truth.length; p++) {
      if (labels[p] === NO_LABEL) {
        expect(out[p]).not.toBe(NO_LABEL);
      } else if (out[p] !== NO_LABEL) {
        expect(soft[p]).toBe(1);
        expect(out[p]).not.toBe(labels[p]);
        revisions++;
      }
    }
    expect(revisions).toBeGreaterThan(0);
  });
});

describe('point forest building blocks', () => {
  it('quantizes columns to 0..255 by rank-preserving maps, constant columns to 0', () => {
    const n = 1000;
    const dim = 3;
    const values = new Float32Array(n * dim);
    for (let p = 0; p < n; p++) {
      values[p * dim] = p / n;
      values[p * dim + 1] = 7;
      values[p * dim + 2] = p < 500 ? p * 0.001 : 50 + p;
    }
    const q = quantizeRows(values, n, dim, ['a', 'constant', 'heightAboveGround']);
    for (let p = 1; p < n; p++) {
      expect(q.values[p * dim]!).toBeGreaterThanOrEqual(q.values[(p - 1) * dim]!);
      expect(q.values[p * dim + 2]!).toBeGreaterThanOrEqual(q.values[(p - 1) * dim + 2]!);
      expect(q.values[p * dim + 1]).toBe(0);
    }
    expect(q.values[(n - 1) * dim]).toBe(255);
    // The signed log keeps centimetres near the ground apart although the column reaches 1 km.
    expect(q.values[100 * dim + 2]!).toBeLessThan(q.values[300 * dim + 2]!);
  });

  it('measures each point against the lowest and highest points of its 3 x 3 plan cells', () => {
    // A 10 x 10 m plane at z = 0 (0.5 m spacing) with a 0.4 m shrub point at (5, 5).
    const pos: number[] = [];
    for (let x = 0; x < 10; x += 0.5) for (let y = 0; y < 10; y += 0.5) pos.push(x, y, 0);
    const shrub = pos.length / 3;
    pos.push(5.1, 5.1, 0.4);
    const [above, below] = localHeightColumns(Float32Array.from(pos), 1, [1]);
    expect(above![shrub]).toBeCloseTo(0.4, 5);
    expect(below![shrub]).toBeCloseTo(0, 5);
    // A ground point beside the shrub sees it above; one far away sees flat ground.
    const beside = (5 / 0.5) * 20 + 10;
    expect(pos[beside * 3]).toBe(5);
    expect(below![beside]).toBeCloseTo(0.4, 5);
    expect(above![0]).toBe(0);
    expect(below![0]).toBe(0);
  });

  it('trains on a class-balanced sample bounded by perClass and needs two classes', () => {
    const n = 20_000;
    const dim = 2;
    const rows = { dim, values: new Uint8Array(n * dim) };
    const labels = new Uint16Array(n);
    for (let p = 0; p < n; p++) {
      const rare = p % 50 === 0;
      rows.values[p * dim] = rare ? 200 + (p % 40) : p % 150;
      rows.values[p * dim + 1] = p % 256;
      labels[p] = rare ? 5 : 1;
    }
    const indexOf = new Int32Array(65536).fill(-1);
    indexOf[1] = 0;
    indexOf[5] = 1;
    const pf = trainPointForest(rows, labels, indexOf, 2, { perClass: 300 })!;
    // ~300 of the 19,600 common points (a Bernoulli sample at 300 / 19,600) and all 400 rare ones.
    expect(pf.trainingRows).toBeGreaterThan(550);
    expect(pf.trainingRows).toBeLessThan(800);
    const out = new Float32Array(2);
    predictPoint(pf.forest, rows, 50, out);
    expect(out[1]!).toBeGreaterThan(0.9);
    predictPoint(pf.forest, rows, 51, out);
    expect(out[0]!).toBeGreaterThan(0.9);
    const one = labels.map(() => 1);
    expect(trainPointForest(rows, one, indexOf, 2)).toBeNull();
  });
});
