export const TOOLS = ['click', 'box', 'lasso'] as const;
export type Tool = (typeof TOOLS)[number];
export const TOOL_LABEL: Record<Tool, string> = { click: 'Click', box: 'Box', lasso: 'Lasso' };
export const TOOL_HINT: Record<Tool, string> = {
  click: 'Click a point to segment the object (Shift+click: negative). Enter accepts, Esc cancels. Drag to orbit.',
  box: 'Drag a box to select every point inside it. Enter assigns the current class, Esc cancels.',
  lasso: 'Draw around points to select them. Enter assigns the current class, Esc cancels.',
};
