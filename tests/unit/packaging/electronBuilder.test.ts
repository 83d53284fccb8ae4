import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Checks electron-builder.yml against the real files in node_modules: the unpack globs must cover
 * the native binaries and the libraries they load, and each installer must carry only its own
 * platform's onnxruntime folder. Patterns are evaluated the way electron-builder's FileMatcher does:
 * root `files` then the platform's `files`, in order, the last matching pattern deciding
 * (minimatch-all), with its `${arch}` / `${os}` macros expanded.
 */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const config = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  npmRebuild: boolean;
  asar: boolean;
  linux: { target: string[]; files?: string[] };
  win: { target: string[]; files?: string[] };
  mac: { target: { target: string; arch: string[] }[]; files?: string[] };
};

/** A glob as electron-builder's minimatch reads it (dot files included): **, *, ?, {a,b}. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map((alt) => globToRegExp(alt).source.slice(1, -1)).join('|')})`;
      i = end;
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

interface Target {
  key: 'linux' | 'win' | 'mac';
  /** Node's name for the platform: onnxruntime's folder names. */
  node: 'linux' | 'win32' | 'darwin';
  arch: 'x64' | 'arm64';
}
const TARGETS: Target[] = [
  { key: 'linux', node: 'linux', arch: 'x64' },
  { key: 'win', node: 'win32', arch: 'x64' },
  { key: 'mac', node: 'darwin', arch: 'arm64' },
];

const expand = (pattern: string, t: Target) => pattern.replaceAll('${arch}', t.arch).replaceAll('${os}', t.key);

/** minimatch-all: walk the patterns in order; a match flips the state only toward the pattern's sign. */
function matches(file: string, patterns: string[], t: Target): boolean {
  let included = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    if (included !== negate) continue;
    if (globToRegExp(expand(negate ? raw.slice(1) : raw, t)).test(file)) included = !negate;
  }
  return included;
}

function walk(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    return statSync(path.join(repoRoot, rel)).isDirectory() ? walk(rel) : [rel];
  });
}

const ortFiles = walk('node_modules/onnxruntime-node');
const sqliteFiles = walk('node_modules/better-sqlite3');
const filesFor = (t: Target) => [...config.files, ...(config[t.key] as { files?: string[] }).files ?? []];
const packed = (t: Target, file: string) => matches(file, filesFor(t), t);
const unpacked = (t: Target, file: string) => packed(t, file) && matches(file, config.asarUnpack, t);

/** What each platform's onnxruntime_binding.node needs beside it (SAM-ONNX-CONTRACT §5.1/5.4). */
const SIBLINGS: Record<Target['node'], RegExp[]> = {
  linux: [/\/onnxruntime_binding\.node$/, /\/libonnxruntime\.so\.1$/],
  win32: [/\/onnxruntime_binding\.node$/, /\/onnxruntime\.dll$/, /\/DirectML\.dll$/, /\/dxcompiler\.dll$/, /\/dxil\.dll$/],
  darwin: [/\/onnxruntime_binding\.node$/, /\/libonnxruntime\.1\.dylib$/],
};

describe('electron-builder.yml against node_modules', () => {
  it('the glob matcher reads patterns as minimatch does', () => {
    expect(globToRegExp('node_modules/**').test('node_modules/a/b.js')).toBe(true);
    expect(globToRegExp('a/*.node').test('a/b/c.node')).toBe(false);
    expect(globToRegExp('a/{x,y}/**').test('a/y/z')).toBe(true);
    expect(globToRegExp('**/*.map').test('x.map')).toBe(true);
  });

  it('builds AppImage and deb, NSIS, and a macOS arm64 dmg; asar on, native modules rebuilt only while packaging', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['arm64'] }]);
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(scripts[hook] ?? '').not.toMatch(/electron-rebuild|install-app-deps|electron-builder/);
    expect(scripts.package).toMatch(/electron-builder/);
  });

  it.each(TARGETS)('$key: better-sqlite3 is packed and its addon unpacked; its build inputs stay out', (t) => {
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(sqliteFiles).toContain(addon);
    expect(unpacked(t, addon)).toBe(true);
    expect(packed(t, 'node_modules/better-sqlite3/lib/index.js')).toBe(true);
    expect(sqliteFiles.filter((f) => /better-sqlite3\/(deps|src|build)\//.test(f) && f !== addon && packed(t, f))).toEqual([]);
  });

  it.each(TARGETS)('$key: ships and unpacks exactly napi-v6/<node platform>/$arch of onnxruntime, with its sibling libraries', (t) => {
    const own = `node_modules/onnxruntime-node/bin/napi-v6/${t.node}/${t.arch}/`;
    const binaries = ortFiles.filter((f) => f.includes('/bin/napi-v6/'));
    const ownFiles = binaries.filter((f) => f.startsWith(own));
    for (const need of SIBLINGS[t.node]) expect(ownFiles.some((f) => need.test(f)), `${own} has ${need}`).toBe(true);
    expect(ownFiles.filter((f) => !unpacked(t, f))).toEqual([]);
    expect(binaries.filter((f) => !f.startsWith(own) && packed(t, f))).toEqual([]);
    // The package's JavaScript still goes in (only the binaries are filtered).
    expect(packed(t, 'node_modules/onnxruntime-node/package.json')).toBe(true);
    expect(ortFiles.filter((f) => /\/dist\/.*\.js$/.test(f)).every((f) => packed(t, f))).toBe(true);
  });

  it('does not use ${os} for onnxruntime folders (it expands to linux/win/mac, not linux/win32/darwin)', () => {
    const all = [...config.files, ...config.asarUnpack, ...TARGETS.flatMap((t) => (config[t.key] as { files?: string[] }).files ?? [])];
    expect(all.filter((p) => p.includes('onnxruntime') && p.includes('${os}'))).toEqual([]);
  });

  it('ships models as extraResources outside the asar', () => {
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'native-models', to: 'models' })]);
    const filter = config.extraResources[0]!.filter;
    for (const f of ['resnet/model.json', 'sam/encoder.onnx', 'sam/encoder.onnx.data']) expect(filter.some((g) => globToRegExp(g).test(f))).toBe(true);
    expect(config.files.some((p) => p.startsWith('native-models'))).toBe(false);
  });
});
