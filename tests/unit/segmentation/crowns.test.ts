import { describe, expect, it } from 'vitest';
import { splitCrowns } from '../../../electron/services/segmentation/lift/crowns';
import { SceneGeometry } from '../../../electron/services/segmentation/scene/sceneGeometry';

/** Deterministic uniform [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Synthetic {
  positions: Float32Array;
  /** Per point: crown index, -1 for ground and other objects. */
  crownOf: Int32Array;
}

/**
 * Ground (a 60 x 60 plane) under touching cone-shaped crowns: each point of the canopy belongs to
 * the crown whose surface is highest there (the closed canopy of a conifer stand), with a few trunk
 * points under each top. `extra` adds more points (a building, a car).
 */
function stand(crowns: { x: number; y: number; h: number; r: number }[], extra: [number, number, number][] = []): Synthetic {
  const rand = rng(7);
  const pts: number[] = [];
  const ids: number[] = [];
  for (let y = -30; y < 30; y += 0.5)
    for (let x = -30; x < 30; x += 0.5) {
      pts.push(x + rand() * 0.2, y + rand() * 0.2, rand() * 0.05);
      ids.push(-1);
    }
  // Canopy: ~8 returns per m2 over the crowns' union; the top surface decides the crown.
  const x0 = Math.min(...crowns.map((c) => c.x - c.r));
  const x1 = Math.max(...crowns.map((c) => c.x + c.r));
  const y0 = Math.min(...crowns.map((c) => c.y - c.r));
  const y1 = Math.max(...crowns.map((c) => c.y + c.r));
  const count = Math.round((x1 - x0) * (y1 - y0) * 8);
  for (let k = 0; k < count; k++) {
    const x = x0 + rand() * (x1 - x0);
    const y = y0 + rand() * (y1 - y0);
    let best = -1;
    let z = -Infinity;
    crowns.forEach((c, i) => {
      const d = Math.hypot(x - c.x, y - c.y);
      if (d > c.r) return;
      const zc = c.h - (d / c.r) * 0.6 * c.h;
      if (zc > z) {
        z = zc;
        best = i;
      }
    });
    if (best < 0) continue;
    pts.push(x, y, z - rand() * 0.6);
    ids.push(best);
  }
  crowns.forEach((c, i) => {
    for (let z = 1; z < c.h * 0.4; z += 0.7) {
      pts.push(c.x + rand() * 0.2, c.y + rand() * 0.2, z);
      ids.push(i);
    }
  });
  for (const p of extra) {
    pts.push(...p);
    ids.push(-1);
  }
  return { positions: Float32Array.from(pts), crownOf: Int32Array.from(ids) };
}

const THREE_CROWNS = [
  { x: 0, y: 0, h: 16, r: 3.2 },
  { x: 5.5, y: 0.5, h: 18, r: 3.4 },
  { x: 2.5, y: 5, h: 15, r: 3 },
];

/** The whole canopy as the views + refinement return it: every point above the ground line. */
function canopySelection(g: SceneGeometry, n: number): Uint32Array {
  const ids: number[] = [];
  for (let p = 0; p < n; p++) if (g.hag![g.slotOf(p)]! >= 0.3) ids.push(p);
  return Uint32Array.from(ids);
}

/** The highest point of a crown (what a user clicks on a tree seen from above). */
function topOf(s: Synthetic, crown: number): number {
  let best = -1;
  for (let p = 0; p < s.crownOf.length; p++) if (s.crownOf[p] === crown && (best < 0 || s.positions[p * 3 + 2]! > s.positions[best * 3 + 2]!)) best = p;
  return best;
}

function iouWith(s: Synthetic, ids: Uint32Array, crown: number): { iou: number; others: number } {
  const sel = new Set(ids);
  let inter = 0;
  let size = 0;
  let others = 0;
  for (let p = 0; p < s.crownOf.length; p++) {
    if (s.crownOf[p] === crown) {
      size++;
      if (sel.has(p)) inter++;
    } else if (s.crownOf[p]! >= 0 && sel.has(p)) others++;
  }
  return { iou: inter / (size + ids.length - inter), others };
}

describe('crown split (lift/crowns.ts)', () => {
  const s = stand(THREE_CROWNS);
  const n = s.positions.length / 3;
  const g = new SceneGeometry(s.positions, null);
  const canopy = canopySelection(g, n);
  const conf = new Float32Array(canopy.length).fill(0.9);

  it('a click on one of three touching crowns keeps that crown and excludes the others', () => {
    for (let crown = 0; crown < 3; crown++) {
      const click = topOf(s, crown);
      const r = splitCrowns(g, canopy, conf, { positives: [click], negatives: [] });
      expect(r.reason).toBe('split');
      const { iou, others } = iouWith(s, r.ids, crown);
      expect(iou).toBeGreaterThan(0.85);
      const otherPoints = Array.from(s.crownOf).filter((c) => c >= 0 && c !== crown).length;
      expect(others / otherPoints).toBeLessThan(0.05);
      // Ascending ids; confidence carried over from the selection.
      expect(Array.from(r.ids)).toEqual(Array.from(r.ids).sort((a, b) => a - b));
      expect(r.confidence.every((c) => c === Math.fround(0.9))).toBe(true);
    }
  });

  it('a negative click trims the crown around it; a positive in a neighbour crown adds the part near it', () => {
    const click = topOf(s, 1);
    const base = splitCrowns(g, canopy, conf, { positives: [click], negatives: [] });
    // A negative on the kept crown's rim, on the side away from the others.
    const rim = canopy.find((id) => s.crownOf[id] === 1 && g.position(id)[0] > 8.2 && g.hag![g.slotOf(id)]! > 2)!;
    const trimmed = splitCrowns(g, canopy, conf, { positives: [click], negatives: [rim] });
    expect(trimmed.ids.length).toBeLessThan(base.ids.length);
    expect(trimmed.ids.includes(rim)).toBe(false);
    const near = canopy.find((id) => s.crownOf[id] === 0 && g.hag![g.slotOf(id)]! > 4 && Math.abs(g.position(id)[0] - 2.2) < 0.3)!;
    const grown = splitCrowns(g, canopy, conf, { positives: [click, near], negatives: [] });
    expect(grown.ids.includes(near)).toBe(true);
    // Only the part of crown 0 near the click, not the whole neighbour.
    expect(iouWith(s, grown.ids, 0).iou).toBeLessThan(0.5);
  });

  it('the ground under the crown joins only when a positive click is on it', () => {
    const click = topOf(s, 2);
    const r = splitCrowns(g, canopy, conf, { positives: [click], negatives: [] });
    const [cx, cy] = [THREE_CROWNS[2]!.x, THREE_CROWNS[2]!.y];
    const ground = (ids: Uint32Array) => Array.from(ids).filter((id) => s.crownOf[id] === -1 && Math.hypot(g.position(id)[0] - cx, g.position(id)[1] - cy) < 1.5).length;
    expect(ground(r.ids)).toBe(0);
    let under = -1;
    for (let p = 0; p < n && under < 0; p++) if (s.crownOf[p] === -1 && Math.hypot(s.positions[p * 3]! - cx, s.positions[p * 3 + 1]! - cy - 0.5) < 0.4) under = p;
    const withGround = splitCrowns(g, canopy, conf, { positives: [click, under], negatives: [] });
    expect(ground(withGround.ids)).toBeGreaterThan(5);
  });

  it('leaves buildings, cars, ground and single trees alone', () => {
    const extra: [number, number, number][] = [];
    // A 16 x 10 flat-roofed building 8 high (roof and walls) and a 4.5 x 1.8 x 1.5 car.
    for (let x = -25; x <= -9; x += 0.4)
      for (let y = -25; y <= -15; y += 0.4) extra.push([x, y, 8]);
    for (let z = 0.5; z < 8; z += 0.4)
      for (let x = -25; x <= -9; x += 0.4) extra.push([x, -25, z], [x, -15, z]);
    for (let x = 15; x <= 19.5; x += 0.25) for (let y = -20; y <= -18.2; y += 0.25) extra.push([x, y, 1.5]);
    const scene = stand([{ x: 15, y: 15, h: 14, r: 3 }, ...THREE_CROWNS], extra);
    const m = scene.positions.length / 3;
    const geo = new SceneGeometry(scene.positions, null);
    const first = m - extra.length;
    const pick = (pred: (x: number, y: number, z: number) => boolean) => {
      const ids: number[] = [];
      for (let p = first; p < m; p++) if (pred(scene.positions[p * 3]!, scene.positions[p * 3 + 1]!, scene.positions[p * 3 + 2]!)) ids.push(p);
      return Uint32Array.from(ids);
    };
    const building = pick((x, _y, z) => x < 0 && z > 0.3);
    const car = pick((x) => x > 10);
    const lone = Uint32Array.from(canopySelection(geo, m).filter((id) => scene.crownOf[id] === 0));
    const ground = Uint32Array.from(Array.from({ length: 2000 }, (_, k) => k));
    const cases: [Uint32Array, number][] = [
      [building, building[building.length >> 1]!],
      [car, car[0]!],
      [lone, topOf(scene, 0)],
      [ground, 1000],
    ];
    for (const [ids, click] of cases) {
      const conf1 = new Float32Array(ids.length).fill(1);
      const r = splitCrowns(geo, ids, conf1, { positives: [click], negatives: [] });
      expect(r.crowns, r.reason).toBe(0);
      expect(r.ids).toBe(ids);
    }
  });
});
