import { useRef, useState } from 'react';
import { isBoxTool, type Tool } from './tools';

/**
 * Draws box and lasso gestures over the viewer and reports the polygon (canvas CSS pixels) on release;
 * a press that barely moves is reported as a click (the box prompt adds point prompts that way).
 * For the click tool it stays transparent to the pointer, so orbiting and clicking reach the canvas.
 */
export function SelectionOverlay({
  tool,
  onPolygon,
  onClick,
}: {
  tool: Tool;
  onPolygon(poly: [number, number][]): void;
  onClick?(x: number, y: number, shift: boolean): void;
}) {
  const [points, setPoints] = useState<[number, number][]>([]);
  const drawing = useRef(false);
  const active = isBoxTool(tool) || tool === 'lasso';
  const local = (e: React.PointerEvent<SVGSVGElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const shape: [number, number][] =
    isBoxTool(tool) && points.length >= 2
      ? (() => {
          const [a, b] = [points[0]!, points[points.length - 1]!];
          return [a, [b[0], a[1]], b, [a[0], b[1]]];
        })()
      : points;

  return (
    <svg
      className={active ? 'selection-overlay active' : 'selection-overlay'}
      data-testid="selection-overlay"
      onPointerDown={(e) => {
        if (!active || e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        drawing.current = true;
        setPoints([local(e)]);
      }}
      onPointerMove={(e) => {
        if (!drawing.current) return;
        const p = local(e);
        setPoints((prev) => (isBoxTool(tool) ? [prev[0]!, p] : [...prev, p]));
      }}
      onPointerUp={(e) => {
        if (!drawing.current) return;
        drawing.current = false;
        const start = points[0];
        const end = local(e);
        if (start && Math.abs(end[0] - start[0]) < 4 && Math.abs(end[1] - start[1]) < 4 && points.every((p) => Math.hypot(p[0] - start[0], p[1] - start[1]) < 4))
          onClick?.(start[0], start[1], e.shiftKey);
        else if (shape.length >= 3) onPolygon(shape);
        setPoints([]);
      }}
    >
      {shape.length >= 2 && <polygon points={shape.map((p) => p.join(',')).join(' ')} />}
    </svg>
  );
}
