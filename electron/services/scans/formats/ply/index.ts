import type { FormatModule } from '../types';
import { sniffPly } from './header';
import { openPly } from './reader';
import type { PlyOpenOptions } from './reader';

export type { PlyOpenOptions };

/** PLY (Stanford polygon format): ascii and binary point clouds and meshes, with textures and labels. */
export const plyFormat: FormatModule = {
  id: 'ply',
  extensions: ['.ply'],
  sniff: (head) => sniffPly(head),
  open: (path, options) => openPly(path, options),
};
