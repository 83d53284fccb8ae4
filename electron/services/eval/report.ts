import type { InstanceSummary, ObjectRun } from './instanceRun';
import type { PlotSeries } from './plot';
import type { SemanticRun, SemanticStep } from './semanticRun';
import type { SemanticTruth } from './truth';

/** Clicks at which tables report the state. */
export const CHECKPOINTS = [1, 5, 10, 20, 50];

const r4 = (v: number) => (Number.isFinite(v) ? Math.round(v * 10000) / 10000 : null);
const r1 = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);

export interface CheckpointState {
  miou: number | null;
  oa: number | null;
  miouAll: number | null;
  oaAll: number | null;
  /** Per scored class value. */
  iou: Record<string, number | null>;
}

export interface RunSummary {
  annotator: string;
  clicks: number;
  perfect: boolean;
  /** mIoU, OA (scored classes) and mIoU over all classes after every click. */
  curve: {
    click: number;
    point: number;
    value: number;
    miou: number | null;
    oa: number | null;
    miouAll: number | null;
    ms: number | null;
  }[];
  at: Record<string, CheckpointState>;
  msPerClick: { mean: number | null; p50: number | null; p95: number | null; segmentMean: number | null; propagateMean: number | null };
}

function quantile(sorted: number[], f: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]! : NaN;
}

/** The state after click k (a run that finished early keeps its last state; before click 1 nothing is labelled). */
export function stepAt(run: SemanticRun, k: number): SemanticStep | null {
  if (run.steps.length === 0) return null;
  return run.steps[Math.min(k, run.steps.length) - 1] ?? null;
}

export function summarizeSemantic(
  run: SemanticRun,
  truth: SemanticTruth,
  clicks: number,
  checkpoints: readonly number[] = CHECKPOINTS,
): RunSummary {
  const at: Record<string, CheckpointState> = {};
  for (const k of checkpoints.filter((c) => c <= clicks)) {
    const s = stepAt(run, k);
    at[String(k)] = {
      miou: s ? r4(s.miou) : 0,
      oa: s ? r4(s.oa) : 0,
      miouAll: s ? r4(s.miouAll) : 0,
      oaAll: s ? r4(s.oaAll) : 0,
      iou: Object.fromEntries(truth.scored.map((c) => [String(truth.values[c]), s ? r4(s.iou[c]!) : 0])),
    };
  }
  const total = run.steps.map((s) => s.ms.total).sort((a, b) => a - b);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
  return {
    annotator: run.annotator,
    clicks: run.steps.length,
    perfect: run.perfect,
    curve: run.steps.map((s) => ({
      click: s.click,
      point: s.point,
      value: truth.values[s.cls]!,
      miou: r4(s.miou),
      oa: r4(s.oa),
      miouAll: r4(s.miouAll),
      ms: r1(s.ms.total),
    })),
    at,
    msPerClick: {
      mean: r1(mean(total)),
      p50: r1(quantile(total, 0.5)),
      p95: r1(quantile(total, 0.95)),
      segmentMean: r1(mean(run.steps.map((s) => s.ms.segment))),
      propagateMean: r1(mean(run.steps.map((s) => s.ms.propagate))),
    },
  };
}

export interface SemanticReport {
  mode: 'semantic';
  file: string;
  gt: string;
  points: number;
  voxelSize: number;
  clicks: number;
  ignore: number[];
  minClassShare: number;
  segmenter: string;
  propagation: boolean;
  classes: { value: number; points: number; share: number; scored: boolean }[];
  runs: RunSummary[];
}

export function semanticReport(
  meta: Omit<SemanticReport, 'mode' | 'classes' | 'runs'>,
  truth: SemanticTruth,
  runs: readonly SemanticRun[],
): SemanticReport {
  const scored = new Set(truth.scored);
  return {
    mode: 'semantic',
    ...meta,
    voxelSize: Math.round(meta.voxelSize * 1e4) / 1e4,
    classes: truth.values.map((v, c) => ({ value: v, points: truth.counts[c]!, share: r4(truth.shares[c]!) ?? 0, scored: scored.has(c) })),
    runs: runs.map((r) => summarizeSemantic(r, truth, meta.clicks)),
  };
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(3));
const pad = (s: string, w: number) => s.padStart(w);

/** Human-readable tables: mIoU / OA per checkpoint for every annotator, per-class IoU, time per click. */
export function semanticText(rep: SemanticReport): string {
  const lines: string[] = [];
  const scored = rep.classes.filter((c) => c.scored);
  lines.push(
    `${rep.file}: ${rep.points.toLocaleString('en-US')} points, truth "${rep.gt}", voxel ${rep.voxelSize}, segmenter ${rep.segmenter}, propagation ${rep.propagation ? 'on' : 'off'}`,
  );
  lines.push(
    `classes: ${rep.classes.map((c) => `${c.value} (${(c.share * 100).toFixed(1)}%${c.scored ? '' : ', not scored'})`).join(', ')}${rep.ignore.length ? `; ignored values: ${rep.ignore.join(',')}` : ''}`,
  );
  const ks = Object.keys(rep.runs[0]?.at ?? {});
  const head = ['clicks', ...rep.runs.flatMap((r) => [`${r.annotator} mIoU`, 'OA', 'mIoU(all)'])];
  lines.push(head.map((h, i) => pad(h, i === 0 ? 6 : Math.max(9, h.length))).join('  '));
  for (const k of ks) {
    const row = [k, ...rep.runs.flatMap((r) => [f3(r.at[k]?.miou), f3(r.at[k]?.oa), f3(r.at[k]?.miouAll)])];
    lines.push(row.map((v, i) => pad(v, i === 0 ? 6 : Math.max(9, head[i]!.length))).join('  '));
  }
  for (const r of rep.runs) {
    lines.push(`per-class IoU, ${r.annotator} (${scored.length} scored classes) after ${ks.join(' / ')} clicks:`);
    for (const c of scored)
      lines.push(
        `  class ${pad(String(c.value), 5)} (${pad(c.points.toLocaleString('en-US'), 9)} pts): ${ks.map((k) => f3(r.at[k]?.iou[String(c.value)])).join(' / ')}`,
      );
    lines.push(
      `  ms per click: mean ${r.msPerClick.mean ?? '-'}, p50 ${r.msPerClick.p50 ?? '-'}, p95 ${r.msPerClick.p95 ?? '-'} (segment ${r.msPerClick.segmentMean ?? '-'}, propagate ${r.msPerClick.propagateMean ?? '-'})${r.perfect ? `; all scored points right after ${r.clicks} clicks` : ''}`,
    );
  }
  return lines.join('\n');
}

export function semanticPlotSeries(rep: SemanticReport): PlotSeries[] {
  return rep.runs.map((r, i) => ({
    name: r.annotator === 'nearest-click' ? 'nearest-click baseline' : r.annotator,
    dashed: i > 0,
    points: r.curve.map((c) => ({ x: c.click, y: c.miou ?? 0 })),
  }));
}

export interface InstanceReport {
  mode: 'instance';
  file: string;
  gt: string;
  points: number;
  voxelSize: number;
  segmenter: string;
  maxClicks: number;
  stopIoU: number;
  minObjectPoints: number;
  skippedSmall: number;
  summary: InstanceSummary;
  objects: { value: number; points: number; clicks: number; ious: (number | null)[] }[];
}

export function instanceReport(
  meta: Omit<InstanceReport, 'mode' | 'objects' | 'summary'>,
  summary: InstanceSummary,
  runs: readonly ObjectRun[],
): InstanceReport {
  return {
    mode: 'instance',
    ...meta,
    voxelSize: Math.round(meta.voxelSize * 1e4) / 1e4,
    summary: {
      ...summary,
      iouAt: Object.fromEntries(Object.entries(summary.iouAt).map(([k, v]) => [k, r4(v) ?? NaN])),
      noc: Object.fromEntries(Object.entries(summary.noc).map(([k, v]) => [k, r4(v) ?? NaN])),
      msPerClick: {
        mean: r1(summary.msPerClick.mean) ?? NaN,
        p50: r1(summary.msPerClick.p50) ?? NaN,
        p95: r1(summary.msPerClick.p95) ?? NaN,
      },
    },
    objects: runs.map((o) => ({ value: o.value, points: o.points, clicks: o.clicks.length, ious: o.clicks.map((c) => r4(c.iou)) })),
  };
}

export function instanceText(rep: InstanceReport): string {
  const s = rep.summary;
  return [
    `${rep.file}: ${rep.points.toLocaleString('en-US')} points, instances "${rep.gt}", ${s.objects} objects (>= ${rep.minObjectPoints} points; ${rep.skippedSmall} smaller left out), voxel ${rep.voxelSize}, segmenter ${rep.segmenter}`,
    `IoU@1/3/5/10: ${['1', '3', '5', '10'].map((k) => f3(s.iouAt[k])).join(' / ')}`,
    `NoC@80/85/90: ${['80', '85', '90'].map((k) => (s.noc[k] ?? NaN).toFixed(2)).join(' / ')} (cap ${rep.maxClicks}, stop at IoU ${rep.stopIoU})`,
    `ms per click: mean ${s.msPerClick.mean}, p50 ${s.msPerClick.p50}, p95 ${s.msPerClick.p95}`,
  ].join('\n');
}
