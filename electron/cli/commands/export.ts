import { EXPORT_FORMATS, exportScan, isExportFormat, LAZ_UNAVAILABLE, type ExportOptions } from '../../services/export/index';
import { ProjectStore } from '../../services/labels/index';
import { option, requireOption, UsageError } from '../args';
import { EXIT, type CliCommand, type CliIO } from '../command';
import { handleFailures } from './projectStoreCli';

/** Export only reads the project: opened read-only, so no migrations run and no writer lock is taken. */
async function readOnlyProject(dir: string, io: CliIO, fn: (p: ProjectStore) => Promise<number>): Promise<number> {
  return handleFailures(io, async () => {
    const p = ProjectStore.open(dir, { readOnly: true });
    try {
      return await fn(p);
    } finally {
      p.close();
    }
  });
}

/** --classes 2,6 or --classes Ground,Building (codes or names of the layer's schema; repeatable). */
function parseClasses(values: string[] | undefined, store: ProjectStore, scanId: string, layer: string): number[] | null {
  if (!values) return null;
  const schemaId = store.listLayers(scanId).find((l) => l.name === layer)?.schemaId;
  const classes = store.listClasses(schemaId);
  const codes: number[] = [];
  for (const token of values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean)) {
    const byCode = /^\d+$/.test(token) ? classes.find((c) => c.code === Number(token)) : undefined;
    const byName = classes.find((c) => c.name.toLowerCase() === token.toLowerCase());
    const c = byCode ?? byName;
    if (!c) throw new UsageError(`--classes: "${token}" is neither a class code nor a class name of the schema (${classes.map((x) => `${x.code} ${x.name}`).join(', ')})`);
    codes.push(c.code);
  }
  if (codes.length === 0) throw new UsageError('--classes needs at least one class');
  return codes;
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export a labeled scan (labels of the user layer; LAS from a LAS source keeps records, VLRs and coordinates bit-exact, other sources become LAS 1.4)',
  usage: `export --project DIR --scan ID --format ${EXPORT_FORMATS.join('|')} --out PATH [--classes C1,C2] [--labeled-only] [--layer NAME] [--merge-predicted [--min-confidence N]] [--unlabeled-code N] [--las-version 1.2|1.4] [--keep-source-class] [--json]`,
  booleanFlags: ['json', 'labeled-only', 'merge-predicted', 'keep-source-class'],
  async run(args, io) {
    const dir = requireOption(args, 'project');
    const scanId = requireOption(args, 'scan');
    const format = requireOption(args, 'format');
    const out = requireOption(args, 'out');
    if (!isExportFormat(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    if (format === 'laz') {
      // Refused before the project is opened: a capability of the build, not of the user's data.
      io.err(`scanlabel export: ${LAZ_UNAVAILABLE}`);
      return EXIT.badInput;
    }
    const lasVersion = option(args, 'las-version');
    if (lasVersion !== undefined && lasVersion !== '1.2' && lasVersion !== '1.4') throw new UsageError('--las-version must be 1.2 or 1.4');
    const intOf = (key: string, min: number, max: number): number | undefined => {
      const v = option(args, key);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${key} must be an integer from ${min} to ${max}, got "${v}"`);
      return n;
    };
    const unlabeledCode = intOf('unlabeled-code', -1, 0xffffffff);
    const minConfidence = intOf('min-confidence', 0, 255);
    const layer = option(args, 'layer') ?? 'user';
    return readOnlyProject(dir, io, async (store) => {
      const options: ExportOptions = {
        scanId,
        format,
        out,
        layer,
        classes: parseClasses(args.options.get('classes'), store, scanId, layer),
        labeledOnly: args.flags.has('labeled-only'),
        mergePredicted: args.flags.has('merge-predicted'),
        keepSourceClass: args.flags.has('keep-source-class'),
        ...(unlabeledCode !== undefined ? { unlabeledCode } : {}),
        ...(minConfidence !== undefined ? { minConfidence } : {}),
        ...(lasVersion ? { lasVersion } : {}),
      };
      const r = await exportScan(store, options);
      io.out(args.flags.has('json') ? JSON.stringify(r) : `${r.out}: ${r.pointsWritten} points${r.facesWritten ? `, ${r.facesWritten} faces` : ''} (${format})`);
      return EXIT.ok;
    });
  },
};
