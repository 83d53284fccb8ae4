import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, METHOD_NAMES } from '../../common/contracts/allowlist';

/**
 * The sandboxed bridge: exactly three things reach the page (invoke, on, info), and only for the
 * allowlisted method and event names. Params are still validated in main; this is the first fence.
 */
const methods = new Set<string>(METHOD_NAMES);
const events = new Set<string>(EVENT_NAMES);

contextBridge.exposeInMainWorld('scanlabel', {
  invoke(method: string, params: unknown) {
    if (!methods.has(method)) return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `"${method}" is not allowed` } });
    return ipcRenderer.invoke('scanlabel:invoke', method, params);
  },
  on(topic: string, listener: (payload: unknown) => void) {
    if (!events.has(topic)) throw new Error(`"${topic}" is not an allowed event`);
    const handler = (_e: IpcRendererEvent, t: string, payload: unknown) => {
      if (t === topic) listener(payload);
    };
    ipcRenderer.on('scanlabel:event', handler);
    return () => ipcRenderer.off('scanlabel:event', handler);
  },
  info: Object.freeze({ platform: process.platform, versions: { ...process.versions } }),
});
