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
] as const;

export const EVENT_NAMES = ['job.progress', 'scans.changed'] as const;
