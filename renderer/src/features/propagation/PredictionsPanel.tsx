import { useState } from 'react';
import type { SuggestionInfo } from '../../../../common/contracts/propagation';

const fmt = (n: number) => n.toLocaleString('en');

export interface PredictionsPanelProps {
  predictedCounts: Record<string, number>;
  classNames: Map<number, string>;
  suggestions: SuggestionInfo[] | null;
  onSuggest(): void;
  onGoTo(s: SuggestionInfo): void;
  onAcceptAbove(minConfidence: number): void;
  onAcceptClass(code: number): void;
}

/**
 * Propagation's output: predictions by class (accept one class, or everything above a confidence),
 * and suggested next clicks (click one to fly there).
 */
export function PredictionsPanel(p: PredictionsPanelProps) {
  const [threshold, setThreshold] = useState(80);
  const entries = Object.entries(p.predictedCounts).sort((a, b) => b[1] - a[1]);
  return (
    <>
      {entries.length === 0 ? (
        <p className="muted">Label a few objects: predictions for the rest appear here.</p>
      ) : (
        <>
          <ul className="predictions" aria-label="Predictions">
            {entries.map(([code, count]) => (
              <li key={code}>
                <span>{p.classNames.get(Number(code)) ?? `class ${code}`}</span>
                <span className="class-count">{fmt(count)}</span>
                <button className="link" onClick={() => p.onAcceptClass(Number(code))} aria-label={`Accept predicted ${p.classNames.get(Number(code)) ?? code}`}>
                  accept
                </button>
              </li>
            ))}
          </ul>
          <div className="row">
            <label className="check">
              ≥
              <input type="number" min={0} max={100} value={threshold} aria-label="Minimum confidence (%)" onChange={(e) => setThreshold(Number(e.target.value))} />%
            </label>
            <button onClick={() => p.onAcceptAbove(Math.round((threshold / 100) * 255))}>Accept confident</button>
          </div>
        </>
      )}
      <div className="row">
        <button onClick={p.onSuggest}>Suggest next clicks</button>
      </div>
      {p.suggestions && (
        <ol className="suggestions" aria-label="Suggestions">
          {p.suggestions.map((s) => (
            <li key={s.point}>
              <button className="link" onClick={() => p.onGoTo(s)} title={s.reason}>
                point {s.point} · gain {fmt(Math.round(s.gain))}
              </button>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
