import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../electron/services/errors';
import { describeWriteError, writeDirectoryAtomically, writeFileAtomically } from '../../../electron/services/export/atomicWrite';

const dir = mkdtempSync(path.join(tmpdir(), 'scanlabel-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
  it('makes the file visible only when complete, with header patches applied', async () => {
    const target = path.join(dir, 'a.bin');
    await writeFileAtomically(target, async (out) => {
      await out.write(new Uint8Array(4));
      await out.writeText('body');
      expect(readdirSync(dir).filter((f) => f === 'a.bin')).toEqual([]);
      await out.patch(new TextEncoder().encode('HEAD'), 0);
    });
    expect(readFileSync(target, 'utf8')).toBe('HEADbody');
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it('removes the temp file and keeps the old target when filling fails', async () => {
    const target = path.join(dir, 'b.bin');
    writeFileSync(target, 'old');
    await expect(
      writeFileAtomically(target, async (out) => {
        await out.writeText('partial');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('honours cancellation', async () => {
    const target = path.join(dir, 'c.bin');
    const ac = new AbortController();
    await expect(writeFileAtomically(target, async (out) => (await out.writeText('x'), ac.abort()), { signal: ac.signal })).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.startsWith('c.bin') || f.includes('c.bin.'))).toEqual([]);
  });
});

describe('writeDirectoryAtomically', () => {
  it('swaps a complete folder in place of an older one', async () => {
    const target = path.join(dir, 'room');
    await writeDirectoryAtomically(target, async (d) => writeFileSync(path.join(d, 'one.txt'), '1'));
    await writeDirectoryAtomically(target, async (d) => writeFileSync(path.join(d, 'two.txt'), '2'));
    expect(readdirSync(target)).toEqual(['two.txt']);
    await expect(writeDirectoryAtomically(target, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(readdirSync(target)).toEqual(['two.txt']);
    expect(readdirSync(dir).filter((f) => f.includes('room.'))).toEqual([]);
  });
});

describe('describeWriteError', () => {
  const sys = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    ['ENOSPC', /the disk is full \(no space left after 42 bytes\)/],
    ['EDQUOT', /the disk is full/],
    ['EROFS', /read-only/],
    ['EACCES', /permission denied/],
    ['EFBIG', /too large for this filesystem/],
  ])('%s becomes one clear line naming the output', (code, message) => {
    const e = describeWriteError(sys(code), '/x/out.las', 42);
    expect(e).toBeInstanceOf(BadInputError);
    expect((e as Error).message).toMatch(/^\/x\/out\.las: /);
    expect((e as Error).message).toMatch(message);
  });
  it('passes other errors through', () => {
    const e = new Error('bug');
    expect(describeWriteError(e, 'x', 0)).toBe(e);
  });
});
