import path from 'node:path';
import { utilityProcess, type UtilityProcess } from 'electron';
import type { Result } from '../../common/result';
import type { RpcEvent, RpcResponse } from '../../common/rpc';
import { withMallocTuning } from '../host/mallocTuning';

/**
 * Starts the core services in a utilityProcess and forwards requests to it. If the core dies (a native
 * crash in SQLite or ONNX), pending calls fail with a readable error and the core is restarted.
 */
export class CoreSupervisor {
  private child: UtilityProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private readonly blobs = new Map<number, (b: Uint8Array | null) => void>();
  private readonly listeners = new Set<(e: RpcEvent) => void>();
  private stopping = false;

  constructor(
    private readonly entry: string,
    private readonly projectDir: string | null,
    private readonly settingsDir: string,
  ) {}

  start() {
    const child = utilityProcess.fork(path.resolve(this.entry), [], { serviceName: 'ScanLabel core', stdio: 'inherit', env: withMallocTuning(process.env) });
    child.postMessage({ kind: 'init', projectDir: this.projectDir, settingsDir: this.settingsDir });
    child.on('message', (msg: RpcResponse | RpcEvent | { kind: 'blob'; id: number; bytes: Uint8Array | null }) => {
      if (msg.kind === 'response') {
        this.pending.get(msg.id)?.(msg.result);
        this.pending.delete(msg.id);
      } else if (msg.kind === 'blob') {
        this.blobs.get(msg.id)?.(msg.bytes);
        this.blobs.delete(msg.id);
      } else if (msg.kind === 'event') {
        for (const l of this.listeners) l(msg);
      }
    });
    child.on('exit', (code) => {
      for (const [, resolve] of this.pending) resolve({ ok: false, error: { code: 'internal', message: `the ScanLabel core stopped (exit code ${code}); restarting it` } });
      this.pending.clear();
      for (const [, resolve] of this.blobs) resolve(null);
      this.blobs.clear();
      this.child = null;
      if (!this.stopping) setTimeout(() => this.start(), 500);
    });
    this.child = child;
  }

  request(method: string, params: unknown): Promise<Result<unknown>> {
    const child = this.child;
    if (!child) return Promise.resolve({ ok: false, error: { code: 'transport', message: 'the ScanLabel core is not running' } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      child.postMessage({ kind: 'request', id, method, params });
    });
  }

  readBlob(blobPath: string): Promise<Uint8Array | null> {
    const child = this.child;
    if (!child) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.blobs.set(id, resolve);
      child.postMessage({ kind: 'blob', id, path: blobPath });
    });
  }

  onEvent(listener: (e: RpcEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop() {
    this.stopping = true;
    this.child?.kill();
  }
}
