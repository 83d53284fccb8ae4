import * as initial from './1763769600_initial';
import * as clicksModelsJobs from './1763856000_clicks_models_jobs';

export interface Migration {
  /** `<epoch seconds>_<name>`: ids sort in the order they must be applied. */
  id: string;
  sql: string;
}

/** Every known migration, oldest first. Append only: never edit or reorder a shipped migration. */
export const migrations: readonly Migration[] = [initial, clicksModelsJobs];
