import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startHostServer } from '../../../electron/host/httpServer';
import { createCore, type Core, type CoreOptions } from '../../../electron/services/core/core';
import { ApiClient } from '../../../renderer/src/platform/apiClient';
import { InMemoryTransport } from '../../../renderer/src/platform/transports/memory';
import { WebSocketTransport, type WebSocketCtor } from '../../../renderer/src/platform/transports/websocket';

/** A core reached through one transport; the contract suites run the same tests over each. */
export interface Harness {
  client: ApiClient;
  core: Core;
  close(): Promise<void>;
}

export type HarnessOptions = Omit<CoreOptions, 'host' | 'validateResults'>;

export async function inMemoryHarness(options: HarnessOptions): Promise<Harness> {
  const core = createCore({ host: 'memory', validateResults: true, ...options });
  await core.ready;
  return { core, client: new ApiClient(new InMemoryTransport(core)), close: () => core.close() };
}

/** The same core behind `scanlabel serve`'s HTTP/WebSocket host, reached with the renderer's WebSocket transport. */
export async function webSocketHarness(options: HarnessOptions): Promise<Harness> {
  const core = createCore({ host: 'http', validateResults: true, ...options });
  await core.ready;
  const rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-renderer-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  const server = await startHostServer({ core, port: 0, rendererDir });
  const transport = new WebSocketTransport(`http://127.0.0.1:${server.port}/`, server.token, WebSocket as unknown as WebSocketCtor);
  return {
    core,
    client: new ApiClient(transport),
    async close() {
      transport.close();
      await server.close();
      await core.close();
    },
  };
}

/** Polls until `probe` yields a value (anything but null/undefined/false). */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The job's final info once it is no longer queued or running. */
export function waitJob(client: ApiClient, jobId: string) {
  return waitFor(async () => {
    const j = await client.get('jobs.get', { jobId });
    return j.state !== 'running' && j.state !== 'queued' ? j : null;
  });
}
