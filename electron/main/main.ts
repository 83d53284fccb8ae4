import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { handleAppProtocol, registerAppScheme } from './appProtocol';
import { CoreSupervisor } from './coreSupervisor';
import { installIpcRouter, IPC_EVENT } from './ipcRouter';
import { buildMenu } from './menu';
import { APP_ORIGIN, hardenApp } from './security';

/**
 * The thin Electron shell: windows, security, the scan:// protocol, the IPC router and the core's
 * utilityProcess. No domain logic lives here.
 */
const distDir = path.resolve(__dirname, '..');
const projectArg = process.argv.find((a) => a.startsWith('--project='));
const core = new CoreSupervisor(path.join(distDir, 'core', 'coreProcess.cjs'), projectArg ? projectArg.slice('--project='.length) : null, app.getPath('userData'));

registerAppScheme();
hardenApp();

function createWindow() {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'ScanLabel',
    backgroundColor: '#15171c',
    webPreferences: {
      preload: path.join(distDir, 'preload', 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  // Dropping a file on the window makes Chromium navigate to its file:// URL; navigation is blocked
  // (see security.ts), so the drop is turned into an import instead. This keeps the preload minimal.
  win.webContents.on('will-navigate', (_event, url) => {
    if (!url.startsWith('file://')) return;
    void core.request('scans.import', { path: fileURLToPath(url) });
  });
  return win;
}

app.whenReady().then(() => {
  core.start();
  handleAppProtocol(path.join(distDir, 'renderer'), core);
  installIpcRouter(core);
  core.onEvent((event) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT, event.topic, event.payload);
  });
  buildMenu(core);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => core.stop());
