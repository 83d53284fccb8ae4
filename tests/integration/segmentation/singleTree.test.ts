import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attribute } from '../../../electron/services/scans/model';
import { readScan } from '../../../electron/services/scans/read';
import { ClickEngine } from '../../../electron/services/segmentation/clickEngine';
import { buildClickScene } from '../../../electron/services/segmentation/scene/clickScene';
import { BuiltinSegmenter } from '../../../electron/services/segmentation/segmenters/builtin';

const MIXED_CONIFER = resolve(__dirname, '../../../../shared/data/lidr-extdata/MixedConifer.laz');
/** treeID's "not a tree" value in MixedConifer.laz (MANIFEST.md). */
const NOT_A_TREE = 1e300;

describe('"Single tree" clicks on a closed conifer canopy (lidR MixedConifer.laz, treeID as reference)', () => {
  it('a click on a tree top takes that crown with the option and the whole canopy without it', async () => {
    const scan = await readScan(MIXED_CONIFER);
    const tree = attribute(scan, 'treeID')!.values;
    const P = scan.positions;
    const engine = new ClickEngine(buildClickScene(scan), new BuiltinSegmenter(), { renderThreads: 0 });
    // The five largest trees; the click goes to each one's highest point (its top, seen from any side).
    const members = new Map<number, number[]>();
    for (let i = 0; i < scan.pointCount; i++) {
      const t = tree[i]!;
      if (!(t < NOT_A_TREE)) continue;
      let list = members.get(t);
      if (!list) members.set(t, (list = []));
      list.push(i);
    }
    const largest = [...members.values()].sort((a, b) => b.length - a.length).slice(0, 5);
    const iouOf = (ids: Uint32Array, truth: number[]) => {
      const set = new Set(truth);
      let tp = 0;
      for (const id of ids) if (set.has(id)) tp++;
      return tp / (ids.length + truth.length - tp);
    };
    const single: number[] = [];
    const whole: number[] = [];
    for (const ids of largest) {
      const top = ids.reduce((a, b) => (P[b * 3 + 2]! > P[a * 3 + 2]! ? b : a));
      const on = await engine.preview({ positives: [top], crowns: true });
      const off = await engine.preview({ positives: [top] });
      single.push(iouOf(on.ids, ids));
      whole.push(iouOf(off.ids, ids));
      // A crown is a small part of what the plain click takes (the connected canopy).
      expect(on.ids.length).toBeLessThan(off.ids.length);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    // treeID is lidR's own raster segmentation (crown columns down to the ground), not manual truth:
    // the bar is "mostly the clicked tree" and far above the whole-canopy preview. Measured
    // 2026-12-07: single tree 0.68-0.78 (mean 0.72), whole canopy 0.016-0.058.
    expect(mean(single)).toBeGreaterThan(0.6);
    expect(mean(single)).toBeGreaterThan(mean(whole) + 0.5);
  }, 240_000);
});
