import { ServiceFailure } from '../../common/result';

/**
 * A file the user brought cannot be read. The message names the file and where and what is wrong
 * ("sample.las: byte 227: header claims 5000000 points but the file holds 14408"). The CLI maps it
 * to exit code 2; services map it to the `bad_input` error code.
 */
export class BadInputError extends ServiceFailure {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly location?: { byte?: number; line?: number },
  ) {
    const where =
      location?.byte !== undefined ? `byte ${location.byte}: ` : location?.line !== undefined ? `line ${location.line}: ` : '';
    super('bad_input', `${file}: ${where}${detail}`);
    this.name = 'BadInputError';
  }
}
