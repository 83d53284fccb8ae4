import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core } from '../services/core/core';
import { parseRange } from './range';

export interface HostOptions {
  core: Core;
  /** 0 picks a free port. */
  port: number;
  /** Built renderer (index.html + assets). */
  rendererDir: string;
  /** Per-run secret required by the WebSocket and blob routes; random when omitted. */
  token?: string;
}

export interface HostServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
};

/** Largest accepted WebSocket message: RPC carries small JSON only, bulk data goes through blob routes. */
const MAX_RPC_MESSAGE = 1 << 20;

/**
 * The browser host: the core's RPC over WebSocket, blobs over HTTP with Range support and the built
 * renderer as static files, bound to 127.0.0.1 only. The token keeps other local pages and users out;
 * the Host check defeats DNS rebinding.
 */
export async function startHostServer(options: HostOptions): Promise<HostServer> {
  const token = options.token ?? crypto.randomBytes(18).toString('base64url');
  const rendererDir = path.resolve(options.rendererDir);
  let port = options.port;

  const allowedHost = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  const hasToken = (url: URL, req: http.IncomingMessage) =>
    safeEqual(url.searchParams.get('token') ?? String(req.headers['x-scanlabel-token'] ?? ''), token);

  const csp = () =>
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ].join('; ');

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!allowedHost(req.headers.host)) return send(res, 403, 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (url.pathname.startsWith('/blob/')) {
      if (!hasToken(url, req)) return send(res, 401, 'missing or wrong token');
      return serveBlob(options.core, decodeURIComponent(url.pathname.slice('/blob/'.length)), req, res);
    }
    return serveStatic(rendererDir, url.pathname, res, csp());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_RPC_MESSAGE });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (url.pathname !== '/rpc' || !allowedHost(req.headers.host) || !originOk || !hasToken(url, req)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('message', async (data, isBinary) => {
        let message: unknown;
        try {
          if (isBinary) throw new Error('binary frames are not RPC');
          message = JSON.parse(data.toString());
        } catch {
          ws.send(JSON.stringify({ kind: 'response', id: 0, result: { ok: false, error: { code: 'invalid_params', message: 'message is not JSON' } } }));
          return;
        }
        const response = await options.core.handle(message);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
      });
    });
  });

  const unsubscribe = options.core.onEvent((event) => {
    const text = JSON.stringify(event);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() waits for every open connection to end; a browser keeps its keep-alive ones open.
      server.closeAllConnections();
      await closed;
    },
  };
}

function serveBlob(core: Core, blobPath: string, req: http.IncomingMessage, res: http.ServerResponse) {
  const bytes = core.readBlob(blobPath);
  if (!bytes) return send(res, 404, `no blob "${blobPath}"`);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Cache-Control', 'no-store');
  const range = parseRange(req.headers.range, bytes.byteLength);
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${bytes.byteLength}`);
    return send(res, 416, 'range not satisfiable');
  }
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${bytes.byteLength}`);
  res.writeHead(range ? 206 : 200, { 'Content-Length': body.byteLength });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function serveStatic(root: string, pathname: string, res: http.ServerResponse, csp: string) {
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = path.resolve(root, rel);
  if (file !== root && !file.startsWith(root + path.sep)) return send(res, 403, 'outside the renderer folder');
  fs.stat(file, (error, stat) => {
    if (error || !stat.isFile()) return send(res, 404, 'not found');
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    res.setHeader('Content-Type', type);
    if (type.startsWith('text/html')) res.setHeader('Content-Security-Policy', csp);
    res.setHeader('Content-Length', stat.size);
    res.writeHead(200);
    fs.createReadStream(file).pipe(res);
  });
}

function send(res: http.ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
