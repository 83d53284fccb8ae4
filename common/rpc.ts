import { z } from 'zod';
import type { Result, ServiceError } from './result';

/**
 * The wire envelope shared by every transport (WebSocket, Electron IPC, utilityProcess port, in-memory).
 * Requests carry a client-chosen id; the response echoes it. Events have no id.
 */
export const RpcRequest = z
  .object({
    kind: z.literal('request'),
    id: z.number().int().min(0),
    method: z.string().min(1).max(128),
    params: z.unknown(),
  })
  .strict();
export type RpcRequest = z.infer<typeof RpcRequest>;

export const ServiceErrorSchema = z.object({ code: z.string(), message: z.string() });

export const RpcResponse = z.object({
  kind: z.literal('response'),
  id: z.number().int().min(0),
  result: z.union([
    z.object({ ok: z.literal(true), value: z.unknown() }),
    z.object({ ok: z.literal(false), error: ServiceErrorSchema }),
  ]),
});
export type RpcResponse = { kind: 'response'; id: number; result: Result<unknown> };

export const RpcEvent = z.object({ kind: z.literal('event'), topic: z.string(), payload: z.unknown() });
export type RpcEvent = z.infer<typeof RpcEvent>;

export const RpcMessage = z.discriminatedUnion('kind', [RpcRequest, RpcResponse, RpcEvent]);
export type RpcMessage = RpcRequest | RpcResponse | RpcEvent;

/** Human-readable summary of a zod failure: `points: Too big: expected number to be <=5000000`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export function errorResponse(id: number, error: ServiceError): RpcResponse {
  return { kind: 'response', id, result: { ok: false, error } };
}

/** What an in-process core offers a transport (structurally the core's own interface). */
export interface RpcEndpoint {
  handle(message: unknown): Promise<RpcResponse>;
  onEvent(listener: (event: RpcEvent) => void): () => void;
  readBlob(path: string): Uint8Array | null;
}
