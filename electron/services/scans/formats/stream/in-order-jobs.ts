import type { DecodePool } from './decode-pool';
import type { DecodeJob, OutcomeOf } from './decode-jobs';

/** Decoded points waiting ahead of the reader, beyond the next job. */
const MAX_AHEAD_POINTS = 4_000_000;

export interface OrderedOutcome<J extends DecodeJob> {
  first: number;
  count: number;
  /** null when the worker itself failed (not the file): the caller decodes that range on its own thread. */
  outcome: OutcomeOf<J> | null;
}

/**
 * Splits `total` consecutive points into jobs of `per` points, keeps up to two per worker in
 * flight (and at most ~4 M decoded points waiting, so memory stays bounded), and yields their
 * outcomes in file order. Jobs still queued when the caller stops are cancelled.
 */
export async function* inOrderJobs<J extends DecodeJob>(
  pool: DecodePool,
  total: number,
  per: number,
  job: (first: number, count: number) => Omit<J, 'id'>,
  signal?: AbortSignal,
): AsyncGenerator<OrderedOutcome<J>> {
  const owner = {};
  const ahead: { first: number; count: number; outcome: Promise<OutcomeOf<J> | null> }[] = [];
  let submitted = 0;
  const submit = () => {
    while (submitted < total && ahead.length < 2 * pool.size && (ahead.length === 0 || (ahead.length + 1) * per <= MAX_AHEAD_POINTS)) {
      const count = Math.min(per, total - submitted);
      ahead.push({ first: submitted, count, outcome: pool.decode<J>(job(submitted, count), owner).catch(() => null) });
      submitted += count;
    }
  };
  try {
    while (submitted < total || ahead.length > 0) {
      signal?.throwIfAborted();
      submit();
      const next = ahead.shift()!;
      const outcome = await next.outcome;
      submit();
      yield { first: next.first, count: next.count, outcome };
    }
  } finally {
    pool.cancel(owner);
  }
}
