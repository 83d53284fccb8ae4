import type { ViewerEngine } from '../../viewer/ViewerEngine';

/**
 * A read-only window into the viewer for end-to-end tests (what is drawn, not how it looks), so tests
 * assert state instead of comparing pixels. It exposes copies only; nothing here can change the app.
 */
export function installTestHook(engine: ViewerEngine): () => void {
  const hook = Object.freeze({ viewer: () => engine.getStats() });
  Object.defineProperty(window, '__scanlabelTest', { value: hook, configurable: true, writable: false });
  return () => {
    delete (window as { __scanlabelTest?: unknown }).__scanlabelTest;
  };
}
