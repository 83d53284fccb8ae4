import { apiContract, isMethodName, type MethodName } from '../../common/contracts/api';
import type { Result } from '../../common/result';
import { describeZodError } from '../../common/rpc';

export const APP_ORIGIN = 'scan://app';
export const isAppUrl = (url: string | undefined) => typeof url === 'string' && url.startsWith(APP_ORIGIN + '/');

/**
 * The checks the main process applies to every renderer call before it reaches the core: the sender
 * frame must be our own page, the method must be in the contract, the params must pass its schema.
 * Kept free of Electron imports so it is unit-tested in plain Node.
 */
export function validateInvoke(senderUrl: string | undefined, method: unknown, params: unknown): Result<{ method: MethodName; params: unknown }> {
  if (!isAppUrl(senderUrl)) return { ok: false, error: { code: 'unauthorized', message: 'IPC from a frame that is not ScanLabel' } };
  if (typeof method !== 'string' || !isMethodName(method)) return { ok: false, error: { code: 'unknown_method', message: `unknown method "${String(method)}"` } };
  const parsed = apiContract[method].params.safeParse(params ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid_params', message: `${method}: ${describeZodError(parsed.error)}` } };
  return { ok: true, value: { method, params: parsed.data } };
}
