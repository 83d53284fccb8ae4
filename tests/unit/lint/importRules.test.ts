import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The layer rules of ARCHITECTURE.md are lint errors. Each case lints a one-line file as if it lived
// at the given path, through the project's real eslint.config.js.
const root = path.resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function lint(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer import rules', () => {
  const forbidden: [string, string, RegExp][] = [
    ['electron/services/scans/x.ts', "import { app } from 'electron';", /Only electron\/main and electron\/preload/],
    ['electron/services/labels/x.ts', "import Database from 'better-sqlite3';", /Only electron\/services\/db/],
    ['electron/host/x.ts', "import Database from 'better-sqlite3';", /Only electron\/services\/db/],
    ['electron/services/db/x.ts', "import * as ort from 'onnxruntime-node';", /Only electron\/services\/segmentation/],
    ['renderer/src/App.tsx', "import * as THREE from 'three';", /Only renderer\/src\/viewer/],
    ['renderer/src/features/x.ts', "import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';", /Only renderer\/src\/viewer/],
    ['renderer/src/viewer/x.ts', "import fs from 'node:fs';", /No Node built-ins/],
    ['common/x.ts', "import path from 'path';", /No Node built-ins/],
    ['common/x.ts', "import { ScanRegistry } from '../electron/services/scans/scanRegistry';", /may not import Electron-side code/],
    ['electron/services/scans/x.ts', "import { App } from '../../../renderer/src/App';", /must not import renderer code/],
    ['electron/main/x.ts', "import { createCore } from '../services/core/core';", /through the core process/],
    ['electron/cli/x.ts', "import { app } from 'electron';", /Only electron\/main/],
  ];
  it.each(forbidden)('%s: rejects %s', async (file, code, message) => {
    const messages = await lint(file, code);
    expect(messages.some((m) => message.test(m))).toBe(true);
  });

  const allowed: [string, string][] = [
    ['electron/main/x.ts', "import { app } from 'electron';"],
    ['electron/services/db/x.ts', "import Database from 'better-sqlite3';"],
    ['electron/services/segmentation/x.ts', "import * as ort from 'onnxruntime-node';"],
    ['renderer/src/viewer/x.ts', "import * as THREE from 'three';"],
    ['electron/services/scans/x.ts', "import fs from 'node:fs';"],
    ['renderer/src/x.ts', "import { apiContract } from '../../common/contracts/api';"],
  ];
  it.each(allowed)('%s: allows %s', async (file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});
