export const TOOLS = ['click', 'box', 'lasso', 'erase', 'segment'] as const;
export type Tool = (typeof TOOLS)[number];
export const TOOL_LABEL: Record<Tool, string> = { click: 'Click', box: 'Box', lasso: 'Lasso', erase: 'Eraser', segment: 'Superpoint' };
export const TOOL_HINT: Record<Tool, string> = {
  click: 'Click a point to segment the object (Shift+click: negative). Enter accepts, Esc cancels. Drag to orbit.',
  box: 'Drag a box to select every point inside it. Enter assigns the current class, Esc cancels.',
  lasso: 'Draw around points to select them. Enter assigns the current class, Esc cancels.',
  erase: 'Drag a box over labeled points; Enter removes their labels (locked points are kept), Esc cancels.',
  segment: 'Click a point to select its superpoint (a small uniform segment). Enter assigns the current class.',
};

/** Tools that draw a box (the others draw a lasso or click). */
export const isBoxTool = (t: Tool) => t === 'box' || t === 'erase';
