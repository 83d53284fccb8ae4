import { apiContract, isMethodName, type MethodName, type ParamsOut, type ResultOf } from '../../../common/contracts/api';
import { toServiceError } from '../../../common/result';
import { describeZodError, errorResponse, RpcRequest, type RpcResponse } from '../../../common/rpc';

export type Handlers = { [M in MethodName]: (params: ParamsOut<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export interface DispatcherOptions {
  /** Also validate what handlers return (on in tests and development: catches contract drift early). */
  validateResults?: boolean;
}

/**
 * The trusted-side entry for every transport: checks the envelope, the method name and the params
 * against the contract before any service code runs, and turns every failure into a Result error.
 */
export function createDispatcher(handlers: Handlers, options: DispatcherOptions = {}) {
  return async function dispatch(message: unknown): Promise<RpcResponse> {
    const envelope = RpcRequest.safeParse(message);
    if (!envelope.success) {
      const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : 0;
      return errorResponse(id, { code: 'invalid_params', message: `malformed request: ${describeZodError(envelope.error)}` });
    }
    const { id, method, params } = envelope.data;
    if (!isMethodName(method)) return errorResponse(id, { code: 'unknown_method', message: `unknown method "${method}"` });
    const spec = apiContract[method];
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) {
      return errorResponse(id, { code: 'invalid_params', message: `${method}: ${describeZodError(parsed.error)}` });
    }
    try {
      const handler = handlers[method] as (p: unknown) => unknown;
      const value = await handler(parsed.data);
      if (options.validateResults) {
        const checked = spec.result.safeParse(value);
        if (!checked.success) {
          return errorResponse(id, { code: 'invalid_result', message: `${method} returned an invalid result: ${describeZodError(checked.error)}` });
        }
      }
      return { kind: 'response', id, result: { ok: true, value } };
    } catch (e) {
      return errorResponse(id, toServiceError(e));
    }
  };
}
