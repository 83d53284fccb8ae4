/**
 * Minimal argv parser for the `scanlabel` CLI: positionals, `--flag`, `--key value`, `--key=value`,
 * repeated keys collected into arrays. Written by hand because node:util parseArgs rejects unknown
 * options before a command can print its own usage, and the grammar here is tiny.
 */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export function parseArgs(argv: string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (eq >= 0) push(options, key, a.slice(eq + 1));
      else if (booleanFlags.includes(key)) flags.add(key);
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) push(options, key, argv[++i]!);
      else flags.add(key);
    } else positionals.push(a);
  }
  return { positionals, options, flags };
}

function push(m: Map<string, string[]>, k: string, v: string) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export class UsageError extends Error {}

export function option(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  return v ? v[v.length - 1] : undefined;
}

export function requireOption(args: ParsedArgs, key: string): string {
  const v = option(args, key);
  if (v === undefined) throw new UsageError(`missing --${key}`);
  return v;
}

export function intOption(args: ParsedArgs, key: string, fallback: number): number {
  const v = option(args, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${key} must be an integer, got "${v}"`);
  return n;
}
