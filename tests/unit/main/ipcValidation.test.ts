import { describe, expect, it } from 'vitest';
import { validateInvoke } from '../../../electron/main/ipcValidation';

// The Electron main process runs these checks on every invoke before forwarding to the core.
describe('IPC validation in the main process', () => {
  const page = 'scan://app/index.html';

  it('forwards a valid call with schema defaults applied', () => {
    expect(validateInvoke(page, 'demo.generate', {})).toEqual({ ok: true, value: { method: 'demo.generate', params: { seed: 1, points: 300_000 } } });
  });

  it('refuses frames that are not the app', () => {
    for (const url of [undefined, 'https://evil.example/', 'file:///tmp/x.html', 'scan://other/index.html', 'scan://app.evil/x']) {
      expect(validateInvoke(url, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
  });

  it('refuses unknown methods and bad payloads with a message naming the field', () => {
    expect(validateInvoke(page, 'fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(validateInvoke(page, 42, {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const bad = validateInvoke(page, 'labels.applyEdit', { kind: 'assign', scanId: 's', points: { indices: [1] }, classCode: -3 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(!bad.ok && bad.error.message).toMatch(/classCode/);
    expect(validateInvoke(page, 'project.open', { dir: '/x', extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});
