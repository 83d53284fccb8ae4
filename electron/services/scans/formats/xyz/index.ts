import type { FormatModule } from '../types';
import { openXyz, sniffXyz } from './reader';

/** Delimited text point clouds: XYZ, TXT, CSV (x y z first, optional header row or explicit mapping). */
export const xyzFormat: FormatModule = {
  id: 'xyz',
  extensions: ['.xyz', '.txt', '.csv', '.asc'],
  sniff: (head) => sniffXyz(head),
  open: (path, options) => openXyz(path, options),
};
