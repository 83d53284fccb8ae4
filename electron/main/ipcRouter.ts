import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { apiContract, isMethodName } from '../../common/contracts/api';
import { describeZodError } from '../../common/rpc';
import type { Result } from '../../common/result';
import type { CoreSupervisor } from './coreSupervisor';
import { isAppUrl } from './security';

export const IPC_INVOKE = 'scanlabel:invoke';
export const IPC_EVENT = 'scanlabel:event';

/**
 * The only door from the renderer into the core: the sender must be our own page, the method must be
 * in the contract and the params must pass its schema, before anything is forwarded.
 */
export function installIpcRouter(core: CoreSupervisor) {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<Result<unknown>> => {
    if (!isAppUrl(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'IPC from a frame that is not ScanLabel' } };
    }
    if (typeof method !== 'string' || !isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `unknown method "${String(method)}"` } };
    }
    const parsed = apiContract[method].params.safeParse(params ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'invalid_params', message: `${method}: ${describeZodError(parsed.error)}` } };
    return core.request(method, parsed.data);
  });
}
