import type { Handlers } from '../rpc/dispatcher';
import type { ProjectSession } from './projectSession';
import type { RecentProjects } from './recentProjects';
import type { SelectionCache } from './selectionCache';

type ProjectHandlerNames =
  | 'project.create'
  | 'project.open'
  | 'project.close'
  | 'project.recent'
  | 'project.info'
  | 'project.scans'
  | 'project.registerScan'
  | 'classes.schemas'
  | 'classes.createSchema'
  | 'classes.list'
  | 'classes.add'
  | 'classes.update'
  | 'classes.remove'
  | 'labels.layers'
  | 'labels.createLayer'
  | 'labels.applyEdit'
  | 'labels.undo'
  | 'labels.redo'
  | 'labels.history'
  | 'labels.stats';

export interface ProjectEvents {
  projectChanged(dir: string | null): void;
  labelsChanged(scanId: string, layer: string): void;
  /** A project was opened or created: the core loads its scans. */
  projectOpened(): void;
}

/** RPC handlers of the project store: thin adapters, every rule lives in ProjectStore. */
export function projectHandlers(
  session: ProjectSession,
  events: ProjectEvents,
  recent: RecentProjects,
  selections: SelectionCache,
): Pick<Handlers, ProjectHandlerNames> {
  const store = () => session.require();
  return {
    'project.create': ({ dir, name, schema }) => {
      const info = session.create(dir, { schema, ...(name ? { name } : {}) }).info();
      recent.add(info.dir);
      events.projectChanged(info.dir);
      events.projectOpened();
      return info;
    },
    'project.open': ({ dir, readOnly }) => {
      const info = session.open(dir, { readOnly }).info();
      recent.add(info.dir);
      events.projectChanged(info.dir);
      events.projectOpened();
      return info;
    },
    'project.close': () => {
      session.close();
      events.projectChanged(null);
      return { ok: true as const };
    },
    'project.recent': () => recent.list(),
    'project.info': () => store().info(),
    'project.scans': () => store().listScans(),
    'project.registerScan': (params) => store().registerScan(params),
    'classes.schemas': () => store().listSchemas(),
    'classes.createSchema': (params) => {
      const schema = store().createSchema(params);
      events.projectChanged(store().dir);
      return schema;
    },
    'classes.list': ({ schemaId }) => store().listClasses(schemaId),
    'classes.add': ({ schemaId, class: c }) => {
      const added = store().addClass(c, schemaId);
      events.projectChanged(store().dir);
      return added;
    },
    'classes.update': ({ schemaId, code, patch }) => {
      const updated = store().updateClass(code, patch, schemaId);
      events.projectChanged(store().dir);
      return updated;
    },
    'classes.remove': ({ schemaId, code }) => {
      store().removeClass(code, schemaId);
      events.projectChanged(store().dir);
      return { ok: true as const };
    },
    'labels.layers': ({ scanId }) => store().listLayers(scanId),
    'labels.createLayer': ({ scanId, name, kind }) => store().createLayer(scanId, name, kind),
    'labels.applyEdit': (params) => {
      const result = store().applyEditParams(params, (id) => selections.get(params.scanId, id));
      events.labelsChanged(params.scanId, params.layer ?? 'user');
      return result;
    },
    'labels.undo': ({ scanId }) => {
      const result = store().undo(scanId);
      if (result) events.labelsChanged(scanId, '*');
      return result;
    },
    'labels.redo': ({ scanId }) => {
      const result = store().redo(scanId);
      if (result) events.labelsChanged(scanId, '*');
      return result;
    },
    'labels.history': ({ scanId, limit, beforeId }) => store().history(scanId, limit, beforeId),
    'labels.stats': ({ scanId, layer }) => store().stats(scanId, layer),
  };
}
