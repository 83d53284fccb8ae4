import { useState } from 'react';

/** The open project, a folder field to open or create one, and the recent projects. */
export function ProjectPanel({
  projectDir,
  recent,
  onOpen,
}: {
  projectDir: string | null;
  recent: string[];
  onOpen(dir: string, create: boolean): void;
}) {
  const [dir, setDir] = useState('');
  return (
    <>
      <p className="muted" data-testid="project-dir">
        {projectDir ?? 'No project open: open or create one to label and save.'}
      </p>
      <form
        className="import"
        onSubmit={(e) => {
          e.preventDefault();
          if (dir.trim()) onOpen(dir.trim(), false);
        }}
      >
        <input type="text" placeholder="/path/to/project" aria-label="Project folder" value={dir} onChange={(e) => setDir(e.target.value)} />
        <button type="submit" disabled={!dir.trim()}>
          Open
        </button>
        <button type="button" disabled={!dir.trim()} onClick={() => onOpen(dir.trim(), true)}>
          New
        </button>
      </form>
      {recent.filter((r) => r !== projectDir).length > 0 && (
        <ul className="recent" aria-label="Recent projects">
          {recent
            .filter((r) => r !== projectDir)
            .map((r) => (
              <li key={r}>
                <button className="link" onClick={() => onOpen(r, false)} title={r}>
                  {r}
                </button>
              </li>
            ))}
        </ul>
      )}
    </>
  );
}
