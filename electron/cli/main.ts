import { runCli } from './run';

// Entry of the `scanlabel` binary (bin/scanlabel.js has already applied the core's malloc settings,
// see host/mallocTuning.ts). `serve` resolves only once the server has stopped.
// A reader that stops early (`scanlabel info F | head`) is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await runCli(process.argv.slice(2));
