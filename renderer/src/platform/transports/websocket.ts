import type { Result } from '../../../../common/result';
import { RpcMessage, type RpcEvent } from '../../../../common/rpc';
import type { Transport } from '../transport';

/** The subset of the WebSocket API used here, so Node tests can pass the `ws` package's class. */
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

const OPEN = 1;

/** RPC over a WebSocket to `scanlabel serve`, blobs over HTTP with the same per-run token. */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket' as const;
  private readonly socket: WebSocketLike;
  private readonly opened: Promise<void>;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private readonly listeners = new Set<(e: RpcEvent) => void>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    Ctor: WebSocketCtor = globalThis.WebSocket as unknown as WebSocketCtor,
  ) {
    const wsUrl = new URL('rpc', baseUrl);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.searchParams.set('token', token);
    this.socket = new Ctor(wsUrl.toString());
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', () => resolve());
      this.socket.addEventListener('error', () => reject(new Error(`cannot connect to ${baseUrl}`)));
    });
    this.opened.catch(() => undefined);
    this.socket.addEventListener('close', () => {
      this.closed = true;
      for (const [, resolve] of this.pending)
        resolve({ ok: false, error: { code: 'transport', message: 'connection to the ScanLabel core closed' } });
      this.pending.clear();
    });
    this.socket.addEventListener('message', (event) => this.receive(event.data));
  }

  private receive(data: unknown) {
    let parsed: ReturnType<typeof RpcMessage.parse>;
    try {
      parsed = RpcMessage.parse(JSON.parse(String(data)));
    } catch {
      return; // a malformed frame from the host is dropped, never crashes the UI
    }
    if (parsed.kind === 'response') {
      const resolve = this.pending.get(parsed.id);
      this.pending.delete(parsed.id);
      resolve?.(parsed.result as Result<unknown>);
    } else if (parsed.kind === 'event') {
      for (const l of this.listeners) l(parsed);
    }
  }

  async request(method: string, params: unknown): Promise<Result<unknown>> {
    try {
      await this.opened;
    } catch (e) {
      return { ok: false, error: { code: 'transport', message: (e as Error).message } };
    }
    if (this.closed || this.socket.readyState !== OPEN) {
      return { ok: false, error: { code: 'transport', message: 'connection to the ScanLabel core is closed' } };
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ kind: 'request', id, method, params }));
    });
  }

  onEvent(listener: (e: RpcEvent) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async fetchBlob(path: string, range?: { start: number; end: number }): Promise<ArrayBuffer> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { 'x-scanlabel-token': this.token };
    if (range) headers.Range = `bytes=${range.start}-${range.end}`;
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`blob ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.arrayBuffer();
  }

  blobRequest(path: string) {
    return { url: new URL(path, this.baseUrl).toString(), headers: { 'x-scanlabel-token': this.token } };
  }

  close() {
    this.socket.close();
  }
}
