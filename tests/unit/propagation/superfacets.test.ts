import { describe, expect, it } from 'vitest';
import { prepareMesh } from '../../../electron/services/propagation/superfacets';
import { propagate } from '../../../electron/services/propagation/propagate';
import { demoMeshScan } from '../../../electron/services/scans/demo/demoScene';
import { purity } from './demoFixture';

describe('superfacets on the demo mesh', () => {
  const scan = demoMeshScan();
  const faceClass = scan.mesh!.faceAttributes.find((a) => a.name === 'classification')!.values as Uint16Array;
  const prepared = prepareMesh(scan);

  it('groups faces into pure superfacets', () => {
    // Measured 0.965 by face count (7,926 faces, ~105 superfacets). Faces are few and large, so
    // one mixed superfacet moves this by ~1%: 0.93 allows that and fails a class-blind grouping.
    expect(prepared.pointCount).toBe(faceClass.length);
    expect(purity(prepared.superpoints.of, prepared.superpoints.count, faceClass)).toBeGreaterThan(0.93);
  });

  it('propagates per face like points', () => {
    const user = new Uint16Array(faceClass.length);
    const seen = new Set<number>();
    for (let f = 0; f < faceClass.length; f++) if (!seen.has(faceClass[f]!)) {
      seen.add(faceClass[f]!);
      user[f] = faceClass[f]!;
    }
    const r = propagate({ prepared, userLabels: user, locked: null });
    expect(r.classes.length).toBe(faceClass.length);
    expect(r.classCodes.length).toBe(seen.size);
  });
});
