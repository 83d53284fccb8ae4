import type { FormatModule } from '../types';
import { sniffPcd } from './header';
import { openPcd } from './reader';

/** PCD (Point Cloud Library): ascii, binary and LZF binary_compressed, organized or not. */
export const pcdFormat: FormatModule = {
  id: 'pcd',
  extensions: ['.pcd'],
  sniff: (head) => sniffPcd(head),
  open: (path, options) => openPcd(path, options),
};
