import { readFileSync } from 'node:fs';
import { intOption, option, requireOption, UsageError, type ParsedArgs } from '../args';
import { EXIT, type CliCommand, type CliIO } from '../command';
import { BadInputError } from '../../services/errors';
import { parseIndexFile, type ProjectStore } from '../../services/labels/index';
import type { EditResult } from '../../../common/contracts/project';
import { withProject } from './projectStoreCli';

function readIds(args: ParsedArgs): Uint32Array {
  const file = requireOption(args, 'ids');
  const format = option(args, 'ids-format') ?? 'auto';
  if (format !== 'auto' && format !== 'text' && format !== 'u32') throw new UsageError('--ids-format must be auto, text or u32');
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new BadInputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const ids = parseIndexFile(bytes, file, format);
  if (ids.length === 0) throw new BadInputError(file, 'holds no point indices');
  return ids;
}

/** A class given as a code or, for convenience, by name in the layer's schema. */
function classCode(p: ProjectStore, value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const hit = p.listClasses().find((c) => c.name.toLowerCase() === value.toLowerCase());
  if (!hit) throw new UsageError(`unknown class "${value}"`);
  return hit.code;
}

function printEdit(io: CliIO, args: ParsedArgs, r: EditResult | null, none: string): number {
  if (args.flags.has('json')) io.out(JSON.stringify(r ?? { editId: null }));
  else if (r) io.out(String(r.editId));
  else io.err(none);
  return EXIT.ok;
}

const target = (args: ParsedArgs) => ({ dir: requireOption(args, 'project'), scanId: requireOption(args, 'scan') });

export const labelsSetCommand: CliCommand = {
  name: 'labels set',
  summary: 'assign a class to the points listed in FILE (one index per line, or uint32 LE); prints the edit id once committed',
  usage: 'labels set --project DIR --scan ID --ids FILE --class CODE [--layer NAME] [--instance N] [--include-locked] [--ids-format auto|text|u32] [--json]',
  booleanFlags: ['json', 'include-locked'],
  async run(args, io) {
    const { dir, scanId } = target(args);
    const cls = requireOption(args, 'class');
    const instance = option(args, 'instance') === undefined ? undefined : intOption(args, 'instance', 0);
    const layer = option(args, 'layer');
    const points = readIds(args);
    return withProject(dir, io, (p) => {
      const r = p.applyEdit({
        kind: 'assign',
        scanId,
        points,
        classCode: classCode(p, cls),
        includeLocked: args.flags.has('include-locked'),
        ...(layer ? { layer } : {}),
        ...(instance !== undefined ? { instance } : {}),
      });
      return printEdit(io, args, r, '');
    });
  },
};

export const labelsUndoCommand: CliCommand = {
  name: 'labels undo',
  summary: 'undo the latest applied edit of a scan; prints its id',
  usage: 'labels undo --project DIR --scan ID [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    const { dir, scanId } = target(args);
    return withProject(dir, io, (p) => printEdit(io, args, p.undo(scanId), 'nothing to undo'));
  },
};

export const labelsRedoCommand: CliCommand = {
  name: 'labels redo',
  summary: 'redo the earliest undone edit of a scan; prints its id',
  usage: 'labels redo --project DIR --scan ID [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    const { dir, scanId } = target(args);
    return withProject(dir, io, (p) => printEdit(io, args, p.redo(scanId), 'nothing to redo'));
  },
};

export const labelsLockCommand: CliCommand = {
  name: 'labels lock',
  summary: 'lock labeled points (optionally only some classes) so edits skip them; --unlock releases them',
  usage: 'labels lock --project DIR --scan ID [--classes 2,6] [--layer NAME] [--unlock] [--json]',
  booleanFlags: ['json', 'unlock'],
  async run(args, io) {
    const { dir, scanId } = target(args);
    const list = option(args, 'classes');
    const layer = option(args, 'layer');
    return withProject(dir, io, (p) => {
      const classes = list?.split(',').map((s) => classCode(p, s.trim()));
      const r = p.applyEdit({ kind: args.flags.has('unlock') ? 'unlock' : 'lock', scanId, ...(classes ? { classes } : {}), ...(layer ? { layer } : {}) });
      return printEdit(io, args, r, '');
    });
  },
};

export const labelsStatsCommand: CliCommand = {
  name: 'labels stats',
  summary: 'per-class point counts of a label layer, labeled and total',
  usage: 'labels stats --project DIR --scan ID [--layer NAME] [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    const { dir, scanId } = target(args);
    const layer = option(args, 'layer') ?? 'user';
    return withProject(dir, io, (p) => {
      const s = p.stats(scanId, layer);
      if (args.flags.has('json')) io.out(JSON.stringify(s));
      else {
        io.out(`scan ${s.scanId} layer ${s.layer}: ${s.labeled} of ${s.total} points labeled, ${s.locked} locked`);
        for (const c of s.classes) io.out(`  ${String(c.code).padStart(5)}  ${String(c.count).padStart(10)}  ${c.name ?? '(not in schema)'}`);
      }
      return EXIT.ok;
    });
  },
};

export const labelsHistoryCommand: CliCommand = {
  name: 'labels history',
  summary: 'the edit history of a scan, newest first',
  usage: 'labels history --project DIR --scan ID [--limit N] [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    const { dir, scanId } = target(args);
    const limit = intOption(args, 'limit', 20);
    return withProject(dir, io, (p) => {
      const h = p.history(scanId, limit);
      if (args.flags.has('json')) io.out(JSON.stringify(h));
      else for (const e of h.entries) io.out(`${e.editId}\t${e.state}\t${e.kind}\t${e.layer}\t${e.pointCount} points`);
      return EXIT.ok;
    });
  },
};
