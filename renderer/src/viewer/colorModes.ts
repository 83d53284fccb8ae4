/** Colour modes of the point layer; the number is the shader's `mode` uniform. */
export const COLOR_MODES = ['rgb', 'elevation', 'class'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];
export const colorModeIndex = (m: ColorMode) => COLOR_MODES.indexOf(m);

/** Entries in the class lookup texture: class codes up to 1023 get their own colour (SemanticKITTI uses up to 259). */
export const CLASS_LUT_SIZE = 1024;

export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
