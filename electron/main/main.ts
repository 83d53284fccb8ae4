import path from 'node:path';
import { app, BrowserWindow, Menu } from 'electron';
import { handleAppProtocol, registerAppScheme } from './appProtocol';
import { CoreSupervisor } from './coreSupervisor';
import { installIpcRouter, IPC_EVENT } from './ipcRouter';
import { APP_ORIGIN, hardenApp } from './security';

/**
 * The thin Electron shell: windows, security, the scan:// protocol, the IPC router and the core's
 * utilityProcess. No domain logic lives here.
 */
const distDir = path.resolve(__dirname, '..');
const projectArg = process.argv.find((a) => a.startsWith('--project='));
const core = new CoreSupervisor(path.join(distDir, 'core', 'coreProcess.cjs'), projectArg ? projectArg.slice('--project='.length) : null);

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
  return win;
}

function buildMenu() {
  const focused = () => BrowserWindow.getFocusedWindow();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      {
        label: 'View',
        submenu: [{ role: 'reload' }, { role: 'togglefullscreen' }, { type: 'separator' }, { label: 'Developer tools', click: () => focused()?.webContents.toggleDevTools() }],
      },
      { role: 'windowMenu' },
    ]),
  );
}

app.whenReady().then(() => {
  core.start();
  handleAppProtocol(path.join(distDir, 'renderer'), core);
  installIpcRouter(core);
  core.onEvent((event) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT, event.topic, event.payload);
  });
  buildMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => core.stop());
