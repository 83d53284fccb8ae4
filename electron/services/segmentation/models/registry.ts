import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceFailure } from '../../../../common/result';
import { detectModel, ModelSignatureError, type DetectedModel } from '../segmenters/sam/detect';
import { SamSegmenter, signatureOf } from '../segmenters/sam/samSegmenter';
import { ModelManifest } from './manifest';
import { openSession, providerOrder, type ProviderName } from './providers';

/**
 * The model registry is a folder of `<id>/model.json` + weights. Where it lives is a parameter:
 * `native-models/` at the package root during development (CLI default), the user-data or project
 * models folder in the app (`--models DIR`). Weights are copied in, never committed (.gitignore).
 */
export function defaultModelsDir(): string {
  // electron/services/segmentation/models -> package root; in a bundle, next to dist/.
  let here = process.cwd();
  try {
    here = dirname(fileURLToPath(import.meta.url));
  } catch {
    // Bundled as CommonJS: import.meta is empty; fall back to the working directory.
  }
  for (let d = here, i = 0; i < 6; i++, d = dirname(d)) if (existsSync(join(d, 'package.json'))) return join(d, 'native-models');
  return resolve('native-models');
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface AddOptions {
  name?: string;
  license?: string;
  source?: string;
  /** Extra files next to the encoder/decoder to copy (external data); found automatically when named <stem>_data.bin or <file>.data. */
  externalData?: string[];
}

/** Validates an encoder/decoder pair (family detected from the signatures), copies it into the registry and writes model.json. */
export async function addModel(modelsDir: string, encoderPath: string, decoderPath: string, options: AddOptions = {}): Promise<{ manifest: ModelManifest; detected: DetectedModel; dir: string }> {
  for (const p of [encoderPath, decoderPath]) if (!existsSync(p)) throw new ServiceFailure('not_found', `${p}: no such file`);
  const detected = await inspectPair(encoderPath, decoderPath);
  const encSha = await sha256File(encoderPath);
  const decSha = await sha256File(decoderPath);
  const name = options.name ?? basename(encoderPath).replace(/\.(encoder\.)?onnx$/i, '');
  const id = slug(name) || `${detected.family}-${encSha.slice(0, 8)}`;
  const dir = join(modelsDir, id);
  mkdirSync(dir, { recursive: true });
  const entry = async (src: string, sha: string) => {
    const path = basename(src);
    if (resolve(join(dir, path)) !== resolve(src)) copyFileSync(src, join(dir, path));
    const sidecars = [...(options.externalData ?? []), ...sidecarsOf(src)].filter((s, i, a) => existsSync(s) && a.indexOf(s) === i && dirname(resolve(s)) === dirname(resolve(src)));
    const externalData = [];
    for (const s of sidecars) {
      if (resolve(join(dir, basename(s))) !== resolve(s)) copyFileSync(s, join(dir, basename(s)));
      externalData.push({ path: basename(s), sha256: await sha256File(s), bytes: statSync(s).size });
    }
    return { path, sha256: sha, bytes: statSync(src).size, externalData };
  };
  const manifest: ModelManifest = ModelManifest.parse({
    schema: 'scanlabel-model/1',
    id,
    name,
    family: detected.family,
    files: { encoder: await entry(encoderPath, encSha), decoder: await entry(decoderPath, decSha) },
    inputSize: 1024,
    preprocessing: preprocessingOf(detected),
    license: options.license ?? 'unknown',
    source: options.source ?? 'unknown',
    addedAt: new Date().toISOString(),
  });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { manifest, detected, dir };
}

/** Opens both files on cpu and checks their signatures; throws ModelSignatureError with every mismatch. */
export async function inspectPair(encoderPath: string, decoderPath: string): Promise<DetectedModel> {
  const enc = await openSession(encoderPath, ['cpu']).catch((e: Error) => {
    throw new ModelSignatureError(`${encoderPath}: not a loadable ONNX model (${e.message.split('\n')[0]})`);
  });
  const dec = await openSession(decoderPath, ['cpu']).catch((e: Error) => {
    throw new ModelSignatureError(`${decoderPath}: not a loadable ONNX model (${e.message.split('\n')[0]})`);
  });
  try {
    return detectModel(signatureOf(enc.session), signatureOf(dec.session));
  } finally {
    await enc.session.release();
    await dec.session.release();
  }
}

export function listModels(modelsDir: string): { manifest: ModelManifest | null; dir: string; error: string | null }[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(modelsDir, d.name, 'model.json')))
    .map((d) => {
      const dir = join(modelsDir, d.name);
      try {
        return { manifest: ModelManifest.parse(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))), dir, error: null };
      } catch (e) {
        return { manifest: null, dir, error: `model.json invalid: ${(e as Error).message.split('\n')[0]}` };
      }
    });
}

export interface VerifyResult {
  id: string;
  ok: boolean;
  problems: string[];
}

/** Files present, sha256 as recorded, signatures still those of the recorded family. */
export async function verifyModels(modelsDir: string, id?: string): Promise<VerifyResult[]> {
  const results: VerifyResult[] = [];
  for (const m of listModels(modelsDir)) {
    const mid = m.manifest?.id ?? basename(m.dir);
    if (id && mid !== id) continue;
    const problems: string[] = [];
    if (!m.manifest) problems.push(m.error ?? 'model.json unreadable');
    else {
      for (const role of ['encoder', 'decoder'] as const) {
        const f = m.manifest.files[role];
        for (const file of [f, ...f.externalData]) {
          const p = join(m.dir, file.path);
          if (!existsSync(p)) problems.push(`${role} file ${file.path} is missing (weights are not committed: run "scanlabel models add" again)`);
          else if ((await sha256File(p)) !== file.sha256) problems.push(`${role} file ${file.path}: sha256 differs from model.json`);
        }
      }
      if (problems.length === 0) {
        try {
          const d = await inspectPair(join(m.dir, m.manifest.files.encoder.path), join(m.dir, m.manifest.files.decoder.path));
          if (d.family !== m.manifest.family) problems.push(`files are a ${d.family} model, model.json says ${m.manifest.family}`);
        } catch (e) {
          problems.push((e as Error).message);
        }
      }
    }
    results.push({ id: mid, ok: problems.length === 0, problems });
  }
  if (id && results.length === 0) throw new ServiceFailure('not_found', `no model "${id}" in ${modelsDir}`);
  return results;
}

/** Loads a registered model as a segmenter, trying GPU providers first; notes say which fell back. */
export async function loadSamSegmenter(modelsDir: string, id: string, order: ProviderName[] = providerOrder()): Promise<{ segmenter: SamSegmenter; notes: string[] }> {
  const entry = listModels(modelsDir).find((m) => m.manifest?.id === id);
  if (!entry?.manifest) throw new ServiceFailure('not_found', `no model "${id}" in ${modelsDir} (scanlabel models list)`);
  const m = entry.manifest;
  const enc = await openSession(join(entry.dir, m.files.encoder.path), order);
  // The decoder follows the encoder's provider: mixing devices costs a copy of the embedding per click.
  const dec = await openSession(join(entry.dir, m.files.decoder.path), order.slice(order.indexOf(enc.provider)));
  const segmenter = new SamSegmenter(m.id, enc.session, dec.session, dec.provider === enc.provider ? enc.provider : `${enc.provider}+${dec.provider}`, m.inputSize);
  return { segmenter, notes: [...enc.notes, ...dec.notes.map((n) => `decoder: ${n}`)] };
}

function preprocessingOf(d: DetectedModel): ModelManifest['preprocessing'] {
  switch (d.family) {
    case 'sam1':
      return d.encoderInput === 'hwc-preprocess'
        ? { encoderInput: d.encoderInput, resize: 'longest_side', normalization: 'in-graph', masks: d.masks }
        : { encoderInput: d.encoderInput, resize: 'longest_side', normalization: 'sam-0-255', masks: d.masks };
    case 'edgesam':
      return { encoderInput: d.encoderInput, resize: 'longest_side', normalization: 'sam-0-255', masks: d.masks };
    case 'hf-sam':
      return { encoderInput: d.encoderInput, resize: 'longest_side', normalization: 'imagenet-0-1', masks: d.masks };
    case 'sam2':
      return { encoderInput: d.encoderInput, resize: 'stretch', normalization: 'imagenet-0-1', masks: d.masks };
    case 'efficientsam':
      return { encoderInput: d.encoderInput, resize: 'in-graph', normalization: 'in-graph', masks: d.masks };
  }
}

function sidecarsOf(file: string): string[] {
  const stem = file.replace(/\.onnx$/i, '');
  return [`${stem}_data.bin`, `${file}.data`, `${stem}.onnx_data`];
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
}
