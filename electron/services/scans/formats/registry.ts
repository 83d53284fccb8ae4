import type { FormatModule } from './types';
import { e57Format } from './e57';

/**
 * All format modules, in sniffing order (most specific magic first). Each helper module registers
 * itself here with one line.
 */
export const formatModules: FormatModule[] = [];
formatModules.push(e57Format);
