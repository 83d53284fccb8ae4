import type { FormatModule } from './types';

/**
 * All format modules, in sniffing order (most specific magic first). Each helper module registers
 * itself here with one line.
 */
export const formatModules: FormatModule[] = [];
