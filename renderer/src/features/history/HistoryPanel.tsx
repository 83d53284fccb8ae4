import type { History } from '../../../../common/contracts/project';

const fmt = (n: number) => n.toLocaleString('en');

/** The scan's edit log, newest first, with undo/redo (Ctrl+Z / Ctrl+Shift+Z). */
export function HistoryPanel({ history, onUndo, onRedo }: { history: History | null; onUndo(): void; onRedo(): void }) {
  return (
    <>
      <div className="row">
        <button onClick={onUndo} disabled={!history?.canUndo} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button onClick={onRedo} disabled={!history?.canRedo} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
      </div>
      {history && history.entries.length > 0 ? (
        <ol className="history" aria-label="History">
          {history.entries.slice(0, 50).map((e) => (
            <li key={e.editId} className={e.state === 'undone' ? 'undone' : ''}>
              #{e.editId} {e.kind} · {fmt(e.pointCount)} pts
              {typeof e.params.classCode === 'number' ? ` → ${e.params.classCode}` : ''}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No edits yet.</p>
      )}
    </>
  );
}
