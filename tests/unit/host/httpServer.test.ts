import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHostServer, type HostServer } from '../../../electron/host/httpServer';
import { createCore, type Core } from '../../../electron/services/core/core';

function get(port: number, pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

describe('host server security and blobs', () => {
  let core: Core;
  let server: HostServer;
  beforeAll(async () => {
    core = createCore({ host: 'http', projectDir: null, demo: { seed: 1, points: 5_000 } });
    await core.ready;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlabel-r-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><p>hi</p>');
    fs.writeFileSync(path.join(os.tmpdir(), 'secret.txt'), 'secret');
    server = await startHostServer({ core, port: 0, rendererDir: dir });
  });
  afterAll(async () => {
    await server.close();
    await core.close();
  });

  it('binds to loopback and prints a tokenised URL', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{20,}$`));
  });

  it('serves the renderer with a strict CSP and refuses path traversal', async () => {
    const r = await get(server.port, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'/);
    for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const r = await get(server.port, attempt);
      expect([403, 404]).toContain(r.status);
      expect(r.body.toString()).not.toContain('secret');
    }
  });

  it('requires the token for blobs and rejects foreign Host headers (DNS rebinding)', async () => {
    const blob = '/blob/scans/demo-1/chunks/0/position';
    expect((await get(server.port, blob)).status).toBe(401);
    expect((await get(server.port, `${blob}?token=wrong`)).status).toBe(401);
    expect((await get(server.port, `${blob}?token=${server.token}`, { Host: 'evil.example:80' })).status).toBe(403);
    const ok = await get(server.port, `${blob}?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBe(5_000 * 12);
    const part = await get(server.port, blob, { 'x-scanlabel-token': server.token, Range: 'bytes=4-11' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 4-11/60000');
    expect(part.body.equals(ok.body.subarray(4, 12))).toBe(true);
    expect((await get(server.port, blob, { 'x-scanlabel-token': server.token, Range: 'bytes=60000-' })).status).toBe(416);
  });

  it('refuses WebSocket connections without the token or from another origin', async () => {
    const attempt = (url: string, headers: Record<string, string> = {}) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('error', () => resolve('refused'));
      });
    const base = `ws://127.0.0.1:${server.port}/rpc`;
    expect(await attempt(base)).toBe('refused');
    expect(await attempt(`${base}?token=${server.token}`, { Origin: 'http://evil.example' })).toBe('refused');
    expect(await attempt(`${base}?token=${server.token}`)).toBe('open');
  });

  it('answers a non-JSON frame with an error instead of dropping the connection', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
    await new Promise((r) => ws.on('open', r));
    const reply = new Promise<string>((r) => ws.on('message', (d) => r(d.toString())));
    ws.send('not json');
    expect(JSON.parse(await reply)).toMatchObject({ kind: 'response', result: { ok: false, error: { code: 'invalid_params' } } });
    ws.close();
  });
});
