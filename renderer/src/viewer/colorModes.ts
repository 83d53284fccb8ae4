/**
 * Colour modes of the point layer; the number is the shader's `mode` uniform.
 * - rgb: the scan's colours; elevation: a height ramp;
 * - labels: the project's user labels (unlabeled points keep a dimmed RGB so the scene stays readable);
 * - predicted: user labels solid, predictions from propagation blended in by their confidence;
 * - confidence: how sure propagation is (red unsure .. green sure), user labels white;
 * - unlabeled: only the points still without a label (in RGB), to find what is left;
 * - source: the classes the file came with (LAS classification, PLY label, demo ground truth).
 */
export const COLOR_MODES = ['rgb', 'intensity', 'elevation', 'labels', 'predicted', 'confidence', 'unlabeled', 'source'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];
export const colorModeIndex = (m: ColorMode) => COLOR_MODES.indexOf(m);

/** Entries per row of the class lookup texture: codes up to 1023 get their own colour (SemanticKITTI uses up to 259). */
export const CLASS_LUT_SIZE = 1024;
/** Rows of the lookup texture: 0 = project classes (labels mode), 1 = the file's own classes (source mode). */
export const LUT_ROW = { labels: 0, source: 1 } as const;
/** Label value meaning "no label" in the labels blob. */
export const UNLABELED = 0xffff;

export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
