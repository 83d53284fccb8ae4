import fs from 'node:fs';
import path from 'node:path';

const MAX_RECENT = 10;

/**
 * The most recently opened project folders, newest first, in a small JSON file in the user's settings
 * folder. A missing or damaged file is an empty list: recents are a convenience, never a reason to fail.
 */
export class RecentProjects {
  constructor(private readonly file: string | null) {}

  list(): string[] {
    if (!this.file) return [];
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      return [];
    }
  }

  add(dir: string) {
    if (!this.file) return;
    const next = [dir, ...this.list().filter((d) => d !== dir)].slice(0, MAX_RECENT);
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(next, null, 2));
      fs.renameSync(tmp, this.file);
    } catch {
      // best effort: an unwritable settings folder must not break opening a project
    }
  }
}
