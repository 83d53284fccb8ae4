/** Opacity of the per-face label overlay drawn over a mesh's texture (0 = texture only, 1 = class colours only). */
export function MeshOpacity({ faces, opacity, onChange }: { faces: number; opacity: number; onChange: (opacity: number) => void }) {
  return (
    <div className="mesh-opacity">
      <p className="muted">{faces.toLocaleString('en')} faces, labeled per face</p>
      <label>
        Label opacity{' '}
        <input
          type="range"
          aria-label="Label overlay opacity"
          min={0}
          max={1}
          step={0.05}
          value={opacity}
          onChange={(e) => onChange(Number(e.currentTarget.value))}
        />{' '}
        {Math.round(opacity * 100)}%
      </label>
    </div>
  );
}
