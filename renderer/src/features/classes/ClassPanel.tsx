import type { LabelClass, LabelStats } from '../../../../common/contracts/project';

const fmt = (n: number) => n.toLocaleString('en');

export interface ClassPanelProps {
  classes: LabelClass[];
  stats: LabelStats | null;
  activeCode: number | null;
  hidden: ReadonlySet<number>;
  onActivate(code: number): void;
  onColor(code: number, color: string): void;
  onToggleHidden(code: number): void;
  isolated: number | null;
  onIsolate(code: number | null): void;
  /** What is labeled: points, or faces for a mesh scan. */
  noun?: 'point' | 'face';
}

/** The project's classes: colour, name, hotkey, point count; click to make current, eye to hide. */
export function ClassPanel({ classes, stats, activeCode, hidden, onActivate, onColor, onToggleHidden, isolated, onIsolate, noun = 'point' }: ClassPanelProps) {
  if (classes.length === 0) return <p className="muted">Open a project to label.</p>;
  const counts = new Map(stats?.classes.map((c) => [c.code, c.count]) ?? []);
  return (
    <>
      {stats && (
        <p className="muted" data-testid="labeled-share">
          {fmt(stats.labeled)} of {fmt(stats.total)} {noun}s labeled ({stats.total ? ((100 * stats.labeled) / stats.total).toFixed(1) : '0.0'}%)
        </p>
      )}
      <ul className="classes" aria-label="Classes">
        {classes.map((c) => (
          <li key={c.code} className={c.code === activeCode ? 'class-row active' : 'class-row'} data-code={c.code}>
            <input
              type="color"
              value={c.color}
              aria-label={`Colour of ${c.name}`}
              onChange={(e) => onColor(c.code, e.target.value)}
            />
            <button className="class-name" onClick={() => onActivate(c.code)} aria-pressed={c.code === activeCode}>
              {c.hotkey && <kbd>{c.hotkey}</kbd>} {c.name}
            </button>
            <span className="class-count">{fmt(counts.get(c.code) ?? 0)}</span>
            <button
              className="link eye"
              aria-label={`${hidden.has(c.code) ? 'Show' : 'Hide'} ${c.name}`}
              aria-pressed={hidden.has(c.code)}
              onClick={() => onToggleHidden(c.code)}
            >
              {hidden.has(c.code) ? 'show' : 'hide'}
            </button>
            <button
              className="link"
              aria-label={`Show only ${c.name}`}
              aria-pressed={isolated === c.code}
              onClick={() => onIsolate(isolated === c.code ? null : c.code)}
            >
              {isolated === c.code ? 'all' : 'only'}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
