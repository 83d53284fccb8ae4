import type { ProjectDb } from '../database';
import { ClassesRepo } from './classes';
import { ClicksRepo } from './clicks';
import { EditsRepo } from './edits';
import { JobsRepo } from './jobs';
import { LabelChunksRepo } from './labelChunks';
import { LayersRepo } from './layers';
import { ModelsRepo } from './models';
import { ProjectsRepo } from './projects';
import { ScansRepo } from './scans';

export type { ClassRow, ClassSchemaRow } from './classes';
export type { ClickRow } from './clicks';
export type { EditChunkRow, EditRow, EditState } from './edits';
export type { JobRow } from './jobs';
export type { LabelChunkRow } from './labelChunks';
export type { LayerKind, LayerRow } from './layers';
export type { ModelRow } from './models';
export type { ProjectRow } from './projects';
export type { ScanRow } from './scans';

export interface Repositories {
  projects: ProjectsRepo;
  scans: ScansRepo;
  classes: ClassesRepo;
  layers: LayersRepo;
  labelChunks: LabelChunksRepo;
  edits: EditsRepo;
  clicks: ClicksRepo;
  models: ModelsRepo;
  jobs: JobsRepo;
}

export function repositories(db: ProjectDb): Repositories {
  const raw = db.raw;
  return {
    projects: new ProjectsRepo(raw),
    scans: new ScansRepo(raw),
    classes: new ClassesRepo(raw),
    layers: new LayersRepo(raw),
    labelChunks: new LabelChunksRepo(raw),
    edits: new EditsRepo(raw),
    clicks: new ClicksRepo(raw),
    models: new ModelsRepo(raw),
    jobs: new JobsRepo(raw),
  };
}
