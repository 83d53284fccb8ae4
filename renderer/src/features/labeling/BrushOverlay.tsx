import { useRef, useState } from 'react';

export interface BrushSettings {
  /** Brush radius on screen, CSS pixels. */
  radius: number;
  /** Depth band behind (and in front of) the surface under the cursor that the brush takes, metres. */
  depth: number;
}

/**
 * The brush's pointer surface over the viewer: shows the brush circle and reports stamps while the
 * left button is held (a stroke: start, stamps, end), at most one stamp per animation frame.
 */
export function BrushOverlay({
  settings,
  onStroke,
}: {
  settings: BrushSettings;
  onStroke: { start(): void; stamp(x: number, y: number): void; end(): void };
}) {
  const [cursor, setCursor] = useState<[number, number] | null>(null);
  const painting = useRef(false);
  const queued = useRef<[number, number] | null>(null);
  const local = (e: React.PointerEvent<SVGSVGElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const stampSoon = (p: [number, number]) => {
    const pending = queued.current !== null;
    queued.current = p;
    if (pending) return;
    requestAnimationFrame(() => {
      const q = queued.current;
      queued.current = null;
      if (q && painting.current) onStroke.stamp(q[0], q[1]);
    });
  };
  return (
    <svg
      className="selection-overlay active brush-overlay"
      data-testid="brush-overlay"
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        painting.current = true;
        onStroke.start();
        const p = local(e);
        onStroke.stamp(p[0], p[1]);
      }}
      onPointerMove={(e) => {
        const p = local(e);
        setCursor(p);
        if (painting.current) stampSoon(p);
      }}
      onPointerUp={(e) => {
        if (!painting.current) return;
        const q = queued.current;
        queued.current = null;
        if (q) onStroke.stamp(q[0], q[1]);
        const p = local(e);
        onStroke.stamp(p[0], p[1]);
        painting.current = false;
        onStroke.end();
      }}
      onPointerLeave={() => setCursor(null)}
    >
      {cursor && <circle cx={cursor[0]} cy={cursor[1]} r={settings.radius} />}
    </svg>
  );
}

/** Radius and depth of the brush. */
export function BrushSettingsBar({ settings, onChange }: { settings: BrushSettings; onChange(s: BrushSettings): void }) {
  return (
    <div className="brush-settings" role="group" aria-label="Brush">
      <label>
        radius{' '}
        <input
          type="range"
          min={4}
          max={120}
          value={settings.radius}
          aria-label="Brush radius (px)"
          onChange={(e) => onChange({ ...settings, radius: Number(e.currentTarget.value) })}
        />{' '}
        {settings.radius} px
      </label>
      <label>
        depth{' '}
        <input
          type="number"
          min={0.01}
          step={0.1}
          value={settings.depth}
          aria-label="Brush depth (m)"
          onChange={(e) => {
            const v = Number(e.currentTarget.value);
            if (Number.isFinite(v) && v > 0) onChange({ ...settings, depth: v });
          }}
        />{' '}
        m
      </label>
    </div>
  );
}
