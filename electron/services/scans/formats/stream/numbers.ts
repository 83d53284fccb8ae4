/**
 * Strict decimal number tokens. Number() alone also accepts hex ("0x1f"), binary ("0b1") and
 * "Infinity", which in a scan file mean corruption rather than data.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Spellings C/C++ writers produce for non-finite floats (PCL writes "nan"). */
const SPECIAL: Record<string, number> = {
  nan: NaN,
  '-nan': NaN,
  '+nan': NaN,
  'nan(ind)': NaN,
  '-nan(ind)': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** The token's value, or undefined when it is not a number. NaN/Inf spellings parse (callers decide). */
export function parseNumber(token: string): number | undefined {
  if (DECIMAL.test(token)) return Number(token);
  const special = SPECIAL[token.toLowerCase()];
  return special;
}
