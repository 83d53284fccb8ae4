// Lint: TypeScript rules plus the layer import rules of ARCHITECTURE.md, as errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'url', 'stream', 'util', 'events', 'buffer', 'zlib'];

const pkg = (name, message) => ({ name, message });
const pat = (group, message) => ({ group, message });

const ELECTRON = pkg('electron', 'Only electron/main and electron/preload may import electron.');
const SQLITE = pkg('better-sqlite3', 'Only electron/services/db may import better-sqlite3.');
const ORT = pkg('onnxruntime-node', 'Only electron/services/segmentation may import onnxruntime-node.');
const THREE = pkg('three', 'Only renderer/src/viewer may import three.');
const THREE_SUB = pat(['three/*'], 'Only renderer/src/viewer may import three.');
const REACT = [pkg('react', 'React belongs to the renderer.'), pkg('react-dom', 'React belongs to the renderer.')];
const RENDERER_CODE = pat(['**/renderer/**'], 'Core code must not import renderer code; share through common/.');
const ELECTRON_CODE = pat(['**/electron/**', '**/services/**', '**/host/**', '**/cli/**', '**/main/**', '**/preload/**'], 'This layer may not import Electron-side code; share through common/.');
const NODE = NODE_BUILTINS.filter((n) => !n.includes('*')).map((n) => pkg(n, 'No Node built-ins in this layer.'));
const NODE_PATTERNS = pat(NODE_BUILTINS.filter((n) => n.includes('*')), 'No Node built-ins in this layer.');

/** no-restricted-imports with the given paths and patterns. */
const restrict = (paths, patterns = []) => ({ 'no-restricted-imports': ['error', { paths, patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'bench-output/**', 'native-models/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['scripts/**/*.{js,mjs}', 'bin/**/*.js', 'eslint.config.js', '.ci/**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  // common: pure TypeScript, no DOM, no Node, no framework.
  { files: ['common/**/*.ts'], rules: restrict([ELECTRON, SQLITE, ORT, THREE, ...REACT, ...NODE], [THREE_SUB, NODE_PATTERNS, RENDERER_CODE, ELECTRON_CODE]) },
  // renderer: common + renderer only; three only in the viewer engine.
  { files: ['renderer/**/*.{ts,tsx}'], rules: restrict([ELECTRON, SQLITE, ORT, THREE, ...NODE], [THREE_SUB, NODE_PATTERNS, ELECTRON_CODE]) },
  { files: ['renderer/src/viewer/**/*.ts'], rules: restrict([ELECTRON, SQLITE, ORT, ...NODE], [NODE_PATTERNS, ELECTRON_CODE]) },
  // services: common + services; native modules only in their one service.
  { files: ['electron/services/**/*.ts'], rules: restrict([ELECTRON, SQLITE, ORT, THREE, ...REACT], [THREE_SUB, RENDERER_CODE, pat(['**/host/**', '**/cli/**', '**/main/**', '**/preload/**'], 'Services must not import host, cli or the Electron shell.')]) },
  { files: ['electron/services/db/**/*.ts'], rules: restrict([ELECTRON, ORT, THREE, ...REACT], [THREE_SUB, RENDERER_CODE]) },
  { files: ['electron/services/segmentation/**/*.ts'], rules: restrict([ELECTRON, SQLITE, THREE, ...REACT], [THREE_SUB, RENDERER_CODE]) },
  // host and cli: services + common, never the native modules directly.
  { files: ['electron/host/**/*.ts', 'electron/cli/**/*.ts'], rules: restrict([ELECTRON, SQLITE, ORT, THREE, ...REACT], [THREE_SUB, RENDERER_CODE, pat(['**/main/**', '**/preload/**'], 'Host and CLI must not import the Electron shell.')]) },
  // main/preload: Electron shell; the core runs in its own process, so no services and no native modules here.
  { files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'], rules: restrict([SQLITE, ORT, THREE, ...REACT], [THREE_SUB, RENDERER_CODE, pat(['**/services/**'], 'The shell talks to services through the core process, not by import.')]) },
);
