import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../common/math/random';
import { predictForest, trainForest } from '../../../electron/services/propagation/classifier/extraTrees';

describe('extra-trees forest', () => {
  /** Three classes by region of a 2D plane, plus two noise features the trees must learn to ignore. */
  function data(rows: number, seed: number) {
    const rand = mulberry32(seed);
    const dim = 4;
    const x = new Float32Array(rows * dim);
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const a = rand();
      const b = rand();
      x.set([a, b, rand(), rand()], r * dim);
      y[r] = a < 0.4 ? 0 : b < 0.5 ? 1 : 2;
    }
    return { x, y, dim };
  }

  it('learns a partition from a few dozen rows and gives distributions that sum to 1', () => {
    const train = data(60, 1);
    const forest = trainForest(train.x, train.dim, train.y, new Float32Array(60).fill(1), 3, { seed: 2 });
    const test = data(2000, 3);
    const prob = predictForest(forest, test.x, 2000);
    let correct = 0;
    for (let r = 0; r < 2000; r++) {
      let best = 0;
      let sum = 0;
      for (let c = 0; c < 3; c++) {
        sum += prob[r * 3 + c]!;
        if (prob[r * 3 + c]! > prob[r * 3 + best]!) best = c;
      }
      expect(sum).toBeCloseTo(1, 5);
      if (best === test.y[r]) correct++;
    }
    expect(correct / 2000).toBeGreaterThan(0.85);
  });

  it('is deterministic for a seed and honours sample weights', () => {
    const d = data(40, 5);
    const w = new Float32Array(40).fill(1);
    const a = trainForest(d.x, d.dim, d.y, w, 3, { seed: 9 });
    const b = trainForest(d.x, d.dim, d.y, w, 3, { seed: 9 });
    expect(predictForest(a, d.x, 40)).toEqual(predictForest(b, d.x, 40));
    // Same features, conflicting labels: the heavier class wins.
    const x = new Float32Array([0.5, 0.5]);
    const y = new Int32Array([0, 1]);
    const f = trainForest(x, 1, y, new Float32Array([1, 3]), 2, { seed: 1 });
    const p = predictForest(f, new Float32Array([0.5]), 1);
    expect(p[1]).toBeCloseTo(0.75, 5);
  });
});
