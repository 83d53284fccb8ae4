import { EVENT_NAMES } from '../../../common/contracts/allowlist';
import { ApiClient } from './apiClient';
import { ElectronTransport, type PreloadBridge } from './transports/electron';
import { WebSocketTransport } from './transports/websocket';

/**
 * Picks the transport for where the renderer runs: Electron (a preload bridge on window.scanlabel)
 * or the browser host (a WebSocket back to the page's origin with the per-run token from the URL).
 */
export function connect(): ApiClient {
  const bridge = (window as unknown as { scanlabel?: PreloadBridge }).scanlabel;
  if (bridge) return new ApiClient(new ElectronTransport(bridge, EVENT_NAMES));
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('This page needs the token from the URL that "scanlabel serve" printed.');
  return new ApiClient(new WebSocketTransport(location.origin + '/', token));
}
