import { intOption, option, requireOption, UsageError } from '../args';
import { EXIT, type CliCommand } from '../command';
import { isPresetId, PRESET_IDS, ProjectStore } from '../../services/labels/index';
import { handleFailures, withProject } from './projectStoreCli';

export const projectCreateCommand: CliCommand = {
  name: 'project create',
  summary: 'create a project folder (project.sqlite + sidecars) with a class schema preset',
  usage: `project create DIR [--schema ${PRESET_IDS.join('|')}] [--name NAME] [--json]`,
  booleanFlags: ['json'],
  async run(args, io) {
    const dir = args.positionals[0];
    if (!dir) throw new UsageError('missing DIR');
    const schema = option(args, 'schema') ?? 'asprs';
    if (!isPresetId(schema)) throw new UsageError(`--schema must be one of ${PRESET_IDS.join(', ')}`);
    const name = option(args, 'name');
    return handleFailures(io, () => {
      const p = ProjectStore.create(dir, { schema, ...(name ? { name } : {}) });
      const info = p.info();
      p.close();
      io.out(args.flags.has('json') ? JSON.stringify(info) : info.dir);
      return EXIT.ok;
    });
  },
};

export const projectAddScanCommand: CliCommand = {
  name: 'project add-scan',
  summary: 'register a scan entry by point count (importers call registerScan; this is for scripting and tests)',
  usage: 'project add-scan DIR --name NAME --points N [--format F] [--source PATH] [--crs CRS] [--id ID] [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    const dir = args.positionals[0];
    if (!dir) throw new UsageError('missing DIR');
    const name = requireOption(args, 'name');
    const points = intOption(args, 'points', -1);
    if (points < 0) throw new UsageError('--points N is required (N >= 0)');
    const id = option(args, 'id');
    return withProject(dir, io, (p) => {
      const scan = p.registerScan({
        name,
        pointCount: points,
        format: option(args, 'format') ?? 'unknown',
        sourcePath: option(args, 'source') ?? null,
        crs: option(args, 'crs') ?? null,
        ...(id ? { id } : {}),
      });
      io.out(args.flags.has('json') ? JSON.stringify(scan) : scan.id);
      return EXIT.ok;
    });
  },
};
