import { resolve } from 'node:path';
import { option, UsageError, type ParsedArgs } from '../args';
import { EXIT, type CliCommand } from '../command';
import { addModel, defaultModelsDir, listModels, verifyModels } from '../../services/segmentation/models/registry';
import { ModelSignatureError } from '../../services/segmentation/segmenters/sam/detect';

/** `--models DIR`: the registry folder (default native-models/ at the package root; the app uses its user-data models folder). */
export const modelsDir = (args: ParsedArgs) => resolve(option(args, 'models') ?? defaultModelsDir());

export const modelsAddCommand: CliCommand = {
  name: 'models add',
  summary: 'register a SAM-family ONNX encoder + decoder: detects and validates the family, records sha256, copies the files into the registry',
  usage: 'models add ENCODER DECODER [--name N] [--license L] [--source URL] [--models DIR] [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    const [encoder, decoder] = args.positionals;
    if (!encoder || !decoder) throw new UsageError('need ENCODER and DECODER .onnx paths');
    const name = option(args, 'name');
    const license = option(args, 'license');
    const source = option(args, 'source');
    try {
      const r = await addModel(modelsDir(args), encoder, decoder, { ...(name ? { name } : {}), ...(license ? { license } : {}), ...(source ? { source } : {}) });
      if (args.flags.has('json')) io.out(JSON.stringify({ ...r.manifest, dir: r.dir }));
      else io.out(`added ${r.manifest.id}: ${r.detected.summary}\n  ${r.dir}`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof ModelSignatureError) {
        io.err(`scanlabel models add: ${e.message}`);
        return EXIT.badInput;
      }
      throw e;
    }
  },
};

export const modelsListCommand: CliCommand = {
  name: 'models list',
  summary: 'list registered segmentation models (the built-in segmenter needs none)',
  usage: 'models list [--models DIR] [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    const list = listModels(modelsDir(args));
    if (args.flags.has('json')) {
      io.out(JSON.stringify(list.map((m) => m.manifest ?? { dir: m.dir, error: m.error })));
      return EXIT.ok;
    }
    io.out('builtin  built-in geometric segmenter (no weights, default)');
    for (const m of list) io.out(m.manifest ? `${m.manifest.id}  ${m.manifest.family}  ${m.manifest.name}  (${m.manifest.license})` : `?  ${m.dir}: ${m.error}`);
    return EXIT.ok;
  },
};

export const modelsVerifyCommand: CliCommand = {
  name: 'models verify',
  summary: 'check every registered model (or one): files present, sha256 as recorded, ONNX signatures valid',
  usage: 'models verify [ID] [--models DIR] [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    const results = await verifyModels(modelsDir(args), args.positionals[0]);
    if (args.flags.has('json')) io.out(JSON.stringify(results));
    else for (const r of results) io.out(r.ok ? `ok    ${r.id}` : `FAIL  ${r.id}\n${r.problems.map((p) => `      ${p}`).join('\n')}`);
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.badInput;
  },
};
