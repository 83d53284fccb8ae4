import { writeFile } from 'node:fs/promises';
import { intOption, option, UsageError, type ParsedArgs } from '../args';
import { EXIT, type CliCommand } from '../command';
import { evaluateInstances, evaluateSemantic, type EvalInput } from '../../services/eval/evaluate';
import { lineChartSvg } from '../../services/eval/plot';
import { instanceText, semanticPlotSeries, semanticText } from '../../services/eval/report';
import { gtValuesFromScan, gtValuesFromU8File } from '../../services/eval/truth';
import { demoPointScan } from '../../services/scans/demo/demoScene';
import type { Scan } from '../../services/scans/model';
import { readScan } from '../../services/scans/read';
import { segmenterFor } from './click';
import { handleFailures } from './projectStoreCli';

function numbers(args: ParsedArgs, key: string): number[] {
  return (args.options.get(key) ?? []).flatMap((v) =>
    v
      .split(',')
      .filter((s) => s.trim() !== '')
      .map((s) => {
        const n = Number(s);
        if (!Number.isFinite(n)) throw new UsageError(`--${key} takes numbers, got "${s}"`);
        return n;
      }),
  );
}

function fraction(args: ParsedArgs, key: string, fallback: number): number {
  const v = option(args, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new UsageError(`--${key} must be a number in [0, 1), got "${v}"`);
  return n;
}

function positiveInt(args: ParsedArgs, key: string, fallback: number): number {
  const n = intOption(args, key, fallback);
  if (n < 1) throw new UsageError(`--${key} must be at least 1, got ${n}`);
  return n;
}

/**
 * `scanlabel eval`: the simulated annotator of issue 6. Semantic mode clicks the innermost point of
 * the largest wrong region with its true class and reports mIoU / OA / per-class IoU after every
 * click beside the nearest-click baseline; instance mode reports IoU@k and NoC@80/85/90.
 */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary:
    'simulated annotator: click the largest error region over and over against ground truth; report mIoU per click (semantic) or NoC@80/85/90 (instance)',
  usage:
    'eval (FILE | --demo POINTS) (--gt ATTR | --gt-file PATH.u8) [--clicks K] [--mode semantic|instance] [--ignore V,...] [--min-class-share F] [--segmenter builtin|MODEL] [--models DIR] [--no-propagation] [--point-classifier] [--no-baseline] [--max-objects N] [--min-object-points N] [--json] [--plot OUT.svg]',
  booleanFlags: ['json', 'no-propagation', 'point-classifier', 'no-baseline'],
  async run(args, io) {
    const mode = option(args, 'mode') ?? 'semantic';
    if (mode !== 'semantic' && mode !== 'instance') throw new UsageError(`--mode must be semantic or instance, got "${mode}"`);
    const file = args.positionals[0];
    const demo = option(args, 'demo');
    if (args.positionals.length > 1) throw new UsageError(`one FILE, got ${args.positionals.length}`);
    if (!file === !demo) throw new UsageError('need FILE or --demo POINTS (not both)');
    const gtAttr = option(args, 'gt');
    const gtFile = option(args, 'gt-file');
    if (!gtAttr === !gtFile) throw new UsageError('need --gt ATTR or --gt-file PATH.u8 (not both)');
    const clicks = positiveInt(args, 'clicks', 20);
    const ignore = numbers(args, 'ignore');
    const minClassShare = fraction(args, 'min-class-share', 0);
    const plot = option(args, 'plot');
    if (plot && mode !== 'semantic') throw new UsageError('--plot draws the semantic mIoU curve; use it with --mode semantic');
    const json = args.flags.has('json');
    return handleFailures(io, async () => {
      const scan: Scan = demo ? demoPointScan({ points: positiveInt(args, 'demo', 200_000) }) : await readScan(file!);
      const gt = gtFile ? await gtValuesFromU8File(gtFile, scan.pointCount) : gtValuesFromScan(scan, gtAttr!);
      const segmenter = await segmenterFor(args, io);
      const input: EvalInput = { scan, gt, gtName: gtFile ?? gtAttr!, segmenter, onProgress: json ? undefined : (l) => io.err(l) };
      try {
        if (mode === 'semantic') {
          const { report } = await evaluateSemantic(input, {
            clicks,
            ignore,
            minClassShare,
            propagation: !args.flags.has('no-propagation'),
            // Propagation's per-point classifier (off by default, see docs/propagation.md).
            pointClassifier: args.flags.has('point-classifier') ? {} : undefined,
            baseline: !args.flags.has('no-baseline'),
            onStep: json
              ? undefined
              : (a, s) =>
                  io.err(
                    `${a} click ${s.click}: point ${s.point} class ${s.value} (component ${s.component}) -> mIoU ${s.miou.toFixed(3)} in ${Math.round(s.ms.total)} ms`,
                  ),
          });
          if (plot) await writeFile(plot, lineChartSvg(semanticPlotSeries(report), { title: `${report.file}: mIoU vs clicks` }));
          io.out(json ? JSON.stringify(report) : semanticText(report));
        } else {
          const maxObjects = option(args, 'max-objects') === undefined ? undefined : positiveInt(args, 'max-objects', 1);
          const { report } = await evaluateInstances(input, {
            maxClicks: clicks,
            ignore,
            minObjectPoints: positiveInt(args, 'min-object-points', 10),
            maxObjects,
            onObject: json
              ? undefined
              : (o, done, total) =>
                  io.err(
                    `object ${o.value} (${o.points} pts) ${done}/${total}: ${o.clicks.length} clicks, IoU ${(o.clicks[o.clicks.length - 1]?.iou ?? 0).toFixed(3)}`,
                  ),
          });
          io.out(json ? JSON.stringify(report) : instanceText(report));
        }
      } finally {
        await segmenter.dispose();
      }
      return EXIT.ok;
    });
  },
};
