import fs from 'node:fs';
import path from 'node:path';
import type { PresetId } from '../../../common/contracts/project';
import { ServiceFailure } from '../../../common/result';
import { PROJECT_FILE, ProjectStore } from '../labels/index';

/**
 * The core's one open project (or none). Opening a folder that holds no project creates one, so
 * `scanlabel serve --project DIR` works on an empty folder. Closing releases the writer lock.
 */
export class ProjectSession {
  private store: ProjectStore | null = null;

  get current(): ProjectStore | null {
    return this.store;
  }

  require(): ProjectStore {
    if (!this.store) throw new ServiceFailure('not_found', 'no project is open: open or create one first');
    return this.store;
  }

  open(dir: string, options: { readOnly?: boolean } = {}): ProjectStore {
    this.close();
    this.store = ProjectStore.open(dir, options);
    return this.store;
  }

  create(dir: string, options: { name?: string; schema?: PresetId } = {}): ProjectStore {
    this.close();
    this.store = ProjectStore.create(dir, options);
    return this.store;
  }

  openOrCreate(dir: string): ProjectStore {
    return fs.existsSync(path.join(dir, PROJECT_FILE)) ? this.open(dir) : this.create(dir);
  }

  close() {
    this.store?.close();
    this.store = null;
  }
}
