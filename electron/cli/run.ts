import { parseArgs, UsageError } from './args';
import { EXIT, type CliIO } from './command';
import { commands } from './commands/index';
import { ServiceFailure } from '../../common/result';
import { BadInputError } from '../services/errors';
import { APP_VERSION } from '../services/version';

const stdio: CliIO = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

function help(io: CliIO) {
  io.out(`scanlabel ${APP_VERSION}: label 3D scans offline\n\nUsage: scanlabel <command> [options]\n`);
  for (const c of commands) io.out(`  ${c.usage}\n      ${c.summary}`);
  io.out('\nExit codes: 0 ok, 1 failure, 2 bad input file, 64 usage error.');
}

/** Longest match of multi-word command names against the leading positionals ('labels set' before 'labels'). */
export async function runCli(argv: string[], io: CliIO = stdio): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    help(io);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === 'version') {
    io.out(APP_VERSION);
    return EXIT.ok;
  }
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  const cmd = sorted.find((c) => {
    const words = c.name.split(' ');
    return words.every((w, i) => argv[i] === w);
  });
  if (!cmd) {
    io.err(`scanlabel: unknown command "${argv[0]}". Run "scanlabel --help".`);
    return EXIT.usage;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  try {
    const args = parseArgs(rest, cmd.booleanFlags ?? []);
    if (args.flags.has('help')) {
      io.out(`Usage: scanlabel ${cmd.usage}\n${cmd.summary}`);
      return EXIT.ok;
    }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`scanlabel ${cmd.name}: ${e.message}\nUsage: scanlabel ${cmd.usage}`);
      return EXIT.usage;
    }
    if (e instanceof BadInputError) {
      io.err(`scanlabel ${cmd.name}: ${e.message}`);
      return EXIT.badInput;
    }
    // A service's expected failure (a project open elsewhere, an unknown scan) reads as its message;
    // anything else is a bug and keeps its stack.
    if (e instanceof ServiceFailure) {
      io.err(`scanlabel ${cmd.name}: ${e.message}`);
      return EXIT.failure;
    }
    io.err(`scanlabel ${cmd.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.failure;
  }
}
