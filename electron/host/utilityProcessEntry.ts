import type { Core } from '../services/core/core';
import { createHostCore } from './demoProject';

/**
 * Entry of the core when it runs inside Electron as a utilityProcess (dist/core/coreProcess.cjs).
 * Electron gives the process a `parentPort`; this module never imports 'electron' itself, so the core
 * stays free of Electron. Heavy work and native modules (SQLite, ONNX) live here, not in main, so a
 * crash in them cannot take the window down.
 */
interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export type CoreProcessMessage =
  | { kind: 'init'; projectDir: string | null; settingsDir: string }
  | { kind: 'blob'; id: number; path: string }
  | { kind: 'request'; id: number; method: string; params: unknown };

const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!port) {
  process.stderr.write('coreProcess must be started by Electron as a utilityProcess\n');
  process.exit(1);
}

let core: Core | null = null;
port.on('message', async ({ data }) => {
  const msg = data as CoreProcessMessage;
  if (msg.kind === 'init') {
    // Started without a project, the demo opens in a project of its own so it can be labeled at once.
    core = createHostCore({ host: 'electron', projectDir: msg.projectDir, settingsDir: msg.settingsDir }, (note) => process.stderr.write(`${note}\n`));
    core.onEvent((event) => port.postMessage(event));
    return;
  }
  if (!core) return;
  if (msg.kind === 'blob') {
    const bytes = core.readBlob(msg.path);
    port.postMessage({ kind: 'blob', id: msg.id, bytes: bytes ? bytes.slice() : null });
    return;
  }
  port.postMessage(await core.handle(msg));
});
