import { describe, expect, it } from 'vitest';
import { apiContract, apiEvents } from '../../../common/contracts/api';
import { EVENT_NAMES, METHOD_NAMES } from '../../../common/contracts/allowlist';
import { parseRange } from '../../../electron/host/range';
import { createDispatcher, type Handlers } from '../../../electron/services/rpc/dispatcher';

describe('contract', () => {
  it('the preload allowlist equals the contract', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(apiContract).sort());
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(apiEvents).sort());
  });
});

describe('dispatcher', () => {
  const dispatch = createDispatcher(
    {
      'app.info': () => ({ name: 'ScanLabel', version: '1.0.0', host: 'memory', projectDir: null, platform: 'x' }),
      'scans.list': () => [{ broken: true }] as never,
      'scans.view': () => {
        throw new Error('boom');
      },
      'demo.generate': () => ({ jobId: 'j' }),
      'jobs.list': () => [],
      'jobs.get': () => {
        throw new Error('unused');
      },
      'jobs.cancel': () => {
        throw new Error('unused');
      },
      // The other methods are not exercised here.
    } as Partial<Handlers> as Handlers,
    { validateResults: true },
  );

  it('rejects malformed envelopes before any handler runs', async () => {
    expect((await dispatch('hello')).result).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect((await dispatch({ kind: 'request', id: 1 })).result).toMatchObject({ ok: false, error: { code: 'invalid_params', message: expect.stringMatching(/method/) } });
    expect((await dispatch({ kind: 'request', id: 2, method: 'x', params: {}, extra: 1 })).result).toMatchObject({ ok: false });
  });

  it('applies schema defaults and reports handler errors and contract drift as results', async () => {
    const r = await dispatch({ kind: 'request', id: 3, method: 'demo.generate', params: {} });
    expect(r).toEqual({ kind: 'response', id: 3, result: { ok: true, value: { jobId: 'j' } } });
    expect((await dispatch({ kind: 'request', id: 4, method: 'scans.view', params: { scanId: 'a' } })).result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
    expect((await dispatch({ kind: 'request', id: 5, method: 'scans.list', params: {} })).result).toMatchObject({ ok: false, error: { code: 'invalid_result' } });
  });
});

describe('HTTP Range parsing', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=95-200', 100, { start: 95, end: 99 }],
    ['bytes=0-0,5-6', 100, { start: 0, end: 0 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=9-3', 100, 'unsatisfiable'],
    ['items=0-3', 100, null],
    [undefined, 100, null],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
