import type { Result } from '../../../common/result';
import type { RpcEvent } from '../../../common/rpc';

/**
 * How the renderer reaches the core. All transports speak the same envelope; they differ only in
 * the pipe (WebSocket to the host, Electron IPC through the preload bridge, a direct call in tests).
 */
export interface Transport {
  readonly kind: 'websocket' | 'electron' | 'memory';
  request(method: string, params: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: RpcEvent) => void): () => void;
  /** Binary data for a relative blob path (`blob/scans/...`). */
  fetchBlob(path: string, range?: { start: number; end: number }): Promise<ArrayBuffer>;
  /** An absolute URL and headers for a blob, so a Web Worker can fetch it itself; absent or null: fetch through fetchBlob. */
  blobRequest?(path: string): { url: string; headers: Record<string, string> } | null;
  close(): void;
}
