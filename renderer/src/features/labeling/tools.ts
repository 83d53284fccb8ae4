export const TOOLS = ['click', 'boxPrompt', 'box', 'lasso', 'brush', 'erase', 'segment'] as const;
export type Tool = (typeof TOOLS)[number];
export const TOOL_LABEL: Record<Tool, string> = {
  click: 'Click',
  boxPrompt: 'Box prompt',
  box: 'Box',
  lasso: 'Lasso',
  brush: 'Brush',
  erase: 'Eraser',
  segment: 'Superpoint',
};

/** What a tool does, in the scan's own terms: `noun` is 'point' for point clouds and 'face' for meshes. */
export function toolHint(tool: Tool, noun: 'point' | 'face'): string {
  const hints: Record<Tool, string> = {
    click: `Click a ${noun} to segment the object (Shift+click: negative). Enter accepts, Esc cancels. Drag to orbit.`,
    boxPrompt: `Drag a box around an object to segment it; then click to add (Shift: remove) ${noun}s. Enter accepts, Esc cancels.`,
    box: `Drag a box to select every ${noun} inside it. Enter assigns the current class, Esc cancels.`,
    lasso: `Draw around ${noun}s to select them. Enter assigns the current class, Esc cancels.`,
    brush: `Paint over ${noun}s; only those within the depth limit of the surface under the brush are taken. Enter assigns, Esc cancels.`,
    erase: `Drag a box over labeled ${noun}s; Enter removes their labels (locked ${noun}s are kept), Esc cancels.`,
    segment: `Click a ${noun} to select its superpoint (a small uniform segment). Enter assigns the current class.`,
  };
  return hints[tool];
}

/** Tools that draw a box (the others draw a lasso, paint or click). */
export const isBoxTool = (t: Tool) => t === 'box' || t === 'erase' || t === 'boxPrompt';
