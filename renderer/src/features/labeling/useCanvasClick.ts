import { useEffect, useRef } from 'react';
import type { ViewerEngine } from '../../viewer/ViewerEngine';

/**
 * Calls `onClick(x, y, shift)` for a left click on the viewer canvas that did not move (a drag is an
 * orbit, not a click). Coordinates are canvas CSS pixels.
 */
export function useCanvasClick(engine: ViewerEngine | null, enabled: boolean, onClick: (x: number, y: number, shift: boolean) => void) {
  const handler = useRef(onClick);
  handler.current = onClick;
  useEffect(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-canvas"]');
    if (!engine || !enabled || !canvas) return;
    let down: { x: number; y: number } | null = null;
    const onDown = (e: PointerEvent) => {
      if (e.button === 0) down = { x: e.clientX, y: e.clientY };
    };
    const onUp = (e: PointerEvent) => {
      if (e.button !== 0 || !down) return;
      const moved = Math.hypot(e.clientX - down.x, e.clientY - down.y);
      down = null;
      if (moved > 4) return;
      const r = canvas.getBoundingClientRect();
      handler.current(e.clientX - r.left, e.clientY - r.top, e.shiftKey);
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointerup', onUp);
    return () => {
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointerup', onUp);
    };
  }, [engine, enabled]);
}
