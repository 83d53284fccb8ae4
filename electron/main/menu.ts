import { BrowserWindow, dialog, Menu, type MenuItemConstructorOptions } from 'electron';
import type { UiCommand } from '../../common/contracts/api';
import type { CoreSupervisor } from './coreSupervisor';
import { IPC_EVENT } from './ipcRouter';

const SCAN_EXTENSIONS = ['las', 'laz', 'ply', 'pcd', 'e57', 'xyz', 'txt', 'csv', 'obj', 'gltf', 'glb'];

/** Sends a menu action to the page, which performs it exactly as its own button or key would. */
function uiCommand(command: UiCommand) {
  BrowserWindow.getFocusedWindow()?.webContents.send(IPC_EVENT, 'ui.command', { command });
}

async function showError(title: string, message: string) {
  await dialog.showMessageBox({ type: 'error', title, message });
}

/** The application menu: the same actions as the browser host's buttons, plus native file dialogs. */
export function buildMenu(core: CoreSupervisor) {
  const openScan = async () => {
    const r = await dialog.showOpenDialog({ title: 'Import scan', properties: ['openFile'], filters: [{ name: 'Scans and meshes', extensions: SCAN_EXTENSIONS }] });
    const file = r.filePaths[0];
    if (r.canceled || !file) return;
    const result = await core.request('scans.import', { path: file });
    if (!result.ok) await showError('Import failed', result.error.message);
  };
  const openProject = async (create: boolean) => {
    const r = await dialog.showOpenDialog({ title: create ? 'New project folder' : 'Open project', properties: ['openDirectory', 'createDirectory'] });
    const dir = r.filePaths[0];
    if (r.canceled || !dir) return;
    const result = await core.request(create ? 'project.create' : 'project.open', { dir });
    if (!result.ok) await showError(create ? 'Cannot create the project' : 'Cannot open the project', result.error.message);
  };
  const item = (label: string, accelerator: string | undefined, click: () => void): MenuItemConstructorOptions => ({ label, ...(accelerator ? { accelerator } : {}), click });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          item('New Project…', 'CmdOrCtrl+Shift+N', () => void openProject(true)),
          item('Open Project…', 'CmdOrCtrl+O', () => void openProject(false)),
          item('Import Scan…', 'CmdOrCtrl+I', () => void openScan()),
          { type: 'separator' },
          item('Save Screenshot', 'CmdOrCtrl+Shift+S', () => uiCommand('screenshot')),
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      {
        label: 'Edit',
        submenu: [
          // Undo/redo act on labels, not on text fields: the page decides (it ignores them while typing).
          item('Undo', 'CmdOrCtrl+Z', () => uiCommand('undo')),
          item('Redo', 'CmdOrCtrl+Shift+Z', () => uiCommand('redo')),
          { type: 'separator' },
          item('Accept Preview', undefined, () => uiCommand('accept')),
          item('Cancel Preview', undefined, () => uiCommand('cancel')),
          { type: 'separator' },
          { role: 'cut' },
          { role: 'copy' },
          { role: 'paste' },
        ],
      },
      {
        label: 'View',
        submenu: [
          item('Top', undefined, () => uiCommand('view-top')),
          item('Front', undefined, () => uiCommand('view-front')),
          item('Side', undefined, () => uiCommand('view-side')),
          item('Reset View', undefined, () => uiCommand('view-reset')),
          { type: 'separator' },
          { role: 'togglefullscreen' },
          item('Developer Tools', 'CmdOrCtrl+Alt+I', () => BrowserWindow.getFocusedWindow()?.webContents.toggleDevTools()),
        ],
      },
      { role: 'windowMenu' },
    ]),
  );
}
