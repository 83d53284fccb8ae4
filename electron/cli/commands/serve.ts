import fs from 'node:fs';
import path from 'node:path';
import { intOption, option, UsageError } from '../args';
import { EXIT, type CliCommand } from '../command';
import { startHostServer } from '../../host/httpServer';
import { packageRoot } from '../../host/packageRoot';
import { createHostCore } from '../../host/demoProject';
import { defaultSettingsDir } from '../../host/settingsDir';

/** How long a stop may take before serve exits anyway (jobs are cancelled first; most stop at once). */
const STOP_GRACE_MS = 10_000;

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run ScanLabel in a browser: core services + HTTP/WebSocket on 127.0.0.1, prints the URL (Ctrl+C stops).',
  usage: 'serve [--port N] [--project DIR] [--demo-points N] [--no-demo]',
  booleanFlags: ['no-demo'],
  async run(args, io) {
    const port = intOption(args, 'port', 0);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${port}`);
    const projectDir = option(args, 'project') ?? null;
    if (projectDir !== null) fs.mkdirSync(projectDir, { recursive: true });
    const demoPoints = intOption(args, 'demo-points', 300_000);
    const rendererDir = option(args, 'renderer') ?? path.join(packageRoot(), 'dist', 'renderer');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
      io.err(`scanlabel serve: the renderer is not built (${rendererDir}/index.html missing). Run "npm run build" first.`);
      return EXIT.failure;
    }
    // Without --project the demo opens in a project of its own, so it can be labeled (and is saved) at once.
    const core = createHostCore(
      {
        host: 'http',
        projectDir: projectDir === null ? null : path.resolve(projectDir),
        demo: args.flags.has('no-demo') ? false : { seed: 1, points: demoPoints },
        settingsDir: defaultSettingsDir(),
      },
      (note) => io.err(note),
    );
    const server = await startHostServer({ core, port, rendererDir });
    io.out(`ScanLabel is running at ${server.url}`);
    io.out('Open that URL in a browser (the token in it is required). Press Ctrl+C to stop.');

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        io.out(`\nReceived ${signal}, stopping...`);
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        // Edits are on disk when acknowledged, so a job that does not stop may be cut off.
        setTimeout(() => {
          io.err(`scanlabel serve: still stopping after ${STOP_GRACE_MS / 1000} s (a job did not stop); exiting now`);
          process.exit(EXIT.failure);
        }, STOP_GRACE_MS).unref();
        void server
          .close()
          .then(() => core.close())
          .then(resolve);
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
    io.out('Stopped.');
    return EXIT.ok;
  },
};
