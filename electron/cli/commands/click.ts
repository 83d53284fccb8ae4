import { intOption, option, requireOption, UsageError, type ParsedArgs } from '../args';
import { EXIT, type CliCommand, type CliIO } from '../command';
import { ProjectStore } from '../../services/labels/index';
import { demoPointScan } from '../../services/scans/demo/demoScene';
import type { Scan } from '../../services/scans/model';
import { readScan } from '../../services/scans/read';
import { ClickEngine, type ClickLabelEdit, type Preview } from '../../services/segmentation/clickEngine';
import { loadSamSegmenter } from '../../services/segmentation/models/registry';
import { buildClickScene } from '../../services/segmentation/scene/clickScene';
import { BuiltinSegmenter } from '../../services/segmentation/segmenters/builtin';
import type { Segmenter } from '../../services/segmentation/segmenters/segmenter';
import { modelsDir } from './models';
import { handleFailures } from './projectStoreCli';

function ints(args: ParsedArgs, key: string): number[] {
  return (args.options.get(key) ?? []).flatMap((v) =>
    v.split(',').map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${key} takes point indices, got "${s}"`);
      return n;
    }),
  );
}

/** The segmenter named by --segmenter: builtin (default) or a registered model id; notes say which provider runs it. */
export async function segmenterFor(args: ParsedArgs, io: CliIO): Promise<Segmenter> {
  const name = option(args, 'segmenter') ?? 'builtin';
  if (name === 'builtin') return new BuiltinSegmenter();
  const { segmenter, notes } = await loadSamSegmenter(modelsDir(args), name);
  for (const n of notes) io.err(`note: ${n}`);
  io.err(`segmenter: ${segmenter.description}`);
  return segmenter;
}

/**
 * One click end to end: load the scan, build the click scene (voxel index, normals, terrain),
 * preview, and with a project accept it as a `lift` edit (the store records it for undo/redo).
 * Without --project (--file PATH or --demo N), it previews only.
 */
export const clickCommand: CliCommand = {
  name: 'click',
  summary: 'label the object under a clicked point: render views, segment, lift, fuse, refine; prints the labeled count and time per stage',
  usage: 'click (--project DIR --scan ID | --file PATH | --demo POINTS) --point INDEX [--point INDEX...] [--negative INDEX...] [--class CODE] [--segmenter builtin|MODEL] [--models DIR] [--single-tree] [--json]',
  booleanFlags: ['json', 'single-tree'],
  async run(args, io) {
    const positives = ints(args, 'point');
    const negatives = ints(args, 'negative');
    if (positives.length === 0) throw new UsageError('need --point INDEX (the clicked point)');
    const project = option(args, 'project');
    const classArg = option(args, 'class');
    if (project && classArg === undefined) throw new UsageError('--class CODE is required with --project');
    return handleFailures(io, async () => {
      const t0 = performance.now();
      let store: ProjectStore | null = null;
      let scan: Scan;
      try {
        if (project) {
          store = ProjectStore.open(project);
          const info = store.getScan(requireOption(args, 'scan'));
          if (!info.sourcePath) throw new UsageError(`scan ${info.id} has no source file to read points from`);
          scan = await readScan(info.sourcePath);
          scan.id = info.id;
        } else if (option(args, 'file')) scan = await readScan(option(args, 'file')!);
        else if (option(args, 'demo')) scan = demoPointScan({ points: intOption(args, 'demo', 300_000) });
        else throw new UsageError('need --project DIR --scan ID, --file PATH or --demo POINTS');
        const tLoad = performance.now();
        const scene = buildClickScene(scan);
        const tScene = performance.now();
        const segmenter = await segmenterFor(args, io);
        const p = store;
        const engine = new ClickEngine(scene, segmenter, {
          sink: p
            ? (edit: ClickLabelEdit) => {
                p.applyEdit({
                  kind: 'lift',
                  scanId: edit.scanId,
                  points: edit.ids,
                  classCode: edit.classCode,
                  // Anchors as point indices; negative clicks stored as -(index + 1).
                  clickIds: edit.anchors.map((a) => (a.positive ? a.id : -(a.id + 1))),
                  modelId: edit.segmenter,
                });
              }
            : undefined,
        });
        // --single-tree: a click on a closed canopy takes only the clicked tree's crown.
        const preview = await engine.preview({ positives, negatives, ...(args.flags.has('single-tree') ? { crowns: true } : {}) });
        let stored = false;
        if (p) {
          await engine.accept(preview.previewId, Number(classArg));
          stored = true;
        } else engine.cancel(preview.previewId);
        await segmenter.dispose();
        report(io, args, preview, stored, { load: tLoad - t0, prepare: tScene - tLoad });
        return EXIT.ok;
      } finally {
        store?.close();
      }
    });
  },
};

function report(io: CliIO, args: ParsedArgs, p: Preview, stored: boolean, setup: { load: number; prepare: number }) {
  const ms = (v: number) => Math.round(v * 10) / 10;
  const stages = Object.fromEntries(Object.entries(p.timings).map(([k, v]) => [k, ms(v)]));
  if (args.flags.has('json')) {
    io.out(JSON.stringify({ labeled: p.ids.length, stored, segmenter: p.segmenter, target: p.target, stats: p.stats, views: p.views, timingsMs: { ...stages, load: ms(setup.load), prepare: ms(setup.prepare) } }));
    return;
  }
  io.out(`labeled ${p.ids.length} ${p.target}${stored ? ' (stored as one edit)' : ' (preview only, no project)'} with ${p.segmenter}`);
  io.out(`  views ${p.views.filter((v) => v.used).length}/${p.views.length}, voted ${p.stats.voted}, grown ${p.stats.grown}, trimmed ${p.stats.trimmed}`);
  io.out(`  ms: ${Object.entries(stages).map(([k, v]) => `${k} ${v}`).join(', ')} (load ${ms(setup.load)}, prepare ${ms(setup.prepare)})`);
}
