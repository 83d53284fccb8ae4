import { app, session, type WebContents } from 'electron';

import { APP_ORIGIN, isAppUrl } from './ipcValidation';

export { APP_ORIGIN, isAppUrl };

/** The renderer may load its own code and talk only to its own origin (RPC goes over IPC). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');


/** Hardening that applies to every web contents the app ever creates. */
export function hardenApp() {
  app.enableSandbox();
  app.on('web-contents-created', (_e, contents) => hardenContents(contents));
  app.whenReady().then(() => {
    // No camera, microphone, notifications, geolocation...: a labeling tool needs none.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
  });
}

function hardenContents(contents: WebContents) {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
