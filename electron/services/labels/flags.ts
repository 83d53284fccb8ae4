/**
 * Per-point flag byte of a label layer: bits 0-2 say where the label came from, bit 7 locks the
 * point against edits (edits skip locked points unless asked to include them). Bits 3-6 are free.
 */
export const SOURCES = ['none', 'manual', 'click', 'propagated', 'predicted', 'imported'] as const;
export type LabelSource = (typeof SOURCES)[number];

export const SOURCE_MASK = 0x07;
export const LOCKED = 0x80;

export const sourceCode = (s: LabelSource): number => SOURCES.indexOf(s);
export const sourceName = (flags: number): LabelSource => SOURCES[flags & SOURCE_MASK] ?? 'none';

/** The stored class value meaning "no label": all ones at the layer's code width. */
export const unlabeledCode = (codeWidth: 1 | 2): number => (codeWidth === 1 ? 0xff : 0xffff);
