import { intOption, option, UsageError } from '../args';
import { EXIT, type CliCommand } from '../command';
import { ServiceFailure } from '../../../common/result';
import fs from 'node:fs';
import path from 'node:path';
import { importIntoProject } from '../../services/core/importIntoProject';
import { PROJECT_FILE, ProjectStore } from '../../services/labels/index';

const KNOWN_OPTIONS = new Set(['project', 'memory-budget', 'threads', 'id']);
const num = (n: number) => n.toLocaleString('en-US');

export const importCommand: CliCommand = {
  name: 'import',
  summary:
    'import a scan into a project folder (created if missing): builds its LOD octree under DIR/scans/<id>/ and prints the scan id and counts; ' +
    'files larger than the memory budget (MiB) are processed out of core; Ctrl-C cancels and leaves nothing behind',
  usage: 'import FILE --project DIR [--json] [--memory-budget MIB] [--threads N] [--id SCAN_ID]',
  booleanFlags: ['json'],
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? 'expected exactly one FILE' : 'missing FILE');
    const unknown = [...[...args.options.keys()].filter((k) => !KNOWN_OPTIONS.has(k)), ...[...args.flags].filter((f) => f !== 'json')];
    if (unknown.length) throw new UsageError(`unknown option --${unknown[0]}`);
    const project = option(args, 'project');
    if (!project) throw new UsageError('missing --project DIR');
    const budgetMiB = intOption(args, 'memory-budget', 0);
    const threads = intOption(args, 'threads', 0);
    if (budgetMiB < 0 || threads < 0) throw new UsageError('--memory-budget and --threads must be positive');
    const json = args.flags.has('json');
    const file = args.positionals[0]!;

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    let shown = -1;
    const started = performance.now();
    // The project folder becomes (or already is) a ScanLabel project: the scan gets its store row too.
    const store = fs.existsSync(path.join(project, PROJECT_FILE)) ? ProjectStore.open(project) : ProjectStore.create(project);
    try {
      const result = await importIntoProject(store, file, {
        signal: controller.signal,
        ...(budgetMiB ? { memoryBudgetBytes: budgetMiB * 1024 * 1024 } : {}),
        ...(threads ? { threads } : {}),
        ...(option(args, 'id') ? { scanId: option(args, 'id')! } : {}),
        onProgress: (fraction, message) => {
          // Progress goes to stderr in tenths, so stdout stays the result alone.
          const tenth = Math.floor(fraction * 10);
          if (json || tenth === shown) return;
          shown = tenth;
          io.err(`${String(tenth * 10).padStart(3)}%  ${message}`);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      if (json) io.out(JSON.stringify({ ...result, project, seconds: Number(seconds.toFixed(3)) }));
      else {
        io.out(result.scanId);
        io.out(
          `${num(result.pointCount)} points, ${num(result.faceCount)} faces, ${num(result.nodes)} octree nodes in ${result.levels} levels, ` +
            `${seconds.toFixed(1)} s (${result.indexing})`,
        );
      }
      return EXIT.ok;
    } catch (e) {
      if (e instanceof ServiceFailure && e.code === 'cancelled') {
        io.err('scanlabel import: cancelled; nothing was written');
        return EXIT.failure;
      }
      throw e;
    } finally {
      store.close();
      process.off('SIGINT', onSigint);
    }
  },
};
