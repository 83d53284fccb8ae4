import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../common/math/random';
import { heightBin, heightExplainsMixing, heightLikelihood, pointPosterior } from '../../../electron/services/propagation/heightLikelihood';
import { prepareScan } from '../../../electron/services/propagation/prepare';
import { propagate } from '../../../electron/services/propagation/propagate';

const GROUND = 2;
const LOW_VEG = 3;

/**
 * A 60 x 60 m field where low vegetation (0.4-1.2 m) grows in small tufts among ground points, the
 * mix the aerial scans show (a low-vegetation point's neighbours are mostly ground): superpoints
 * cannot follow it. The user has labelled the western half.
 */
function field() {
  const rand = mulberry32(11);
  const pos: number[] = [];
  const truth: number[] = [];
  for (let x = 0; x < 60; x += 0.5)
    for (let y = 0; y < 60; y += 0.5) {
      const veg = (Math.floor(x / 1.5) * 7 + Math.floor(y / 1.5) * 13) % 5 === 0 && rand() < 0.7;
      pos.push(x + rand() * 0.2, y + rand() * 0.2, veg ? 0.4 + rand() * 0.8 : (rand() - 0.5) * 0.04);
      truth.push(veg ? LOW_VEG : GROUND);
    }
  const positions = Float32Array.from(pos);
  const scan = { positions, pointCount: truth.length, attributes: [] };
  const user = new Uint16Array(truth.length);
  for (let p = 0; p < truth.length; p++) if (positions[p * 3]! < 30) user[p] = truth[p]!;
  return { scan, truth, user, positions };
}

function vegIoU(classes: Uint16Array, user: Uint16Array, truth: number[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let p = 0; p < truth.length; p++) {
    if (user[p] !== 0) continue;
    const pred = classes[p] === LOW_VEG;
    const real = truth[p] === LOW_VEG;
    if (pred && real) tp++;
    else if (pred) fp++;
    else if (real) fn++;
  }
  return tp / Math.max(1, tp + fp + fn);
}

describe('point-level height correction of propagation', () => {
  const { scan, truth, user } = field();
  const prepared = prepareScan(scan);

  it('finds low vegetation mixed point by point into the ground, which superpoints alone miss', () => {
    // The per-point classifier takes precedence over the height correction: compare without it.
    const withHeight = propagate({ prepared, userLabels: user, locked: null, pointHeight: true, pointClassifier: false });
    const superpointsOnly = propagate({ prepared, userLabels: user, locked: null, pointClassifier: false });
    const a = vegIoU(withHeight.classes, user, truth);
    const b = vegIoU(superpointsOnly.classes, user, truth);
    expect(a).toBeGreaterThan(0.8);
    expect(a - b).toBeGreaterThan(0.2);
  });

  it('stays a meaningful confidence: higher where right than where wrong, never on user labels', () => {
    const r = propagate({ prepared, userLabels: user, locked: null, pointHeight: true, pointClassifier: false });
    let right = 0;
    let rightN = 0;
    let wrong = 0;
    let wrongN = 0;
    for (let p = 0; p < truth.length; p++) {
      if (user[p] !== 0) {
        expect(r.classes[p]).toBe(0);
        expect(r.confidence[p]).toBe(0);
        continue;
      }
      if (r.classes[p] === truth[p]) {
        right += r.confidence[p]!;
        rightN++;
      } else {
        wrong += r.confidence[p]!;
        wrongN++;
      }
    }
    expect(rightN).toBeGreaterThan(0);
    if (wrongN > 0) expect(right / rightN).toBeGreaterThan(wrong / wrongN);
  });

  it('is used only where heights separate the classes mixed inside superpoints (held-out superpoints)', () => {
    const indexOf = new Int32Array(65536).fill(-1);
    indexOf[GROUND] = 0;
    indexOf[LOW_VEG] = 1;
    const sp = prepared.superpoints;
    const heights = prepared.heightAboveGround;
    expect(heightExplainsMixing(heights, user, indexOf, 2, sp.of, sp.count)).toBe(true);
    // The same labels with heights that say nothing about them (a terrain model gone wrong).
    const rand = mulberry32(5);
    const noise = Float32Array.from(heights, () => rand() * 30);
    expect(heightExplainsMixing(noise, user, indexOf, 2, sp.of, sp.count)).toBe(false);
  });

  it('leaves the superpoint distribution alone at heights no class was labelled at more than another', () => {
    const heights = Float32Array.from([0, 0.8, 40]);
    const labels = Uint16Array.from([GROUND, LOW_VEG, 0]);
    const indexOf = new Int32Array(65536).fill(-1);
    indexOf[GROUND] = 0;
    indexOf[LOW_VEG] = 1;
    const lik = heightLikelihood(heights, labels, indexOf, 2)!;
    const dist = Float32Array.from([0.3, 0.7]);
    // 40 m: neither class was seen there, both likelihoods are the floor: the superpoint decides.
    const far = pointPosterior(dist, 0, lik, heightBin(40), 2);
    expect(far.best).toBe(1);
    expect(far.p).toBeCloseTo(0.7, 5);
    // At ground height the ground likelihood outweighs a 0.7 superpoint prior for vegetation.
    expect(pointPosterior(dist, 0, lik, heightBin(0), 2).best).toBe(0);
    expect(heightLikelihood(heights, labels, indexOf, 1)).toBeNull();
  });
});
