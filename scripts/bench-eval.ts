/**
 * npm run bench:eval: the simulated annotator (issue 6) on the labelled scans in ../shared/data and
 * the procedural demo scene. Semantic: mIoU / OA / per-class IoU after 1, 5, 10, 20, 50 clicks for
 * ScanLabel (click engine + propagation) beside the nearest-click baseline; instance: IoU@k and
 * NoC@80/85/90. Writes bench-output/eval.json, bench-output/eval.md (the tables) and one
 * bench-output/eval-<dataset>.svg chart per semantic dataset; with --write-docs the tables replace
 * the "Annotation efficiency (simulated annotator)" section of docs/benchmarks.md.
 *
 * Options: --only id,id (dataset ids below), --clicks N (semantic, default 50), --max-objects N
 * (instance, default 40), --write-docs.
 *
 * flanders-vle stores one element per file (SA1_<Type>_<id>.las): the loader below concatenates the
 * SA1 folder's files into one scan (concatScans, file order by name) whose `instance` attribute is
 * the file number, so each file is one object.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatScans } from '../electron/services/eval/concat';
import { evaluateInstances, evaluateSemantic } from '../electron/services/eval/evaluate';
import { lineChartSvg } from '../electron/services/eval/plot';
import { semanticPlotSeries, type InstanceReport, type SemanticReport } from '../electron/services/eval/report';
import { gtValuesFromScan, gtValuesFromU8File } from '../electron/services/eval/truth';
import { demoPointScan } from '../electron/services/scans/demo/demoScene';
import type { Scan } from '../electron/services/scans/model';
import { readScan } from '../electron/services/scans/read';
import { BuiltinSegmenter } from '../electron/services/segmentation/segmenters/builtin';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const data = (rel: string) => path.resolve(repoRoot, '../shared/data', rel);
const outDir = path.join(repoRoot, 'bench-output');

const argValue = (k: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const CLICKS = Number(argValue('clicks') ?? 50);
const MAX_OBJECTS = Number(argValue('max-objects') ?? 40);
const ONLY = argValue('only')?.split(',');
const WRITE_DOCS = process.argv.includes('--write-docs');
const MIN_SHARE = 0.005;

interface Loaded {
  scan: Scan;
  gt: Float64Array;
  gtName: string;
}

interface Job {
  id: string;
  title: string;
  mode: 'semantic' | 'instance';
  load: () => Promise<Loaded>;
  minClassShare?: number;
  ignore?: number[];
}

async function fromAttribute(rel: string, attr: string): Promise<Loaded> {
  const scan = await readScan(data(rel));
  return { scan, gt: gtValuesFromScan(scan, attr), gtName: attr };
}

async function isprs(sample: string): Promise<Loaded> {
  const scan = await readScan(data(`isprs-filtertest/${sample}.pcd`));
  const rel = `isprs-filtertest/derived/${sample}.ground.u8`;
  return { scan, gt: await gtValuesFromU8File(data(rel), scan.pointCount), gtName: rel };
}

async function flanders(): Promise<Loaded> {
  const dir = data('flanders-vle/SA1');
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.las'))
    .sort();
  const scans: Scan[] = [];
  for (const f of files) scans.push(await readScan(path.join(dir, f)));
  const scan = concatScans(scans, { name: `flanders-vle/SA1 (${files.length} files)`, instanceAttribute: 'instance' });
  return { scan, gt: gtValuesFromScan(scan, 'instance'), gtName: 'instance (one per file)' };
}

function demo(attr: string): Promise<Loaded> {
  const scan = demoPointScan({ seed: 1, points: 100_000 });
  scan.name = 'demo scene (seed 1, 100k points)';
  return Promise.resolve({ scan, gt: gtValuesFromScan(scan, attr), gtName: attr });
}

const JOBS: Job[] = [
  {
    id: 'sample-c',
    title: 'pdal-sample-c/sample_c.las',
    mode: 'semantic',
    load: () => fromAttribute('pdal-sample-c/sample_c.las', 'classification'),
  },
  {
    id: 'nebraska',
    title: 'nebraska-3dep',
    mode: 'semantic',
    load: () => fromAttribute('nebraska-3dep/file_with_both_wkt_and_geotiff_vlrs.las', 'classification'),
  },
  {
    id: 'sample-c-all',
    title: 'pdal-sample-c/sample_c.las, all classes clicked',
    mode: 'semantic',
    minClassShare: 0,
    load: () => fromAttribute('pdal-sample-c/sample_c.las', 'classification'),
  },
  {
    id: 'nebraska-all',
    title: 'nebraska-3dep, all classes clicked',
    mode: 'semantic',
    minClassShare: 0,
    load: () => fromAttribute('nebraska-3dep/file_with_both_wkt_and_geotiff_vlrs.las', 'classification'),
  },
  { id: 'demo', title: 'demo scene (semantic)', mode: 'semantic', load: () => demo('classification') },
  {
    id: 'ign-append-bug',
    title: 'ign-lidarhd/append-bug.laz',
    mode: 'semantic',
    load: () => fromAttribute('ign-lidarhd/append-bug.laz', 'classification'),
  },
  { id: 'isprs-samp11', title: 'isprs-filtertest samp11 (ground flags)', mode: 'semantic', load: () => isprs('samp11-utm') },
  { id: 'isprs-samp24', title: 'isprs-filtertest samp24 (ground flags)', mode: 'semantic', load: () => isprs('samp24-utm') },
  { id: 'isprs-samp54', title: 'isprs-filtertest samp54 (ground flags)', mode: 'semantic', load: () => isprs('samp54-utm') },
  { id: 'demo-instances', title: 'demo scene (objects)', mode: 'instance', ignore: [0], load: () => demo('instance') },
  { id: 'flanders-vle', title: 'flanders-vle SA1 (one file per element)', mode: 'instance', load: flanders },
  {
    id: 'mixedconifer',
    title: 'lidr-extdata/MixedConifer.laz treeID',
    mode: 'instance',
    load: () => fromAttribute('lidr-extdata/MixedConifer.laz', 'treeID'),
  },
];

type Result = { id: string; title: string; seconds: number } & ({ report: SemanticReport } | { report: InstanceReport });

const f3 = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(3));

function semanticMarkdown(r: Result & { report: SemanticReport }): string {
  const rep = r.report;
  const [sl, base] = rep.runs;
  const ks = Object.keys(sl?.at ?? {});
  const lines: string[] = [];
  const scored = rep.classes.filter((c) => c.scored);
  const skipped = rep.classes.filter((c) => !c.scored);
  lines.push(`#### ${r.title}`);
  lines.push('');
  lines.push(
    `${rep.points.toLocaleString('en-US')} points, truth \`${rep.gt}\`, voxel ${rep.voxelSize}; scored classes (>= ${rep.minClassShare * 100}% of points): ${scored.map((c) => `${c.value} (${(c.share * 100).toFixed(1)}%)`).join(', ')}${skipped.length ? `; not scored nor clicked: ${skipped.map((c) => c.value).join(', ')}` : ''}. ${Math.round(r.seconds)} s.`,
  );
  lines.push('');
  lines.push('| clicks | ScanLabel mIoU | OA | mIoU all classes | baseline mIoU | baseline OA | baseline mIoU all |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const k of ks)
    lines.push(
      `| ${k} | ${f3(sl?.at[k]?.miou)} | ${f3(sl?.at[k]?.oa)} | ${f3(sl?.at[k]?.miouAll)} | ${f3(base?.at[k]?.miou)} | ${f3(base?.at[k]?.oa)} | ${f3(base?.at[k]?.miouAll)} |`,
    );
  lines.push('');
  lines.push(`Per-class IoU, ScanLabel (baseline), after ${ks.join(' / ')} clicks:`);
  lines.push('');
  lines.push(`| class | points | ${ks.map((k) => `@${k}`).join(' | ')} |`);
  lines.push(`|---|---|${ks.map(() => '---').join('|')}|`);
  for (const c of scored)
    lines.push(
      `| ${c.value} | ${c.points.toLocaleString('en-US')} | ${ks.map((k) => `${f3(sl?.at[k]?.iou[String(c.value)])} (${f3(base?.at[k]?.iou[String(c.value)])})`).join(' | ')} |`,
    );
  lines.push('');
  if (sl)
    lines.push(
      `ScanLabel time per click: mean ${sl.msPerClick.mean} ms, p50 ${sl.msPerClick.p50}, p95 ${sl.msPerClick.p95} (click engine ${sl.msPerClick.segmentMean}, propagation ${sl.msPerClick.propagateMean}).${sl.perfect ? ` Every scored point right after ${sl.clicks} clicks.` : ''}`,
    );
  lines.push('');
  return lines.join('\n');
}

function instanceMarkdown(results: (Result & { report: InstanceReport })[]): string {
  const lines = [
    '| dataset | objects | IoU@1 | IoU@3 | IoU@5 | IoU@10 | NoC@80 | NoC@85 | NoC@90 | ms/click p50 |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const s = r.report.summary;
    lines.push(
      `| ${r.title} | ${s.objects} (>= ${r.report.minObjectPoints} pts) | ${['1', '3', '5', '10'].map((k) => f3(s.iouAt[k])).join(' | ')} | ${['80', '85', '90'].map((k) => (s.noc[k] ?? NaN).toFixed(2)).join(' | ')} | ${s.msPerClick.p50} |`,
    );
  }
  return lines.join('\n') + '\n';
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const jobs = JOBS.filter((j) => !ONLY || ONLY.includes(j.id));
  const results: Result[] = [];
  for (const job of jobs) {
    const t0 = performance.now();
    process.stderr.write(`== ${job.id}\n`);
    const loaded = await job.load();
    const segmenter = new BuiltinSegmenter();
    const input = { ...loaded, segmenter, onProgress: (l: string) => process.stderr.write(`  ${l}\n`) };
    if (job.mode === 'semantic') {
      const { report } = await evaluateSemantic(input, {
        clicks: CLICKS,
        minClassShare: job.minClassShare ?? MIN_SHARE,
        ignore: job.ignore,
        onStep: (a, s) => {
          if (s.click % 10 === 0 || s.click === 1)
            process.stderr.write(
              `  ${a} @${s.click}: mIoU ${s.miou.toFixed(3)} (all ${s.miouAll.toFixed(3)}) ${Math.round(s.ms.total)} ms\n`,
            );
        },
      });
      writeFileSync(
        path.join(outDir, `eval-${job.id}.svg`),
        lineChartSvg(semanticPlotSeries(report), { title: `${job.title}: mIoU vs clicks` }),
      );
      results.push({ id: job.id, title: job.title, seconds: (performance.now() - t0) / 1000, report });
    } else {
      const { report } = await evaluateInstances(input, {
        ignore: job.ignore,
        maxObjects: MAX_OBJECTS,
        onObject: (o, done, total) => {
          if (done % 10 === 0 || done === total)
            process.stderr.write(
              `  object ${done}/${total}: ${o.clicks.length} clicks, IoU ${(o.clicks[o.clicks.length - 1]?.iou ?? 0).toFixed(3)}\n`,
            );
        },
      });
      results.push({ id: job.id, title: job.title, seconds: (performance.now() - t0) / 1000, report });
    }
    await segmenter.dispose();
    process.stderr.write(`  done in ${Math.round((performance.now() - t0) / 1000)} s\n`);
    // Partial results survive an interrupted run.
    writeOutputs(results);
  }
  const md = writeOutputs(results);
  if (WRITE_DOCS) writeDocs(md);
  process.stdout.write(md);
}

function machine() {
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, date: new Date().toISOString().slice(0, 10) };
}

function writeOutputs(results: Result[]): string {
  const m = machine();
  writeFileSync(
    path.join(outDir, 'eval.json'),
    JSON.stringify({ machine: m, clicks: CLICKS, minClassShare: MIN_SHARE, maxObjects: MAX_OBJECTS, results }, null, 1),
  );
  const semantic = results.filter((r): r is Result & { report: SemanticReport } => r.report.mode === 'semantic');
  const instance = results.filter((r): r is Result & { report: InstanceReport } => r.report.mode === 'instance');
  const md = [
    `Machine: \`nproc\` ${m.nproc}, ${m.cpu}, Node ${m.node}, ${m.date}. Built-in segmenter, propagation on, ${CLICKS} clicks per semantic run, instance runs capped at 20 clicks per object (stop at IoU 0.9), at most ${MAX_OBJECTS} objects per dataset (evenly spaced by id).`,
    '',
    '### Semantic (mIoU vs clicks)',
    '',
    ...semantic.map(semanticMarkdown),
    '### Instance (clicks per object)',
    '',
    instance.length ? instanceMarkdown(instance) : '(not run)\n',
  ].join('\n');
  writeFileSync(path.join(outDir, 'eval.md'), md);
  return md;
}

const HEADING = '## Annotation efficiency (simulated annotator)';
const NOTES_OPEN = '<!-- eval-notes -->';
const NOTES_CLOSE = '<!-- /eval-notes -->';

/** Replaces (or appends) this benchmark's section of docs/benchmarks.md, leaving the rest as it is. */
function writeDocs(md: string) {
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  const doc = readFileSync(file, 'utf8');
  const intro = [
    HEADING,
    '',
    '`npm run bench:eval` (scripts/bench-eval.ts; `bench-output/eval.json`, `eval.md`, one `eval-<dataset>.svg` chart each). The protocol is `scanlabel eval` (electron/services/eval): after each click the wrong points are grouped into voxel-connected components of one true class each (voxel = the larger of 2.5 x the median nearest-neighbour spacing and 1.5 x the footprint spacing, occupied plan area per point, so clumpy scans do not split into crumbs); the simulated user clicks the innermost point of the largest one with its true class. ScanLabel = click engine preview accepted with that class (earlier labels of another class kept where an earlier click of theirs is nearer), then propagation fills the points the user did not label. Baseline = nearest click (a click labels one point; every other point takes the class of the nearest click). Unlabelled points count as wrong. Instance mode clicks with the "Single tree" option on (the UI toggle, `scanlabel click --single-tree`).',
    '',
  ].join('\n');
  const start = doc.indexOf(HEADING);
  let next = start >= 0 ? doc.indexOf('\n## ', start + HEADING.length) : -1;
  if (next < 0) next = doc.length;
  // Hand-written findings between the markers survive a rerun.
  const notesAt = start >= 0 ? doc.indexOf(NOTES_OPEN, start) : -1;
  const notesEnd = notesAt >= 0 && notesAt < next ? doc.indexOf(NOTES_CLOSE, notesAt) : -1;
  const notes = notesEnd >= 0 ? doc.slice(notesAt, notesEnd + NOTES_CLOSE.length) : `${NOTES_OPEN}\n${NOTES_CLOSE}`;
  const section = `${intro}\n${md}\n${notes}\n`;
  const updated = start >= 0 ? doc.slice(0, start) + section + doc.slice(next + 1) : `${doc.trimEnd()}\n\n${section}`;
  writeFileSync(file, updated);
}

await main();
