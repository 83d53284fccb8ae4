import type { Result } from '../../../../common/result';
import type { RpcEndpoint, RpcEvent } from '../../../../common/rpc';
import type { Transport } from '../transport';

/**
 * Talks to a core in the same process (tests, a future web-worker core). Messages are structured-cloned
 * both ways so nothing passes by reference that a real transport would have to serialise.
 */
export class InMemoryTransport implements Transport {
  readonly kind = 'memory' as const;
  private nextId = 1;

  constructor(private readonly endpoint: RpcEndpoint) {}

  async request(method: string, params: unknown): Promise<Result<unknown>> {
    const response = await this.endpoint.handle(structuredClone({ kind: 'request', id: this.nextId++, method, params }));
    return structuredClone(response.result);
  }

  onEvent(listener: (e: RpcEvent) => void) {
    return this.endpoint.onEvent((e) => listener(structuredClone(e)));
  }

  async fetchBlob(path: string, range?: { start: number; end: number }): Promise<ArrayBuffer> {
    const bytes = this.endpoint.readBlob(path.replace(/^blob\//, ''));
    if (!bytes) throw new Error(`blob ${path}: not found`);
    const slice = range ? bytes.subarray(range.start, range.end + 1) : bytes;
    return slice.slice().buffer;
  }

  close() {}
}
