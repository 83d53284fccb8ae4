import { useEffect, useRef } from 'react';
import { ViewerEngine, type ViewerStats } from '../../viewer/ViewerEngine';
import { installTestHook } from './testHook';

/** Hosts the engine's canvas; the engine is created once and handed to the parent. */
export function ViewerPane({ onEngine, onStats }: { onEngine: (e: ViewerEngine | null) => void; onStats: (s: ViewerStats) => void }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const engine = new ViewerEngine(canvasRef.current!);
    const offStats = engine.onStats(onStats);
    const offHook = installTestHook(engine);
    onEngine(engine);
    return () => {
      offStats();
      offHook();
      onEngine(null);
      engine.dispose();
    };
  }, []);
  return <canvas ref={canvasRef} className="viewer-canvas" data-testid="viewer-canvas" tabIndex={0} />;
}
