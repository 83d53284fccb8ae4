import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../common/math/random';
import { composite, meanIoU } from '../../../electron/services/propagation/metrics';
import { prepareScan } from '../../../electron/services/propagation/prepare';
import { propagate } from '../../../electron/services/propagation/propagate';
import { clicksPerClass, demoScene } from './demoFixture';

describe('propagate on the demo block', () => {
  const { scan, truth, instance } = demoScene(100_000);
  const prepared = prepareScan(scan);

  it('labels the scene from one click per class far better than the clicks alone', () => {
    const user = clicksPerClass(scan, truth, instance, 1);
    const result = propagate({ prepared, userLabels: user, locked: null });
    const clicksOnly = meanIoU(user, truth).miou;
    const propagated = meanIoU(composite(user, result.classes), truth).miou;
    // Measured: clicks alone ~0.07 mIoU, propagated ~0.93 (5 clicks, 100k-1M points). The issue's
    // product bar is 0.85 at 20 clicks; 5 clicks clearing 0.8 here keeps the margin honest.
    expect(clicksOnly).toBeLessThan(0.2);
    expect(propagated).toBeGreaterThan(0.8);
    expect(propagated - clicksOnly).toBeGreaterThan(0.6);
    expect(result.classCodes).toEqual([...new Set(truth)].sort((a, b) => a - b));
  });

  it('never predicts user-labelled or locked points (property test over random labellings)', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rand = mulberry32(seed);
      const user = clicksPerClass(scan, truth, instance, 1 + (seed % 3), seed);
      // Random scattered labels (possibly wrong) and random locked blobs.
      for (let k = 0; k < 2000; k++) user[Math.floor(rand() * scan.pointCount)] = 1 + Math.floor(rand() * 70);
      const locked = new Uint8Array(scan.pointCount);
      for (let p = 0; p < scan.pointCount; p++) if (rand() < 0.1 || (p % 1000) < 30) locked[p] = 1;
      const r = propagate({ prepared, userLabels: user, locked });
      for (let p = 0; p < scan.pointCount; p++) {
        if (user[p] !== 0 || locked[p]) {
          if (r.classes[p] !== 0 || r.confidence[p] !== 0) throw new Error(`seed ${seed}: point ${p} (user ${user[p]}, locked ${locked[p]}) was predicted ${r.classes[p]}`);
        } else if (r.classes[p] === 0 || r.confidence[p] === 0) throw new Error(`seed ${seed}: open point ${p} got no prediction`);
      }
    }
  });

  it('predicts nothing without labels and one class with middling confidence when only one is known', () => {
    const none = propagate({ prepared, userLabels: new Uint16Array(scan.pointCount), locked: null });
    expect(none.classes.every((c) => c === 0)).toBe(true);
    const one = new Uint16Array(scan.pointCount);
    one[0] = 6;
    const r = propagate({ prepared, userLabels: one, locked: null });
    expect(r.classes[1]).toBe(6);
    expect(r.confidence[1]).toBeLessThan(200);
  });

  it('is more confident where it is right than where it is wrong', () => {
    const user = clicksPerClass(scan, truth, instance, 1, 3);
    const r = propagate({ prepared, userLabels: user, locked: null });
    let right = 0;
    let rightN = 0;
    let wrong = 0;
    let wrongN = 0;
    for (let p = 0; p < scan.pointCount; p++) {
      if (r.classes[p] === 0) continue;
      if (r.classes[p] === truth[p]) {
        right += r.confidence[p]!;
        rightN++;
      } else {
        wrong += r.confidence[p]!;
        wrongN++;
      }
    }
    expect(wrongN).toBeGreaterThan(0);
    expect(right / rightN).toBeGreaterThan(wrong / wrongN);
  });

  it('rejects label arrays of the wrong length', () => {
    expect(() => propagate({ prepared, userLabels: new Uint16Array(5), locked: null })).toThrow(/entries/);
  });
});
