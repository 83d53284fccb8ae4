/** The project database service: the only place that imports better-sqlite3. */
export { ProjectDb, type OpenDatabaseOptions } from './database';
export { migrations, type Migration } from './migrations/index';
export { repositories, type Repositories } from './repositories/index';
export type * from './repositories/index';
