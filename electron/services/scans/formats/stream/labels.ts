/**
 * Whether an attribute name means a per-point/per-face label: semantic class, instance or segment
 * ids, including CloudCompare's "scalar_*" exports. Probability/confidence fields that merely
 * mention a label ("label_probabilities") are not labels.
 */
const LABEL_WORD = /(^|_)(label|labels|class|classification|classes|instance|semantic|segment|object)(_?ids?)?($|_)/i;
const NOT_A_LABEL = /(prob|conf|score|weight|dist|count)/i;

export function isLabelName(name: string): boolean {
  return LABEL_WORD.test(name) && !NOT_A_LABEL.test(name);
}
