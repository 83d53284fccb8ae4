import type { PreparedScan } from './prepare';
import type { PropagationResult } from './propagate';

export interface Suggestion {
  /** Point to click: the unlabelled point of the region nearest its centre. */
  point: number;
  /** Scan-local position (float32 frame) and world position (origin + local). */
  position: [number, number, number];
  world: [number, number, number];
  /** Expected gain: uncertain points the click is likely to fix (after spreading). */
  gain: number;
  superpoint: number;
  reason: string;
}

export interface SuggestInput {
  prepared: PreparedScan;
  positions: Float32Array;
  origin: readonly [number, number, number];
  userLabels: Uint16Array;
  locked: Uint8Array | null;
  /** The latest propagation, or null before the first label. */
  result: PropagationResult | null;
  n: number;
  /** Suggestions closer than this (scan units) suppress each other; default from the scene's spread. */
  spacing?: number;
}

/**
 * Next places to click, by expected gain: each superpoint scores (unlabelled points) x (1 -
 * confidence), summed with its graph neighbours weighted by affinity, so a large uncertain region
 * beats a lone uncertain fleck. Picks greedily, damping every remaining candidate by a Gaussian of
 * its distance to the picks so far: the suggestions spread over the scene instead of piling up on
 * one tree.
 */
export function suggestClicks(input: SuggestInput): Suggestion[] {
  const { prepared, positions, origin, userLabels, locked, result } = input;
  const sp = prepared.superpoints;
  const open = new Float32Array(sp.count);
  for (let p = 0; p < sp.of.length; p++) if (userLabels[p] === 0 && !(locked && locked[p])) open[sp.of[p]!]! += 1;
  const own = new Float32Array(sp.count);
  for (let s = 0; s < sp.count; s++) {
    const uncertainty = result && result.classCodes.length > 0 ? 1 - result.segmentConfidence[s]! : 1;
    own[s] = open[s]! * uncertainty;
  }
  const gain = new Float64Array(sp.count);
  for (let s = 0; s < sp.count; s++) {
    let g = own[s]!;
    for (let i = sp.offsets[s]!; i < sp.offsets[s + 1]!; i++) g += prepared.affinity[i]! * own[sp.neighbours[i]!]!;
    gain[s] = g;
  }
  const spacing = input.spacing ?? defaultSpacing(sp.centroid, sp.count, input.n);
  const inv2 = 1 / (spacing * spacing);
  const out: Suggestion[] = [];
  const taken = new Uint8Array(sp.count);
  for (let k = 0; k < input.n; k++) {
    let best = -1;
    for (let s = 0; s < sp.count; s++) if (!taken[s] && open[s]! > 0 && (best < 0 || gain[s]! > gain[best]!)) best = s;
    if (best < 0 || gain[best]! <= 0) break;
    taken[best] = 1;
    const point = nearestOpenPoint(best, input);
    const position: [number, number, number] = [positions[point * 3]!, positions[point * 3 + 1]!, positions[point * 3 + 2]!];
    out.push({
      point,
      position,
      world: [origin[0] + position[0], origin[1] + position[1], origin[2] + position[2]],
      gain: gain[best]!,
      superpoint: best,
      reason: reasonFor(best, open[best]!, result),
    });
    const cx = sp.centroid[best * 3]!;
    const cy = sp.centroid[best * 3 + 1]!;
    const cz = sp.centroid[best * 3 + 2]!;
    for (let s = 0; s < sp.count; s++) {
      const dx = sp.centroid[s * 3]! - cx;
      const dy = sp.centroid[s * 3 + 1]! - cy;
      const dz = sp.centroid[s * 3 + 2]! - cz;
      gain[s]! *= 1 - Math.exp(-(dx * dx + dy * dy + dz * dz) * inv2);
    }
  }
  return out;
}

/** Half the side of the square each of n suggestions would own if they tiled the scene's footprint. */
function defaultSpacing(centroid: Float32Array, count: number, n: number): number {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let s = 0; s < count; s++) {
    x0 = Math.min(x0, centroid[s * 3]!);
    x1 = Math.max(x1, centroid[s * 3]!);
    y0 = Math.min(y0, centroid[s * 3 + 1]!);
    y1 = Math.max(y1, centroid[s * 3 + 1]!);
  }
  const area = Math.max(1e-6, (x1 - x0) * (y1 - y0));
  return Math.max(1e-3, 0.5 * Math.sqrt(area / Math.max(1, n)));
}

function nearestOpenPoint(s: number, input: SuggestInput): number {
  const { prepared, positions, userLabels, locked } = input;
  const sp = prepared.superpoints;
  const cx = sp.centroid[s * 3]!;
  const cy = sp.centroid[s * 3 + 1]!;
  const cz = sp.centroid[s * 3 + 2]!;
  let best = -1;
  let bestD = Infinity;
  for (let p = 0; p < sp.of.length; p++) {
    if (sp.of[p] !== s || userLabels[p] !== 0 || (locked && locked[p])) continue;
    const d = (positions[p * 3]! - cx) ** 2 + (positions[p * 3 + 1]! - cy) ** 2 + (positions[p * 3 + 2]! - cz) ** 2;
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}

function reasonFor(s: number, open: number, result: PropagationResult | null): string {
  if (!result || result.classCodes.length === 0) return `unlabelled region (${open} points here, nothing labelled yet)`;
  const conf = result.segmentConfidence[s]!;
  if (result.classCodes.length === 1) return `only class ${result.classCodes[0]} is known; is this region (${open} points) something else?`;
  return `low confidence ${conf.toFixed(2)} for class ${result.segmentClass[s]} over ${open} unlabelled points`;
}
