import { runCli } from './run';

// Entry of the `scanlabel` binary. `serve` resolves only once the server has stopped.
process.exitCode = await runCli(process.argv.slice(2));
