import { useEffect, useState } from 'react';

export interface ReviewPanelProps {
  heightRange: [number, number] | null;
  flashing: boolean;
  onFlash(on: boolean): void;
  onSlice(slice: [number, number] | null): void;
  onGround(): void;
  onLock(lock: boolean): void;
}

/** Tools to check and protect work: flash what is left, slice by height, select ground, lock labels. */
export function ReviewPanel({ heightRange, flashing, onFlash, onSlice, onGround, onLock }: ReviewPanelProps) {
  const [lo, setLo] = useState(0);
  const [hi, setHi] = useState(100);
  useEffect(() => {
    if (!heightRange) return;
    if (lo === 0 && hi === 100) onSlice(null);
    else onSlice([heightRange[0] + ((heightRange[1] - heightRange[0]) * lo) / 100, heightRange[0] + ((heightRange[1] - heightRange[0]) * hi) / 100]);
  }, [lo, hi, heightRange, onSlice]);
  return (
    <>
      <div className="row">
        <button aria-pressed={flashing} onClick={() => onFlash(!flashing)} title="Pulse unlabeled and low-confidence points">
          {flashing ? 'Stop flashing' : 'Flash unlabeled'}
        </button>
        <button onClick={onGround} title="Select the ground found by the ground filter; Enter assigns the current class">
          Select ground
        </button>
      </div>
      <div className="row">
        <button onClick={() => onLock(true)} title="Labeled points are skipped by later edits">
          Lock labeled
        </button>
        <button onClick={() => onLock(false)}>Unlock all</button>
      </div>
      {heightRange && (
        <div className="slice" aria-label="Height slice">
          <label className="check">
            low <input type="range" min={0} max={100} value={lo} aria-label="Slice bottom (%)" onChange={(e) => setLo(Math.min(Number(e.target.value), hi - 1))} />
          </label>
          <label className="check">
            high <input type="range" min={0} max={100} value={hi} aria-label="Slice top (%)" onChange={(e) => setHi(Math.max(Number(e.target.value), lo + 1))} />
          </label>
        </div>
      )}
    </>
  );
}
