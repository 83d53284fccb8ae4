import type { ClipBox, Vec3 } from '../../viewer/clipBox';

export interface ClipBoxPanelProps {
  /** The current box, scan frame; null = off. */
  box: ClipBox | null;
  /** The scan's float64 origin: fields show file coordinates (origin + scan frame). */
  origin: Vec3;
  /** The scan's bounds (scan frame): the box a reset or "on" starts from. */
  bounds: ClipBox | null;
  canFitSelection: boolean;
  onChange(box: ClipBox | null): void;
  onFitSelection(): void;
  onFitView(): void;
}

const AXES = ['x', 'y', 'z'] as const;

/**
 * The clipping box: on/off, its corners as numbers in file coordinates (committed on Enter or when a
 * field loses focus, so typing is never fought), fit to the selection or to what is in view, reset.
 */
export function ClipBoxPanel({ box, origin, bounds, canFitSelection, onChange, onFitSelection, onFitView }: ClipBoxPanelProps) {
  const field = (corner: 'min' | 'max', k: number) => {
    const shown = box ? box[corner][k]! + origin[k]! : null;
    const commit = (text: string) => {
      const v = Number(text);
      if (!box || text.trim() === '' || !Number.isFinite(v)) return;
      const next: ClipBox = { min: [...box.min], max: [...box.max] };
      next[corner][k] = v - origin[k]!;
      onChange(next);
    };
    return (
      <input
        key={`${corner}${k}:${shown ?? ''}`}
        type="number"
        step="any"
        disabled={!box}
        aria-label={`Clip ${corner} ${AXES[k]}`}
        defaultValue={shown === null ? '' : shown.toFixed(2)}
        onBlur={(e) => commit(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && commit(e.currentTarget.value)}
      />
    );
  };
  return (
    <div className="clip-box">
      <label className="check">
        <input type="checkbox" aria-label="Clip box" checked={!!box} disabled={!bounds} onChange={(e) => onChange(e.currentTarget.checked ? bounds : null)} />{' '}
        show only what is inside the box
      </label>
      <div className="clip-grid">
        <span />
        <span className="muted">min</span>
        <span className="muted">max</span>
        {AXES.map((a, k) => [
          <span key={a} className="muted">
            {a}
          </span>,
          field('min', k),
          field('max', k),
        ])}
      </div>
      <div className="row">
        <button disabled={!canFitSelection} onClick={onFitSelection} title="Fit the box around the current selection or preview">
          Fit to selection
        </button>
        <button disabled={!bounds} onClick={onFitView} title="Fit the box around what is in view">
          Fit to view
        </button>
        <button disabled={!box} onClick={() => onChange(bounds)} title="Back to the whole scan">
          Reset box
        </button>
      </div>
    </div>
  );
}
