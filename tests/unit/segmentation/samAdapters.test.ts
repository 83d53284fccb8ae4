import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookAt, perspectiveIntrinsics } from '../../../common/geometry/camera';
import { allocateView, type RenderedView } from '../../../electron/services/segmentation/render/view';
import { openSession } from '../../../electron/services/segmentation/models/providers';
import { ModelSignatureError } from '../../../electron/services/segmentation/segmenters/sam/detect';
import { SamSegmenter } from '../../../electron/services/segmentation/segmenters/sam/samSegmenter';
import type { Prompts } from '../../../electron/services/segmentation/segmenters/segmenter';
import { TINY, writeTinyPair, type TinyFamily } from '../../fixtures/onnx/tinySam';

const dir = mkdtempSync(join(tmpdir(), 'scanlabel-sam-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function segmenterFor(family: TinyFamily): Promise<SamSegmenter> {
  const p = writeTinyPair(dir, family);
  const enc = await openSession(p.encoder, ['cpu']);
  const dec = await openSession(p.decoder, ['cpu']);
  return new SamSegmenter(family, enc.session, dec.session, enc.provider);
}

/** A landscape view (not square, so letterboxing vs stretching matters). */
function view(width = 300, height = 200): RenderedView {
  const v = allocateView('points', lookAt([0, -10, 5], [0, 0, 0], [0, 0, 1], perspectiveIntrinsics(width, height, 1)));
  for (let i = 0; i < v.rgb.length; i++) v.rgb[i] = (i * 37) & 255;
  return v;
}

function stats(mask: Uint8Array, width: number) {
  let area = 0;
  let sx = 0;
  let sy = 0;
  for (let p = 0; p < mask.length; p++)
    if (mask[p]) {
      area++;
      sx += (p % width) + 0.5;
      sy += Math.floor(p / width) + 0.5;
    }
  return { area, cx: sx / area, cy: sy / area };
}

/** Disk of r low-res pixels = 4r in the 1024 frame, mapped back to view pixels per axis. */
function expectDisk(mask: Uint8Array, W: number, H: number, click: { x: number; y: number }, rLow: number, frame: 'long' | 'stretch') {
  const s = stats(mask, W);
  const rx = frame === 'long' ? (4 * rLow * Math.max(W, H)) / 1024 : (4 * rLow * W) / 1024;
  const ry = frame === 'long' ? (4 * rLow * Math.max(W, H)) / 1024 : (4 * rLow * H) / 1024;
  expect(mask[Math.floor(click.y) * W + Math.floor(click.x)]).toBe(1);
  expect(Math.abs(s.cx - click.x)).toBeLessThan(0.6);
  expect(Math.abs(s.cy - click.y)).toBeLessThan(0.6);
  expect(s.area / (Math.PI * rx * ry)).toBeGreaterThan(0.95);
  expect(s.area / (Math.PI * rx * ry)).toBeLessThan(1.05);
}

const click = { x: 181.5, y: 77.25, positive: true };
const cases: { family: TinyFamily; frame: 'long' | 'stretch'; rLow: number; detected: string }[] = [
  { family: 'sam1', frame: 'long', rLow: TINY.sam1Single.radii[0], detected: 'sam1' },
  { family: 'sam1-preprocess', frame: 'long', rLow: TINY.sam1Single.radii[0], detected: 'sam1' },
  { family: 'mobilesam', frame: 'long', rLow: TINY.sam1Single.radii[0], detected: 'sam1' },
  // multimask with a negative + a positive + the pad (3 points): SAM's rule takes mask 0
  { family: 'sam1-multimask', frame: 'long', rLow: TINY.sam1Multi.radii[0], detected: 'sam1' },
  { family: 'sam2', frame: 'stretch', rLow: TINY.sam2.radii[1], detected: 'sam2' },
  { family: 'edgesam', frame: 'long', rLow: TINY.edgesam.radii[2], detected: 'edgesam' },
  { family: 'efficientsam', frame: 'stretch', rLow: TINY.efficientsam.radii[1], detected: 'efficientsam' },
  { family: 'hfsam', frame: 'long', rLow: TINY.hfsam.radii[1], detected: 'hf-sam' },
];

describe('SAM-family adapters on stand-in models (real ONNX sessions)', () => {
  for (const c of cases) {
    it(`${c.family}: detected as ${c.detected}; the mask is the disk around the click, to the pixel`, async () => {
      const seg = await segmenterFor(c.family);
      expect(seg.detected.family).toBe(c.detected);
      const v = view();
      const r = await seg.segment(v, { points: [{ x: 40, y: 30, positive: false }, click] });
      expect(r.width).toBe(300);
      expect(r.height).toBe(200);
      expectDisk(r.mask, 300, 200, click, c.rLow, c.frame);
      expect(r.score).toBeGreaterThan(0.5);
      // A negative click alone selects nothing.
      const none = await seg.segment(v, { points: [{ x: 40, y: 30, positive: false }] });
      expect(stats(none.mask, 300).area).toBe(0);
      // Same view again: the embedding comes from the cache.
      expect(seg.stats).toEqual({ encodes: 1, cacheHits: 1 });
      await seg.dispose();
    });
  }

  it('sam1 multimask: one click + padding point takes the best of masks 1..3 by predicted IoU', async () => {
    const seg = await segmenterFor('sam1-multimask');
    const r = await seg.segment(view(), { points: [click] });
    expectDisk(r.mask, 300, 200, click, TINY.sam1Multi.radii[2], 'long');
    expect(r.score).toBeCloseTo(TINY.sam1Multi.scores[2], 5);
    await seg.dispose();
  });

  it('sam1 multimask: two positive clicks (N >= 3 with the pad) take mask 0, SAM\'s ambiguity rule', async () => {
    const seg = await segmenterFor('sam1-multimask');
    const r = await seg.segment(view(), { points: [click, { x: 60, y: 150, positive: true }] });
    expectDisk(r.mask, 300, 200, click, TINY.sam1Multi.radii[0], 'long');
    expect(r.score).toBeCloseTo(TINY.sam1Multi.scores[0], 5);
    await seg.dispose();
  });

  it('a box adds corners 2/3 and no padding point; portrait and tiny views keep the geometry', async () => {
    const seg = await segmenterFor('sam1-multimask');
    const prompts: Prompts = { points: [{ x: 50.5, y: 120.5, positive: true }], box: { x0: 10, y0: 60, x1: 120, y1: 190 } };
    const portrait = view(150, 260);
    const r = await seg.segment(portrait, prompts);
    // click + 2 box corners = 3 points, no pad -> mask 0
    expectDisk(r.mask, 150, 260, prompts.points[0]!, TINY.sam1Multi.radii[0], 'long');
    const tiny = await seg.segment(view(64, 40), { points: [{ x: 20.5, y: 10.5, positive: true }] });
    expect(tiny.mask[10 * 64 + 20]).toBe(1);
    await seg.dispose();
  });
});

describe('signature validation', () => {
  it('rejects swapped, mismatched and non-SAM files with a clear message', async () => {
    const sam1 = writeTinyPair(dir, 'sam1');
    const sam2 = writeTinyPair(dir, 'sam2');
    const open = async (p: string) => (await openSession(p, ['cpu'])).session;
    // encoder given as decoder
    expect(() => new SamSegmenter('x', null as never, null as never, 'cpu')).toThrow();
    const encSam1 = await open(sam1.encoder);
    const decSam1 = await open(sam1.decoder);
    const encSam2 = await open(sam2.encoder);
    expect(() => new SamSegmenter('swapped', decSam1, encSam1, 'cpu')).toThrow(ModelSignatureError);
    expect(() => new SamSegmenter('swapped', decSam1, encSam1, 'cpu')).toThrow(/match no supported SAM family/);
    expect(() => new SamSegmenter('mixed', encSam2, decSam1, 'cpu')).toThrow(/takes "input_image"/);
  });
});
