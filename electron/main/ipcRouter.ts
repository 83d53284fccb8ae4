import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { Result } from '../../common/result';
import type { CoreSupervisor } from './coreSupervisor';
import { validateInvoke } from './ipcValidation';

export const IPC_INVOKE = 'scanlabel:invoke';
export const IPC_EVENT = 'scanlabel:event';

/** The only door from the renderer into the core: nothing is forwarded before validateInvoke passes. */
export function installIpcRouter(core: CoreSupervisor) {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<Result<unknown>> => {
    const checked = validateInvoke(event.senderFrame?.url, method, params);
    if (!checked.ok) return checked;
    return core.request(checked.value.method, checked.value.params);
  });
}
