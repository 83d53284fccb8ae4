import { readFileSync } from 'node:fs';
import { intOption, option, UsageError } from '../args';
import { EXIT, type CliCommand } from '../command';
import { PropagationEngine } from '../../services/propagation/engine';
import { suggestClicks } from '../../services/propagation/suggest';
import { readScan } from '../../services/scans/read';

/**
 * `scanlabel suggest FILE --labels LABELS.bin --n N [--json] [--cache FILE]`: the next N places to
 * click, from the user labels in LABELS.bin (one little-endian uint16 class per point, 0 =
 * unlabelled). Runs one propagation first so the ranking knows what is uncertain. Reads files
 * rather than a project because that is what exists today; the project form (`--project DIR
 * --scan ID`) follows once the store exposes full-layer reads to the CLI.
 */
export const suggestCommand: CliCommand = {
  name: 'suggest',
  summary: 'Suggest the next places to click (largest uncertain regions, spread out)',
  usage: 'scanlabel suggest FILE [--labels LABELS.bin] [--n 10] [--cache FEATURES.bin] [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? 'expected exactly one FILE' : 'missing FILE');
    const unknown = [...args.options.keys()].filter((k) => !['labels', 'n', 'cache'].includes(k));
    if (unknown.length) throw new UsageError(`unknown option --${unknown[0]}`);
    const n = intOption(args, 'n', 10);
    if (n < 1 || n > 1000) throw new UsageError('--n must be between 1 and 1000');
    const file = args.positionals[0]!;
    const scan = await readScan(file);
    const labelsFile = option(args, 'labels');
    let userLabels = new Uint16Array(scan.pointCount);
    if (labelsFile) {
      const bytes = readFileSync(labelsFile);
      if (bytes.length !== scan.pointCount * 2) {
        io.err(`${labelsFile}: ${bytes.length} bytes, expected ${scan.pointCount * 2} (one uint16 per point of ${file})`);
        return EXIT.badInput;
      }
      userLabels = new Uint16Array(scan.pointCount);
      for (let p = 0; p < scan.pointCount; p++) userLabels[p] = bytes.readUInt16LE(p * 2);
    }
    const engine = await PropagationEngine.start({ worker: false });
    try {
      const cacheFile = option(args, 'cache');
      await engine.prepare(scan, cacheFile ? { cacheFile } : {});
      const prepared = engine.prepared!;
      const result = await engine.propagate(userLabels, null);
      const suggestions = suggestClicks({ prepared, positions: scan.positions, origin: scan.origin, userLabels, locked: null, result, n });
      if (args.flags.has('json')) io.out(JSON.stringify({ file, points: scan.pointCount, superpoints: prepared.superpoints.count, suggestions }, null, 2));
      else {
        io.out(`${suggestions.length} suggestion(s) for ${file} (${scan.pointCount.toLocaleString('en-US')} points):`);
        suggestions.forEach((s, i) =>
          io.out(`${String(i + 1).padStart(3)}. point ${s.point}  at ${s.world.map((v) => v.toFixed(3)).join(' ')}  gain ${s.gain.toFixed(1)}  ${s.reason}`),
        );
      }
      return EXIT.ok;
    } finally {
      await engine.close();
    }
  },
};
