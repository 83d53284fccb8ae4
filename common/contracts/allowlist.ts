/**
 * Plain lists of method and event names, with no zod import, for the preload script (which must stay
 * tiny). A unit test checks they equal the keys of `apiContract` and `apiEvents`.
 */
export const METHOD_NAMES = [
  'app.info',
  'scans.list',
  'scans.view',
  'demo.generate',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'scans.import',
  'project.create',
  'project.open',
  'project.close',
  'project.recent',
  'project.info',
  'project.scans',
  'project.registerScan',
  'classes.schemas',
  'classes.createSchema',
  'classes.list',
  'classes.add',
  'classes.update',
  'classes.remove',
  'labels.layers',
  'labels.createLayer',
  'labels.applyEdit',
  'labels.undo',
  'labels.redo',
  'labels.history',
  'labels.stats',
  'click.preview',
  'click.accept',
  'click.cancel',
  'segmentation.status',
  'export.start',
  'propagation.suggest',
  'propagation.ground',
  'propagation.superpoint',
] as const;

export const EVENT_NAMES = ['job.progress', 'scans.changed', 'labels.changed', 'project.changed', 'ui.command'] as const;
