import os from 'node:os';
import path from 'node:path';

/** Per-user settings folder of the CLI/host (XDG on Linux, the platform's usual place elsewhere); SCANLABEL_SETTINGS_DIR overrides. */
export function defaultSettingsDir(): string {
  if (process.env.SCANLABEL_SETTINGS_DIR) return process.env.SCANLABEL_SETTINGS_DIR;
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'ScanLabel');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'ScanLabel');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'scanlabel');
}
