import type { CliCommand } from '../command';
import { serveCommand } from './serve';
import { infoCommand } from './info';
import { importCommand } from './import';
import { projectAddScanCommand, projectCreateCommand } from './project';
import { clickCommand } from './click';
import { modelsAddCommand, modelsListCommand, modelsVerifyCommand } from './models';
import { exportCommand } from './export';
import { suggestCommand } from './suggest';
import { evalCommand } from './eval';
import { labelsHistoryCommand, labelsLockCommand, labelsRedoCommand, labelsSetCommand, labelsStatsCommand, labelsUndoCommand } from './labels';

/** Every `scanlabel` sub-command. Add new commands here (one module per command or command group). */
export const commands: CliCommand[] = [
  serveCommand,
  infoCommand,
  importCommand,
  projectCreateCommand, projectAddScanCommand,
  labelsSetCommand, labelsUndoCommand, labelsRedoCommand, labelsStatsCommand, labelsLockCommand, labelsHistoryCommand,
  exportCommand,
  suggestCommand,
  clickCommand,
  evalCommand,
  modelsAddCommand, modelsListCommand, modelsVerifyCommand,
];
