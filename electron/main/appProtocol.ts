import fs from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { parseRange } from '../host/range';
import type { CoreSupervisor } from './coreSupervisor';
import { CONTENT_SECURITY_POLICY } from './security';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** Must run before app 'ready': scan:// behaves like https (standard, secure, fetch-able). */
export function registerAppScheme() {
  protocol.registerSchemesAsPrivileged([{ scheme: 'scan', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

/** scan://app/ serves the built renderer; scan://app/blob/... serves the core's binary data with Range support. */
export function handleAppProtocol(rendererDir: string, core: CoreSupervisor) {
  const root = path.resolve(rendererDir);
  protocol.handle('scan', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    if (rel.startsWith('blob/')) {
      const bytes = await core.readBlob(rel.slice('blob/'.length));
      if (!bytes) return new Response('no such blob', { status: 404 });
      const range = parseRange(request.headers.get('range') ?? undefined, bytes.byteLength);
      if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${bytes.byteLength}` } });
      const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes' };
      if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${bytes.byteLength}`;
      return new Response(new Uint8Array(body), { status: range ? 206 : 200, headers });
    }
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return new Response('forbidden', { status: 403 });
    try {
      const data = await fs.readFile(file);
      const type = MIME[path.extname(file)] ?? 'application/octet-stream';
      const headers: Record<string, string> = { 'Content-Type': type };
      if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
      return new Response(data, { headers });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
