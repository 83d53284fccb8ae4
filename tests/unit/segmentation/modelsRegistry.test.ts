import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/run';
import { openSession, providerOrder } from '../../../electron/services/segmentation/models/providers';
import { loadSamSegmenter } from '../../../electron/services/segmentation/models/registry';
import { writeTinyPair } from '../../fixtures/onnx/tinySam';

const dir = mkdtempSync(join(tmpdir(), 'scanlabel-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('execution providers', () => {
  it('tries GPU providers one at a time and falls back to cpu with a note per failure', async () => {
    const p = writeTinyPair(join(dir, 'src'), 'sam1');
    // None of these GPU providers can start on this Linux CPU machine (cuda libraries absent; dml/coreml not compiled in).
    const opened = await openSession(p.decoder, ['cuda', 'dml', 'coreml', 'cpu']);
    expect(opened.provider).toBe('cpu');
    expect(opened.notes.map((n) => n.split(' ')[0])).toEqual(['cuda', 'dml', 'coreml']);
    expect(opened.notes.every((n) => n.includes('falling back'))).toBe(true);
    expect(providerOrder('linux', 'x64')).toEqual(['cuda', 'cpu']);
    expect(providerOrder('win32', 'x64')).toEqual(['dml', 'cpu']);
    expect(providerOrder('darwin', 'arm64')).toEqual(['coreml', 'cpu']);
    await opened.session.release();
  });
});

describe('scanlabel models add / list / verify', () => {
  const models = join(dir, 'registry');

  it('adds a pair with a manifest (family, sha256, preprocessing), lists and verifies it, loads it as a segmenter', async () => {
    const p = writeTinyPair(join(dir, 'src'), 'sam2');
    const added = await cli('models', 'add', p.encoder, p.decoder, '--name', 'Tiny SAM2', '--license', 'MIT', '--models', models, '--json');
    expect(added.code).toBe(0);
    const m = JSON.parse(added.out);
    expect(m).toMatchObject({ id: 'tiny-sam2', family: 'sam2', inputSize: 1024, license: 'MIT', preprocessing: { resize: 'stretch', normalization: 'imagenet-0-1' } });
    expect(m.files.encoder.sha256).toMatch(/^[0-9a-f]{64}$/);
    const manifest = JSON.parse(readFileSync(join(models, 'tiny-sam2', 'model.json'), 'utf8'));
    expect(manifest.files.decoder.path).toBe('sam2.decoder.onnx');
    expect(existsSync(join(models, 'tiny-sam2', 'sam2.decoder.onnx'))).toBe(true);

    const list = await cli('models', 'list', '--models', models);
    expect(list.out).toContain('builtin');
    expect(list.out).toContain('tiny-sam2  sam2');
    expect((await cli('models', 'verify', '--models', models)).out).toContain('ok    tiny-sam2');

    const { segmenter, notes } = await loadSamSegmenter(models, 'tiny-sam2');
    expect(segmenter.detected.family).toBe('sam2');
    expect(segmenter.description).toMatch(/on cpu$/);
    expect(notes.length).toBeGreaterThan(0); // cuda tried first on linux/x64, fell back
    await segmenter.dispose();
  });

  it('verify reports a changed or missing weight file; add refuses wrong files with a clear message', async () => {
    appendFileSync(join(models, 'tiny-sam2', 'sam2.encoder.onnx'), Buffer.from([0]));
    const bad = await cli('models', 'verify', 'tiny-sam2', '--models', models);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('sha256 differs');

    const p = writeTinyPair(join(dir, 'src'), 'sam1');
    const swapped = await cli('models', 'add', p.decoder, p.encoder, '--models', models);
    expect(swapped.code).toBe(2);
    expect(swapped.err).toContain('match no supported SAM family');
    writeFileSync(join(dir, 'junk.onnx'), 'not a model');
    const junk = await cli('models', 'add', join(dir, 'junk.onnx'), p.decoder, '--models', models);
    expect(junk.code).toBe(2);
    expect(junk.err).toContain('not a loadable ONNX model');
  });
});
