import type { FormatModule, ScanReader } from '../types';
import { hasE57Signature } from './header';
import { openE57Source } from './reader';
import { fileSource } from './source';

/** ASTM E2807 (E57) point clouds: every /data3D scan, posed and concatenated in file order. */
export const e57Format: FormatModule = {
  id: 'e57',
  extensions: ['.e57'],
  sniff: (head) => hasE57Signature(head),
  async open(path): Promise<ScanReader> {
    const source = await fileSource(path);
    try {
      return await openE57Source(source, path);
    } catch (err) {
      await source.close();
      throw err;
    }
  },
};
