import type { FormatModule } from '../types';
import { openLas } from './reader';

export type { LasSourceDetails } from './reader';

/** LAS 1.0-1.4, LAZ (LASzip chunked, via laz-perf) and COPC. All start with the 'LASF' signature. */
export const lasFormat: FormatModule = {
  id: 'las',
  extensions: ['.las', '.laz'],
  sniff: (head) => head.length >= 4 && head[0] === 0x4c && head[1] === 0x41 && head[2] === 0x53 && head[3] === 0x46,
  open: (path) => openLas(path),
};
