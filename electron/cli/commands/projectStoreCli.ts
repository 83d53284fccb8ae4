import { ServiceFailure } from '../../../common/result';
import { BadInputError } from '../../services/errors';
import { ProjectStore } from '../../services/labels/index';
import { EXIT, type CliIO } from '../command';

/**
 * Opens the project for one command and closes it afterwards. Expected service failures (project
 * open elsewhere, unknown scan, bad class) are the user's input problems: one clear line, exit 2.
 */
export async function withProject(dir: string, io: CliIO, fn: (p: ProjectStore) => number | Promise<number>): Promise<number> {
  return handleFailures(io, async () => {
    const p = ProjectStore.open(dir);
    try {
      return await fn(p);
    } finally {
      p.close();
    }
  });
}

export async function handleFailures(io: CliIO, fn: () => number | Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ServiceFailure && !(e instanceof BadInputError) && e.code !== 'internal') {
      io.err(`scanlabel: ${e.message}`);
      return EXIT.badInput;
    }
    // Damage SQLite finds only while reading (past the open-time quick_check) is still bad input.
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
      io.err(`scanlabel: project database is corrupt (${(e as Error).message})`);
      return EXIT.badInput;
    }
    throw e;
  }
}
