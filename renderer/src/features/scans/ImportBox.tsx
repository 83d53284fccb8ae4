import { useState } from 'react';

/**
 * Imports a scan by path. The core reads the file where it runs (the same machine), so a path is all
 * it needs; in the desktop app the File menu's Open dialog fills it.
 */
export function ImportBox({ onImport, disabled }: { onImport(path: string): void; disabled: boolean }) {
  const [path, setPath] = useState('');
  return (
    <form
      className="import"
      onSubmit={(e) => {
        e.preventDefault();
        if (path.trim()) onImport(path.trim());
      }}
    >
      <input
        type="text"
        placeholder="/path/to/scan.las"
        aria-label="Scan file path"
        value={path}
        disabled={disabled}
        onChange={(e) => setPath(e.target.value)}
      />
      <button type="submit" disabled={disabled || !path.trim()}>
        Import
      </button>
    </form>
  );
}
