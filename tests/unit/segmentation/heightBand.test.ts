import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../common/math/random';
import { groundLine } from '../../../electron/services/segmentation/lift/heightBand';
import { refine, DEFAULT_REFINE } from '../../../electron/services/segmentation/lift/refine';
import { VoteBuffer } from '../../../electron/services/segmentation/lift/votes';
import { SceneGeometry } from '../../../electron/services/segmentation/scene/sceneGeometry';

type Part = 'ground' | 'lowVeg' | 'trunk' | 'crown' | 'roof' | 'wall' | 'sideCrown';

/**
 * A 40 x 40 m aerial tile: flat ground (1 cm noise), a patch of low vegetation, a tree whose trunk
 * joins the undergrowth to a crown 5.5-10.5 m up, and a 10 m building with facades. Every element
 * is voted inside (the worst mask: it bleeds over everything), so what a preview keeps is refine's
 * doing alone.
 */
function scene(lowVegHeight: [number, number]) {
  const rand = mulberry32(7);
  const pos: number[] = [];
  const part: Part[] = [];
  const add = (x: number, y: number, z: number, p: Part) => {
    pos.push(x, y, z);
    part.push(p);
  };
  for (let x = 0; x < 40; x += 0.5)
    for (let y = 0; y < 40; y += 0.5) {
      const inBuilding = x >= 28 && x < 36 && y >= 4 && y < 12;
      if (!inBuilding) add(x + rand() * 0.1, y + rand() * 0.1, (rand() - 0.5) * 0.02, 'ground');
    }
  for (let x = 16; x < 24; x += 0.5)
    for (let y = 16; y < 24; y += 0.5) add(x + rand() * 0.2, y + rand() * 0.2, lowVegHeight[0] + rand() * (lowVegHeight[1] - lowVegHeight[0]), 'lowVeg');
  for (let z = 0.7; z < 5.5; z += 0.15) add(20 + rand() * 0.1, 20 + rand() * 0.1, z, 'trunk');
  for (let k = 0; k < 900; k++) {
    const r = 2.5 * Math.cbrt(rand());
    const t = rand() * 2 * Math.PI;
    const u = rand() * 2 - 1;
    const s = Math.sqrt(1 - u * u);
    add(20 + r * s * Math.cos(t), 20 + r * s * Math.sin(t), 8 + r * u, 'crown');
  }
  for (let x = 28; x < 36; x += 0.5) for (let y = 4; y < 12; y += 0.5) add(x + rand() * 0.1, y + rand() * 0.1, 10, 'roof');
  for (let z = 0.5; z < 10; z += 0.5)
    for (let t = 0; t < 8; t += 0.5) {
      add(28 + t, 4, z, 'wall');
      add(28, 4 + t, z, 'wall');
    }
  const geometry = new SceneGeometry(Float32Array.from(pos), null);
  const preview = (anchor: number, heightBandRatio?: number, offFlatFromScattered?: boolean) => {
    const votes = new VoteBuffer(geometry.pointCount);
    for (let s = 0; s < geometry.pointCount; s++) votes.add(s, 1, 1);
    const r = refine(geometry, votes, { ...DEFAULT_REFINE, heightBandRatio, offFlatFromScattered, positives: [anchor], negatives: [] });
    const counts: Record<Part, number> = { ground: 0, lowVeg: 0, trunk: 0, crown: 0, roof: 0, wall: 0, sideCrown: 0 };
    for (const id of r.ids) counts[part[id]!]++;
    return counts;
  };
  const total = (p: Part) => part.filter((q) => q === p).length;
  const pick = (p: Part, z: (h: number) => boolean) => part.findIndex((q, i) => q === p && z(pos[i * 3 + 2]!));
  const pickAt = (p: Part, x: number, y: number, z: number) => {
    let best = -1;
    let bestD = Infinity;
    part.forEach((q, i) => {
      const d = (pos[i * 3]! - x) ** 2 + (pos[i * 3 + 1]! - y) ** 2 + (pos[i * 3 + 2]! - z) ** 2;
      if (q === p && d < bestD) {
        bestD = d;
        best = i;
      }
    });
    return best;
  };
  return { geometry, preview, total, pick, pickAt };
}

describe('refine keeps an object preview within a height band around its anchor', () => {
  const s = scene([0.35, 0.6]);

  it('a low-vegetation click does not take the tree above it (the trunk joins them)', () => {
    const click = s.pick('lowVeg', (z) => z > 0.45);
    const withBand = s.preview(click);
    expect(withBand.lowVeg).toBeGreaterThan(0.9 * s.total('lowVeg'));
    expect(withBand.crown).toBe(0);
    expect(withBand.ground).toBe(0);
    // Without the band the same votes flood up the trunk into the crown: the test sees the bleed.
    const without = s.preview(click, 0, false);
    expect(without.crown).toBeGreaterThan(0.5 * s.total('crown'));
  });

  it('a crown click does not take the undergrowth under it', () => {
    const withBand = s.preview(s.pick('crown', (z) => z > 9));
    expect(withBand.crown).toBeGreaterThan(0.9 * s.total('crown'));
    expect(withBand.lowVeg).toBe(0);
    expect(s.preview(s.pick('crown', (z) => z > 9), 0, false).lowVeg).toBeGreaterThan(0.5 * s.total('lowVeg'));
  });

  it('a roof click keeps most of the facades (walls are exempt from the band), never the ground', () => {
    const r = s.preview(s.pick('roof', () => true));
    expect(r.roof).toBeGreaterThan(0.9 * s.total('roof'));
    // Facade cells that also hold ground points do not read as walls: the band trims the foot of
    // the facade (measured: 488 of 608 wall points kept, 608 without the band).
    expect(r.wall).toBeGreaterThan(0.75 * s.total('wall'));
    expect(r.ground).toBe(0);
  });
});

describe('a click in a crown keeps off flat roofs', () => {
  /** Aerial: a 16 x 16 m roof at 8 m (facades barely sampled from above) and a crown leaning on its edge. */
  function roofAndCrown() {
    const rand = mulberry32(3);
    const pos: number[] = [];
    const isRoof: boolean[] = [];
    const isCrown: boolean[] = [];
    const add = (x: number, y: number, z: number, kind: 'ground' | 'roof' | 'crown') => {
      pos.push(x, y, z);
      isRoof.push(kind === 'roof');
      isCrown.push(kind === 'crown');
    };
    for (let x = 0; x < 40; x += 0.5)
      for (let y = 0; y < 40; y += 0.5) {
        const roof = x >= 4 && x < 20 && y >= 4 && y < 20;
        add(x + rand() * 0.1, y + rand() * 0.1, roof ? 8 : (rand() - 0.5) * 0.02, roof ? 'roof' : 'ground');
      }
    for (let k = 0; k < 1500; k++) {
      const r = 3 * Math.cbrt(rand());
      const t = rand() * 2 * Math.PI;
      const u = rand() * 2 - 1;
      const w = Math.sqrt(1 - u * u);
      add(22.5 + r * w * Math.cos(t), 12 + r * w * Math.sin(t), 8.5 + r * u, 'crown');
    }
    const geometry = new SceneGeometry(Float32Array.from(pos), null);
    let click = -1;
    let best = Infinity;
    for (let i = 0; i < isCrown.length; i++) {
      const d = (pos[i * 3]! - 25) ** 2 + (pos[i * 3 + 1]! - 12) ** 2 + (pos[i * 3 + 2]! - 8.5) ** 2;
      if (isCrown[i] && d < best) {
        best = d;
        click = i;
      }
    }
    const preview = (offFlatFromScattered?: boolean) => {
      const votes = new VoteBuffer(geometry.pointCount);
      for (let s = 0; s < geometry.pointCount; s++) votes.add(s, 1, 1);
      const r = refine(geometry, votes, { ...DEFAULT_REFINE, offFlatFromScattered, positives: [click], negatives: [] });
      let roof = 0;
      let crown = 0;
      for (const id of r.ids) {
        if (isRoof[id]) roof++;
        if (isCrown[id]) crown++;
      }
      return { roof, crown };
    };
    return { preview, roofs: isRoof.filter(Boolean).length, crowns: isCrown.filter(Boolean).length };
  }

  it('a crown touching a roof does not take the roof (only the cells where they touch)', () => {
    const s = roofAndCrown();
    const r = s.preview();
    expect(r.crown).toBeGreaterThan(0.8 * s.crowns);
    expect(r.roof).toBeLessThan(0.15 * s.roofs);
    expect(s.preview(false).roof).toBeGreaterThan(0.8 * s.roofs);
  });
});

describe('the ground line follows how tightly the terrain model fits', () => {
  const s = scene([0.15, 0.25]);

  it('is well under 0.3 m on ground with 1 cm of noise', () => {
    const line = groundLine(s.geometry, 0.3);
    expect(line).toBeGreaterThanOrEqual(0.05);
    expect(line).toBeLessThan(0.15);
  });

  it('a click on low vegetation 15-25 cm up labels the vegetation, not the whole ground', () => {
    const r = s.preview(s.pick('lowVeg', (z) => z > 0.2));
    expect(r.lowVeg).toBeGreaterThan(0.9 * s.total('lowVeg'));
    expect(r.ground).toBeLessThan(0.01 * s.total('ground'));
  });

  it('a ground click still labels the ground and not the vegetation on it', () => {
    const r = s.preview(s.pick('ground', (z) => Math.abs(z) < 0.005));
    expect(r.ground).toBeGreaterThan(0.95 * s.total('ground'));
    expect(r.lowVeg).toBeLessThan(0.05 * s.total('lowVeg'));
  });
});
