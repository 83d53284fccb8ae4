import type { FormatModule } from './types';
import { pcdFormat } from './pcd';
import { plyFormat } from './ply';
import { xyzFormat } from './xyz';
import { e57Format } from './e57';
import { objFormat } from './obj';
import { gltfFormat } from './gltf';
import { lasFormat } from './las';

/**
 * All format modules, in sniffing order (most specific magic first). Each helper module registers
 * itself here with one line.
 */
export const formatModules: FormatModule[] = [];
formatModules.push(e57Format);
formatModules.push(lasFormat);
formatModules.push(plyFormat);
formatModules.push(pcdFormat);
formatModules.push(gltfFormat);
formatModules.push(objFormat);
// last: delimited text has no magic, only a plausibility sniff
formatModules.push(xyzFormat);
