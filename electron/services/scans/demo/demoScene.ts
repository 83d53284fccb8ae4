import { mulberry32 } from '../../../../common/math/random';
import type { Scan } from '../model';
import { buildDemoMesh, DEMO_CLASSES, DEMO_ORIGIN, DemoClass, type DemoMesh } from './demoMesh';
import { ATLAS_SIZE, buildAtlas, sampleAtlas } from './demoTexture';

export { DEMO_CLASSES, DEMO_ORIGIN, DemoClass, DemoSurface } from './demoMesh';

export interface DemoOptions {
  seed?: number;
  /** Number of sampled points for the point-cloud variant. */
  points?: number;
  /** Called with 0..1 while sampling; return true to stop (cancellation). */
  onProgress?: (fraction: number) => boolean | void;
}

export class DemoCancelled extends Error {}

const INTENSITY_BY_CLASS: Record<number, number> = {
  [DemoClass.ground]: 18000,
  [DemoClass.vegetation]: 9000,
  [DemoClass.building]: 26000,
  [DemoClass.car]: 40000,
  [DemoClass.pole]: 33000,
};

/**
 * The point-cloud variant: points sampled uniformly by area on the demo mesh (like a dense
 * aerial + mobile scan), coloured from the texture atlas, with ground-truth class, instance and
 * surface per point. Deterministic for a given seed and point count.
 */
export function demoPointScan(options: DemoOptions = {}): Scan & { demo: DemoMesh } {
  const sampler = createSampler(options);
  sampler.sample(0, sampler.count);
  return sampler.finish();
}

/**
 * Same scene as demoPointScan, sampled in batches that yield to the event loop in between, so a
 * core generating millions of points keeps answering requests (cancel among them).
 */
export async function demoPointScanAsync(options: DemoOptions = {}): Promise<Scan & { demo: DemoMesh }> {
  const sampler = createSampler(options);
  const batch = 1 << 16;
  for (let i = 0; i < sampler.count; i += batch) {
    sampler.sample(i, Math.min(sampler.count, i + batch));
    await new Promise((r) => setImmediate(r));
  }
  return sampler.finish();
}

function createSampler(options: DemoOptions) {
  const seed = options.seed ?? 1;
  const count = options.points ?? 300_000;
  const mesh = buildDemoMesh(seed);
  const atlas = buildAtlas(seed);
  const rand = mulberry32(seed ^ 0x9e3779b9);

  const faces = mesh.indices.length / 3;
  const cumulative = new Float64Array(faces);
  let total = 0;
  for (let f = 0; f < faces; f++) {
    total += triangleArea(mesh.positions, mesh.indices, f);
    cumulative[f] = total;
  }

  const positions = new Float32Array(count * 3);
  const color = new Uint8Array(count * 3);
  const intensity = new Uint16Array(count);
  const classification = new Uint16Array(count);
  const instance = new Uint32Array(count);
  const surface = new Uint8Array(count);
  const p = mesh.positions;
  const progressEvery = 1 << 16;

  // Sampling is sequential in i with one PRNG stream, so batching does not change the result.
  const sample = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      if (i % progressEvery === 0 && options.onProgress?.(i / count)) throw new DemoCancelled('demo generation cancelled');
      const f = upperBound(cumulative, rand() * total);
      let r1 = rand();
      let r2 = rand();
      if (r1 + r2 > 1) {
        r1 = 1 - r1;
        r2 = 1 - r2;
      }
      const w0 = 1 - r1 - r2;
      const a = mesh.indices[f * 3]! * 3;
      const b = mesh.indices[f * 3 + 1]! * 3;
      const c = mesh.indices[f * 3 + 2]! * 3;
      // A little range noise, as a real scanner has.
      const noise = (rand() - 0.5) * 0.03;
      for (let k = 0; k < 3; k++) positions[i * 3 + k] = w0 * p[a + k]! + r1 * p[b + k]! + r2 * p[c + k]! + (k === 2 ? noise : 0);
      const uv = mesh.cornerUvs;
      const u = w0 * uv[f * 6]! + r1 * uv[f * 6 + 2]! + r2 * uv[f * 6 + 4]!;
      const v = w0 * uv[f * 6 + 1]! + r1 * uv[f * 6 + 3]! + r2 * uv[f * 6 + 5]!;
      sampleAtlas(atlas, u, v, color, i * 3);
      const cls = mesh.faceClass[f]!;
      classification[i] = cls;
      instance[i] = mesh.faceInstance[f]!;
      surface[i] = mesh.faceSurface[f]!;
      intensity[i] = Math.min(65535, Math.round((INTENSITY_BY_CLASS[cls] ?? 15000) * (0.8 + 0.4 * rand())));
    }
  };

  const finish = (): Scan & { demo: DemoMesh } => {
    options.onProgress?.(1);
    return {
      id: `demo-${seed}`,
      name: `Demo block (seed ${seed})`,
      format: 'demo',
      sourcePath: null,
      origin: [...DEMO_ORIGIN],
      positions,
      pointCount: count,
      attributes: [
        { name: 'color', type: 'uint8', components: 3, values: color },
        { name: 'intensity', type: 'uint16', components: 1, values: intensity },
        { name: 'classification', type: 'uint16', components: 1, values: classification },
        { name: 'instance', type: 'uint32', components: 1, values: instance },
        { name: 'surface', type: 'uint8', components: 1, values: surface },
      ],
      mesh: null,
      labelLayers: [
        { name: 'ground truth class', kind: 'ground-truth', attribute: 'classification', values: classification, target: 'points' },
        { name: 'ground truth instance', kind: 'ground-truth', attribute: 'instance', values: instance, target: 'points' },
      ],
      crs: null,
      source: { format: 'demo', seed, classes: DEMO_CLASSES },
      demo: mesh,
    };
  };
  return { count, sample, finish };
}

/** The textured-mesh variant: the same block as triangles with per-face labels and the atlas texture. */
export function demoMeshScan(options: { seed?: number } = {}): Scan & { demo: DemoMesh } {
  const seed = options.seed ?? 1;
  const mesh = buildDemoMesh(seed);
  const faces = mesh.indices.length / 3;
  const faceClass = mesh.faceClass;
  return {
    id: `demo-mesh-${seed}`,
    name: `Demo block mesh (seed ${seed})`,
    format: 'demo-mesh',
    sourcePath: null,
    origin: [...DEMO_ORIGIN],
    positions: mesh.positions,
    pointCount: mesh.positions.length / 3,
    attributes: [],
    mesh: {
      indices: mesh.indices,
      cornerUvs: mesh.cornerUvs,
      faceTexture: new Int16Array(faces),
      textures: [{ name: 'demo-atlas', width: ATLAS_SIZE, height: ATLAS_SIZE, rgba: buildAtlas(seed) }],
      faceAttributes: [
        { name: 'classification', type: 'uint16', components: 1, values: faceClass },
        { name: 'instance', type: 'uint32', components: 1, values: mesh.faceInstance },
        { name: 'surface', type: 'uint8', components: 1, values: mesh.faceSurface },
      ],
    },
    labelLayers: [
      { name: 'ground truth class', kind: 'ground-truth', attribute: 'classification', values: faceClass, target: 'faces' },
      { name: 'ground truth instance', kind: 'ground-truth', attribute: 'instance', values: mesh.faceInstance, target: 'faces' },
    ],
    crs: null,
    source: { format: 'demo-mesh', seed, classes: DEMO_CLASSES },
    demo: mesh,
  };
}

function triangleArea(p: Float32Array, idx: Uint32Array, f: number): number {
  const a = idx[f * 3]! * 3;
  const b = idx[f * 3 + 1]! * 3;
  const c = idx[f * 3 + 2]! * 3;
  const ux = p[b]! - p[a]!;
  const uy = p[b + 1]! - p[a + 1]!;
  const uz = p[b + 2]! - p[a + 2]!;
  const vx = p[c]! - p[a]!;
  const vy = p[c + 1]! - p[a + 1]!;
  const vz = p[c + 2]! - p[a + 2]!;
  const cx = uy * vz - uz * vy;
  const cy = uz * vx - ux * vz;
  const cz = ux * vy - uy * vx;
  return 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
}

/** First index whose cumulative value exceeds x. */
function upperBound(cumulative: Float64Array, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
