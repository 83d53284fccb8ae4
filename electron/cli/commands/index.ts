import type { CliCommand } from '../command';
import { serveCommand } from './serve';
import { infoCommand } from './info';

/** Every `scanlabel` sub-command. Add new commands here (one module per command or command group). */
export const commands: CliCommand[] = [serveCommand, infoCommand];
