import type { ParsedArgs } from './args';

/** Exit codes: 0 ok, 1 unexpected failure, 2 bad input (unreadable/invalid file), 64 usage error. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, usage: 64 } as const;

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface CliCommand {
  /** e.g. 'serve' or 'labels set' (multi-word commands are matched on the leading positionals). */
  name: string;
  summary: string;
  usage: string;
  booleanFlags?: readonly string[];
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}
