import { symmetricEigen3 } from './features/eigen3';
import type { PointFeatures } from './features/pointFeatures';
import type { Superpoints } from './superpoints';

/** Per-superpoint feature rows: what the classifier trains on and predicts. */
export interface SegmentFeatures {
  count: number;
  dim: number;
  names: string[];
  values: Float32Array;
}

const SHAPE = ['sp.linearity', 'sp.planarity', 'sp.scattering', 'sp.verticality', 'sp.axisVertical', 'sp.heightExtent', 'sp.logSize'];

/**
 * Mean of every point feature over each superpoint, plus the superpoint's own shape (eigen-features
 * of all its points, its vertical extent, its size). Means are what make few labels go far: a
 * superpoint's mean is far less noisy than any of its points, so a forest trained on a few dozen of
 * them generalizes to the thousands of unlabelled ones.
 */
export function segmentFeatures(positions: Float32Array, points: PointFeatures, sp: Superpoints): SegmentFeatures {
  const { count, of } = sp;
  const pd = points.dim;
  const dim = pd + SHAPE.length;
  const sums = new Float64Array(count * pd);
  const mom = new Float64Array(count * 9);
  const zmin = new Float32Array(count).fill(Infinity);
  const zmax = new Float32Array(count).fill(-Infinity);
  const n = points.pointCount;
  for (let p = 0; p < n; p++) {
    const s = of[p]!;
    const o = s * pd;
    const r = p * pd;
    for (let f = 0; f < pd; f++) sums[o + f]! += points.values[r + f]!;
    // Second moments about the centroid (already known) keep precision.
    const x = positions[p * 3]! - sp.centroid[s * 3]!;
    const y = positions[p * 3 + 1]! - sp.centroid[s * 3 + 1]!;
    const z = positions[p * 3 + 2]! - sp.centroid[s * 3 + 2]!;
    const m = s * 9;
    mom[m]! += x * x;
    mom[m + 1]! += x * y;
    mom[m + 2]! += x * z;
    mom[m + 3]! += y * y;
    mom[m + 4]! += y * z;
    mom[m + 5]! += z * z;
    const zz = positions[p * 3 + 2]!;
    if (zz < zmin[s]!) zmin[s] = zz;
    if (zz > zmax[s]!) zmax[s] = zz;
  }
  const values = new Float32Array(count * dim);
  const cov = new Float64Array(6);
  const ev = new Float64Array(3);
  const vec = new Float64Array(9);
  for (let s = 0; s < count; s++) {
    const size = Math.max(1, sp.size[s]!);
    const o = s * dim;
    for (let f = 0; f < pd; f++) values[o + f] = sums[s * pd + f]! / size;
    for (let k = 0; k < 6; k++) cov[k] = mom[s * 9 + k]! / size;
    symmetricEigen3(cov, ev, vec);
    const l1 = Math.max(ev[0]!, 1e-12);
    values[o + pd] = (ev[0]! - ev[1]!) / l1;
    values[o + pd + 1] = (ev[1]! - ev[2]!) / l1;
    values[o + pd + 2] = ev[2]! / l1;
    values[o + pd + 3] = 1 - Math.abs(vec[8]!);
    values[o + pd + 4] = Math.abs(vec[2]!);
    values[o + pd + 5] = zmax[s]! - zmin[s]!;
    values[o + pd + 6] = Math.log(size);
  }
  return { count, dim, names: [...points.names, ...SHAPE], values };
}

/**
 * Similarity of the two superpoints on each graph edge, in (0, 1]: exp(-d² / median d²) over
 * standardized segment features, times the shared boundary relative to the smaller side. Smoothing
 * pulls labels along strong edges (same surface continuing) and barely across weak ones.
 */
export function edgeAffinity(seg: SegmentFeatures, sp: Superpoints): Float32Array {
  const { count, dim, values } = seg;
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (let s = 0; s < count; s++) for (let f = 0; f < dim; f++) mean[f]! += values[s * dim + f]!;
  for (let f = 0; f < dim; f++) mean[f]! /= Math.max(1, count);
  for (let s = 0; s < count; s++)
    for (let f = 0; f < dim; f++) {
      const d = values[s * dim + f]! - mean[f]!;
      sd[f]! += d * d;
    }
  for (let f = 0; f < dim; f++) sd[f] = Math.sqrt(sd[f]! / Math.max(1, count)) || 1;
  const e = sp.neighbours.length;
  const d2 = new Float32Array(e);
  for (let s = 0; s < count; s++)
    for (let i = sp.offsets[s]!; i < sp.offsets[s + 1]!; i++) {
      const t = sp.neighbours[i]!;
      let sum = 0;
      for (let f = 0; f < dim; f++) {
        const d = (values[s * dim + f]! - values[t * dim + f]!) / sd[f]!;
        sum += d * d;
      }
      d2[i] = sum / dim;
    }
  const sorted = Float32Array.from(d2).sort();
  const median = Math.max(1e-6, sorted[sorted.length >> 1] ?? 1);
  const out = new Float32Array(e);
  for (let s = 0; s < count; s++)
    for (let i = sp.offsets[s]!; i < sp.offsets[s + 1]!; i++) {
      const t = sp.neighbours[i]!;
      // Boundary cell pairs relative to the smaller superpoint's size (cells on its rim ~ sqrt(size)).
      const contact = Math.min(1, sp.weights[i]! / Math.sqrt(Math.max(1, Math.min(sp.size[s]!, sp.size[t]!))));
      out[i] = Math.exp(-d2[i]! / median) * contact;
    }
  return out;
}
