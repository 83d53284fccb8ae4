/** Every service method answers with a Result: errors are values with a stable code, never throws across a transport. */
export type ErrorCode =
  | 'invalid_params'
  | 'invalid_result'
  | 'unknown_method'
  | 'not_found'
  | 'bad_input'
  | 'conflict'
  | 'cancelled'
  | 'unauthorized'
  | 'transport'
  | 'internal';

export interface ServiceError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

/** An Error that carries a service error code, so services can throw deep inside and the dispatcher keeps the code. */
export class ServiceFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceFailure';
  }
}

export function toServiceError(e: unknown): ServiceError {
  if (e instanceof ServiceFailure) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return { code: 'internal', message: String(e) };
}
