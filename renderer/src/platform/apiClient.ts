import { apiEvents, type EventName, type EventPayload, type MethodName, type ParamsIn, type ResultOf } from '../../../common/contracts/api';
import type { Result } from '../../../common/result';
import type { Transport } from './transport';

/**
 * Typed proxy over a transport: `client.call('scans.view', { scanId })` is checked against the shared
 * contract at compile time; the trusted side validates again at run time.
 */
export class ApiClient {
  constructor(readonly transport: Transport) {}

  call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<ResultOf<M>>> {
    return this.transport.request(method, params) as Promise<Result<ResultOf<M>>>;
  }

  /** Like call, but throws the service error (for UI code paths that show errors through one handler). */
  async get<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<ResultOf<M>> {
    const r = await this.call(method, params);
    if (!r.ok) throw new ApiError(r.error.code, r.error.message);
    return r.value;
  }

  on<E extends EventName>(topic: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.transport.onEvent((event) => {
      if (event.topic !== topic) return;
      const parsed = apiEvents[topic].safeParse(event.payload);
      if (parsed.success) listener(parsed.data as EventPayload<E>);
    });
  }

  fetchBlob(path: string, range?: { start: number; end: number }) {
    return this.transport.fetchBlob(path, range);
  }

  /** URL and headers for a blob that a Web Worker may fetch itself, or null when only fetchBlob can reach it. */
  blobRequest(path: string): { url: string; headers: Record<string, string> } | null {
    return this.transport.blobRequest?.(path) ?? null;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
