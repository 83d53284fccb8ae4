import type { Result } from '../../../../common/result';
import type { RpcEvent } from '../../../../common/rpc';
import type { Transport } from '../transport';

/** What the preload script exposes on `window.scanlabel` (see electron/preload/preload.ts). */
export interface PreloadBridge {
  invoke(method: string, params: unknown): Promise<Result<unknown>>;
  on(topic: string, listener: (payload: unknown) => void): () => void;
  info: { platform: string; versions: Record<string, string> };
}

/** Electron IPC through the sandboxed preload bridge; blobs come from the `scan://` protocol (same origin). */
export class ElectronTransport implements Transport {
  readonly kind = 'electron' as const;
  constructor(
    private readonly bridge: PreloadBridge,
    private readonly topics: readonly string[],
  ) {}

  request(method: string, params: unknown): Promise<Result<unknown>> {
    return this.bridge.invoke(method, params);
  }

  onEvent(listener: (e: RpcEvent) => void) {
    const offs = this.topics.map((topic) => this.bridge.on(topic, (payload) => listener({ kind: 'event', topic, payload })));
    return () => offs.forEach((off) => off());
  }

  async fetchBlob(path: string, range?: { start: number; end: number }): Promise<ArrayBuffer> {
    const res = await fetch(new URL(path, location.href), range ? { headers: { Range: `bytes=${range.start}-${range.end}` } } : {});
    if (!res.ok) throw new Error(`blob ${path}: HTTP ${res.status}`);
    return res.arrayBuffer();
  }

  close() {}
}
